/** The dashboard's CSRF header value (http/dashboard-csrf.ts) and its subkey (crypto/subkeys.ts). */
import { hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCsrfToken, csrfTokenFor } from '../../src/http/dashboard-csrf.js';
import { deriveSubkey } from '../../src/crypto/subkeys.js';

const key = randomBytes(32);
const session = 'ds_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

describe('csrfTokenFor', () => {
  it('is HMAC-SHA256 in base64url (RFC 4231, test case 2)', () => {
    expect(csrfTokenFor(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(
      Buffer.from('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hex').toString('base64url'),
    );
  });

  it('is stable for a session and differs between sessions and keys', () => {
    const token = csrfTokenFor(key, session);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenFor(key, session)).toBe(token);
    expect(csrfTokenFor(key, 'ds_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')).not.toBe(token);
    expect(csrfTokenFor(randomBytes(32), session)).not.toBe(token);
  });
});

describe('checkCsrfToken', () => {
  const token = csrfTokenFor(key, session);

  it("accepts the session's own token", () => {
    expect(checkCsrfToken(key, session, token)).toBe(true);
  });

  it("refuses another session's token, another key's, a changed one, and anything not a token", () => {
    expect(checkCsrfToken(key, 'ds_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', token)).toBe(false);
    expect(checkCsrfToken(randomBytes(32), session, token)).toBe(false);
    const changed = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(checkCsrfToken(key, session, changed)).toBe(false);
    for (const presented of [undefined, null, '', token.slice(1), `${token}=`, token + token, ['x'], 42, 'é'.repeat(43)]) {
      expect(checkCsrfToken(key, session, presented)).toBe(false);
    }
  });
});

describe('the dashboardCsrf subkey', () => {
  it('is HKDF-SHA256 of the master key under its own label, distinct from the other purposes', () => {
    const master = randomBytes(32);
    const subkey = deriveSubkey(master, 'dashboardCsrf');
    expect(subkey).toHaveLength(32);
    expect(subkey.equals(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'tessera/dashboard-csrf-hmac/v1', 32)))).toBe(true);
    expect(subkey.equals(deriveSubkey(master, 'passwordlessCodes'))).toBe(false);
    expect(subkey.equals(Buffer.from(master))).toBe(false);
  });
});
