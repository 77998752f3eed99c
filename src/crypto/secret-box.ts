/**
 * Reversible authenticated encryption of secrets stored in the database (signing private keys,
 * client secrets). AES-256-GCM, a fresh random 96-bit IV per value, and associated data binding the
 * ciphertext to its row: a value copied to another row or tenant fails the tag check.
 *
 * Stored form: `enc:v1:<base64url iv>.<base64url ciphertext+tag>`. The prefix makes values
 * self-describing, so rows written before encryption existed (plain text) are still readable.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_BOX_KEY_BYTES = 32;

/** A stored value that is not ours, was tampered with, or was sealed under another key or row. */
export class SecretBoxError extends Error {}

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== SECRET_BOX_KEY_BYTES) throw new SecretBoxError(`encryption key must be ${SECRET_BOX_KEY_BYTES} bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Decrypts a sealed value; a value without the prefix is legacy plain text and returned as is. */
  open(stored: string, aad: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const [ivText, bodyText, extra] = stored.slice(PREFIX.length).split('.');
    if (ivText === undefined || bodyText === undefined || extra !== undefined) throw new SecretBoxError('malformed encrypted value');
    const iv = Buffer.from(ivText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SecretBoxError('malformed encrypted value');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // GCM's tag check: wrong key, wrong row (AAD) or altered bytes — indistinguishable by design.
      throw new SecretBoxError('encrypted value does not authenticate (wrong encryption key, or the value was altered or moved)');
    }
  }
}

/** Parses a 32-byte key written as 64 hex digits or base64/base64url; undefined when it is neither. */
export function parseSecretBoxKey(raw: string): Buffer | undefined {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === SECRET_BOX_KEY_BYTES) return key;
  }
  return undefined;
}
