/**
 * Compact JWE encryption (RFC 7516 §7.1) of a signed JWT for a recipient's RSA public key: key
 * management RSA-OAEP-256/384/512 (RFC 7518 §4.3, the hash used for OAEP and MGF1 alike), content
 * encryption A256GCM (§5.3) with the encoded protected header as the additional authenticated data.
 *
 * On node:crypto's synchronous primitives, as jws.ts is and for the same reason: jose's
 * CompactEncrypt goes through WebCrypto, whose every operation is queued on the libuv pool and
 * answered asynchronously; here the RSA encryption of the 32-byte content key is the only real
 * cost, and the access-token path stays synchronous. jose's compactDecrypt is the reference the
 * tests decrypt with.
 */
import { constants, createCipheriv, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';

export const JWE_KEY_ALGS = ['RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512'] as const;
export type JweKeyAlg = (typeof JWE_KEY_ALGS)[number];

const OAEP_HASH: Record<JweKeyAlg, string> = { 'RSA-OAEP-256': 'sha256', 'RSA-OAEP-384': 'sha384', 'RSA-OAEP-512': 'sha512' };

/** A recipient, prepared once: its public key and its encoded protected header. */
export interface JweEncrypter {
  alg: JweKeyAlg;
  key: KeyObject;
  oaepHash: string;
  /** base64url of the protected header, also the AAD of the content encryption (as ASCII). */
  header: string;
  aad: Buffer;
}

/** Prepares a recipient: `{alg, enc: A256GCM, cty, kid?}` as the protected header, encoded once. */
export function jweEncrypter(key: KeyObject, alg: JweKeyAlg, options: { kid?: string; cty?: string } = {}): JweEncrypter {
  const fields: Record<string, string> = { alg, enc: 'A256GCM' };
  if (options.cty) fields.cty = options.cty;
  if (options.kid) fields.kid = options.kid;
  const header = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return { alg, key, oaepHash: OAEP_HASH[alg], header, aad: Buffer.from(header, 'ascii') };
}

/** `header.encryptedKey.iv.ciphertext.tag`, a fresh content key and IV for every message. */
export function encryptCompact(recipient: JweEncrypter, plaintext: string | Buffer): string {
  const cek = randomBytes(32);
  const iv = randomBytes(12);
  const encryptedKey = publicEncrypt({ key: recipient.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: recipient.oaepHash }, cek);
  const cipher = createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(recipient.aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${recipient.header}.${encryptedKey.toString('base64url')}.${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag.toString('base64url')}`;
}

/** Whether a bearer string has the shape of a compact JWE (five segments) rather than a JWS (three). */
export function isCompactJwe(token: string): boolean {
  let dots = 0;
  for (let i = 0; i < token.length; i++) if (token.charCodeAt(i) === 46) dots++;
  return dots === 4;
}
