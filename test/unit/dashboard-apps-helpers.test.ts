/**
 * Pure helpers of the applications, APIs and users screens: the comma-separated URL lists of the
 * application settings, the metadata editors' JSON check, the Test tab's curl, and the Credentials
 * tab's authentication-method patches (dashboard/src/features/applications/credential-methods.ts).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { clientCredentialsCurl } from '../../dashboard/src/lib/curl.js';
import { formatUrlList, parseJsonObject, parseUrlList } from '../../dashboard/src/lib/url-list.js';
import { currentMethod, isConfidential, isInUse, pemProblem, switchMethodPatch, toggleCredentialPatch, type Client } from '../../dashboard/src/features/applications/credential-methods.js';

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

describe('Credentials tab: authentication method patches', () => {
  const secret = { client_id: 'c', app_type: 'non_interactive', token_endpoint_auth_method: 'client_secret_basic' } as Client;
  const pkj = { client_id: 'c', app_type: 'regular_web', token_endpoint_auth_method: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'k1' }] } } } as Client;

  it('reads the current method: a credential method first, else the secret method', () => {
    expect(currentMethod(secret)).toBe('client_secret_basic');
    expect(currentMethod(pkj)).toBe('private_key_jwt');
    expect(isInUse(pkj, 'k1')).toBe('private_key_jwt');
    expect(isInUse(pkj, 'k2')).toBeUndefined();
    expect([isConfidential(secret), isConfidential({ app_type: 'spa' } as Client), isConfidential({ app_type: 'native' } as Client)]).toEqual([true, false, false]);
  });

  it('switches as the API requires: a key method replaces the methods, a secret method clears them', () => {
    expect(switchMethodPatch(secret, 'private_key_jwt', ['k1'])).toEqual({ client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'k1' }] } } });
    expect(switchMethodPatch(pkj, 'client_secret_post')).toEqual({ token_endpoint_auth_method: 'client_secret_post', client_authentication_methods: null });
    expect(switchMethodPatch(secret, 'client_secret_post')).toEqual({ token_endpoint_auth_method: 'client_secret_post' });
  });

  it('enables and disables one credential, keeping the others', () => {
    expect(toggleCredentialPatch(pkj, 'private_key_jwt', 'k2', true)).toEqual({ client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'k1' }, { id: 'k2' }] } } });
    const both = { ...pkj, client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'k1' }, { id: 'k2' }] } } } as Client;
    expect(toggleCredentialPatch(both, 'private_key_jwt', 'k1', false)).toEqual({ client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'k2' }] } } });
  });

  it('refuses a private key before it is sent', () => {
    expect(pemProblem('-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----')).toMatch(/private key/);
    expect(pemProblem('-----BEGIN RSA PRIVATE KEY-----\nMII')).toMatch(/private key/);
    expect(pemProblem('-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----')).toBeUndefined();
    expect(pemProblem('ssh-rsa AAAA')).toMatch(/PEM block/);
  });
});
