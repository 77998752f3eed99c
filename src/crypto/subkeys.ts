/**
 * Keys for separate purposes, derived from the master encryption key (TESSERA_ENCRYPTION_KEY or the
 * data dir's key file) with HKDF-SHA256: one key is never used by two algorithms (the master key
 * stays the secret box's AES key alone), and a subkey reveals neither the master key nor another
 * subkey. Derived at each start, so they need no storage and follow the master key everywhere.
 */
import { hkdfSync } from 'node:crypto';

/** Each purpose's HKDF `info`. A label never changes meaning; a new use gets a new label. */
const PURPOSES = {
  /** HMAC-SHA256 of stored passwordless codes (domain/passwordless/codes.ts). */
  passwordlessCodes: 'tessera/passwordless-code-hmac/v1',
  /** HMAC-SHA256 of dashboard session ids: the control API's CSRF header (http/dashboard-csrf.ts). */
  dashboardCsrf: 'tessera/dashboard-csrf-hmac/v1',
} as const;

export type SubkeyPurpose = keyof typeof PURPOSES;

export const SUBKEY_BYTES = 32;

export function deriveSubkey(masterKey: Uint8Array, purpose: SubkeyPurpose): Buffer {
  // No salt: the master key is already uniformly random (RFC 5869, 3.1); `info` separates purposes.
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), PURPOSES[purpose], SUBKEY_BYTES));
}
