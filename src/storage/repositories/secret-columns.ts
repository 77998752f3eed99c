/**
 * Encrypt-on-write / decrypt-on-read for secret columns. A storage opened without a key (tools,
 * some tests) can still read legacy clear values but refuses to write a secret: never silently in clear.
 */
import { SecretBox } from '../../crypto/secret-box.js';

export type SecretBoxOrNone = SecretBox | undefined;

export function sealSecret(box: SecretBoxOrNone, plaintext: string, aad: string): string {
  if (!box) throw new Error('storage was opened without an encryption key; refusing to store a secret in clear');
  return box.seal(plaintext, aad);
}

export function openSecret(box: SecretBoxOrNone, stored: string, aad: string): string {
  if (!SecretBox.isSealed(stored)) return stored;
  if (!box) throw new Error('storage was opened without an encryption key; cannot read an encrypted secret');
  return box.open(stored, aad);
}
