/**
 * Pure helpers of the applications, APIs and users screens: the comma-separated URL lists of the
 * application settings, the metadata editors' JSON check, and the Test tab's curl.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { clientCredentialsCurl } from '../../dashboard/src/lib/curl.js';
import { formatUrlList, parseJsonObject, parseUrlList } from '../../dashboard/src/lib/url-list.js';

describe('URL list fields', () => {
  it('splits on commas and new lines, trims, and drops empty entries', () => {
    expect(parseUrlList(' https://a.example/cb ,https://b.example/cb\n\nhttps://c.example ,, ')).toEqual(['https://a.example/cb', 'https://b.example/cb', 'https://c.example']);
    expect(parseUrlList('')).toEqual([]);
    expect(parseUrlList(' , \n')).toEqual([]);
  });
  it('formats a list back as comma-separated text, and round-trips', () => {
    const list = ['http://127.0.0.1:3000/callback', 'https://app.example.com/*'];
    expect(formatUrlList(list)).toBe('http://127.0.0.1:3000/callback, https://app.example.com/*');
    expect(parseUrlList(formatUrlList(list))).toEqual(list);
    expect(formatUrlList(undefined)).toBe('');
  });
});

describe('metadata JSON check', () => {
  it('accepts objects (and empty text as {})', () => {
    expect(parseJsonObject('{"theme":"dark","n":{"a":[1]}}')).toEqual({ value: { theme: 'dark', n: { a: [1] } } });
    expect(parseJsonObject('  ')).toEqual({ value: {} });
  });
  it('says what is wrong with invalid JSON and with non-objects', () => {
    expect(parseJsonObject('{"theme": ')).toMatchObject({ error: expect.stringMatching(/^Invalid JSON: /) });
    for (const text of ['[1,2]', '"text"', '42', 'null', 'true']) {
      expect(parseJsonObject(text), text).toEqual({ error: 'The value must be a JSON object ({ ... }).' });
    }
  });
});

describe('client credentials curl', () => {
  it('posts the four fields as JSON to the tenant token endpoint, and survives quotes in the shell', () => {
    const curl = clientCredentialsCurl('http://acme.localhost:4000', 'abc123', "se'cret", 'https://orders.acme.test');
    expect(curl).toContain('--url http://acme.localhost:4000/oauth/token');
    // The shell sees exactly the JSON body: run the --data argument through sh and parse it back.
    const data = /--data ('(?:[^']|'\\'')*')$/.exec(curl)![1]!;
    const echoed = execFileSync('sh', ['-c', `printf %s ${data}`], { encoding: 'utf8' });
    expect(JSON.parse(echoed)).toEqual({ client_id: 'abc123', client_secret: "se'cret", audience: 'https://orders.acme.test', grant_type: 'client_credentials' });
  });
});
