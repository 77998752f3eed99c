import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError, parseSecretBoxKey } from '../../src/crypto/secret-box.js';
import { loadConfig, ConfigError } from '../../src/config/config.js';

const box = new SecretBox(randomBytes(32));
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEv...\n-----END PRIVATE KEY-----\n';

describe('secret box (AES-256-GCM with associated data)', () => {
  it('round-trips and never repeats a ciphertext (random IV)', () => {
    const a = box.seal(PEM, 'signing_keys|t1|kid1');
    const b = box.seal(PEM, 'signing_keys|t1|kid1');
    expect(a).toMatch(/^enc:v1:[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('PRIVATE KEY');
    expect(box.open(a, 'signing_keys|t1|kid1')).toBe(PEM);
    expect(box.open(b, 'signing_keys|t1|kid1')).toBe(PEM);
    expect(box.open(box.seal('', 'x'), 'x')).toBe('');
  });

  it('reads values without the prefix as legacy plain text', () => {
    expect(SecretBox.isSealed('s3cret')).toBe(false);
    expect(box.open('s3cret', 'anything')).toBe('s3cret');
  });

  it('detects any altered byte of the IV, ciphertext or tag', () => {
    const sealed = box.seal('client-secret-value', 'clients|t1|c1');
    const [iv, body] = sealed.slice('enc:v1:'.length).split('.') as [string, string];
    const flip = (text: string, at: number) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[at]! ^= 0x01;
      return bytes.toString('base64url');
    };
    const bodyLength = Buffer.from(body, 'base64url').length;
    for (const tampered of [
      `enc:v1:${flip(iv, 0)}.${body}`,
      `enc:v1:${iv}.${flip(body, 0)}`,
      `enc:v1:${iv}.${flip(body, bodyLength - 1)}`,
      `enc:v1:${iv}.${body.slice(0, -4)}`,
      `enc:v1:${iv}`,
      `enc:v1:${iv}.${body}.x`,
    ]) {
      expect(() => box.open(tampered, 'clients|t1|c1')).toThrow(SecretBoxError);
    }
  });

  it('binds a value to its row: another AAD (row or tenant) does not decrypt', () => {
    const sealed = box.seal('client-secret-value', 'clients|tenant-a|c1');
    expect(() => box.open(sealed, 'clients|tenant-b|c1')).toThrow(SecretBoxError);
    expect(() => box.open(sealed, 'clients|tenant-a|c2')).toThrow(SecretBoxError);
  });

  it('fails under another key', () => {
    const sealed = box.seal('client-secret-value', 'aad');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'aad')).toThrow(SecretBoxError);
  });

  it('accepts only 32-byte keys', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(SecretBoxError);
    const key = randomBytes(32);
    expect(parseSecretBoxKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretBoxKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretBoxKey(key.toString('base64url'))).toEqual(key);
    expect(parseSecretBoxKey(randomBytes(31).toString('base64'))).toBeUndefined();
    expect(parseSecretBoxKey('not a key')).toBeUndefined();
  });
});

describe('TESSERA_ENCRYPTION_KEY', () => {
  it('is optional and parsed when set', () => {
    expect(loadConfig({}).encryptionKey).toBeUndefined();
    const key = randomBytes(32);
    expect(loadConfig({ TESSERA_ENCRYPTION_KEY: key.toString('base64') }).encryptionKey).toEqual(key);
  });

  it('rejects a key of the wrong size with a message naming the variable', () => {
    expect(() => loadConfig({ TESSERA_ENCRYPTION_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ TESSERA_ENCRYPTION_KEY: randomBytes(16).toString('hex') })).toThrow(/TESSERA_ENCRYPTION_KEY must be 32 bytes/);
  });
});
