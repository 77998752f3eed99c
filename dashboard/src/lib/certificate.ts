/**
 * The signing certificate downloads (Auth0's CER, PEM and PKCS#7): the API's `cert` is PEM and its
 * `pkcs7` is PEM-armoured PKCS#7, so only the CER (DER) needs a conversion, done here in the browser.
 * Pure: unit-tested in test/unit/dashboard-settings.test.ts.
 */

/** The bytes inside the first PEM block (`-----BEGIN {label}-----`), or an error when there is none. */
export function pemToDer(pem: string, label = 'CERTIFICATE'): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!match) throw new Error(`No ${label} PEM block.`);
  const base64 = match[1]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) throw new Error(`The ${label} PEM block is not base64.`);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export type CertificateFormat = 'pem' | 'cer' | 'p7b';

/** A download of a key's certificate: file name, media type and content. */
export function certificateFile(key: { kid: string; cert: string; pkcs7: string }, format: CertificateFormat): { name: string; type: string; content: Uint8Array | string } {
  // A kid is the server's (base64url), but the file name must not carry a path in any case.
  const base = key.kid.replace(/[^A-Za-z0-9_-]/g, '_');
  switch (format) {
    case 'pem':
      return { name: `${base}.pem`, type: 'application/x-pem-file', content: key.cert };
    case 'cer':
      return { name: `${base}.cer`, type: 'application/pkix-cert', content: pemToDer(key.cert) };
    case 'p7b':
      return { name: `${base}.p7b`, type: 'application/x-pkcs7-certificates', content: key.pkcs7 };
  }
}

/** Where a signing key stands in the rotation, in the docs' words. */
export type KeyStatus = 'current' | 'next' | 'previous' | 'revoked';

export function keyStatus(key: { current: boolean; next: boolean; previous: boolean; revoked: boolean }): KeyStatus {
  if (key.revoked) return 'revoked';
  if (key.current) return 'current';
  if (key.previous) return 'previous';
  return 'next';
}

export const KEY_STATUS_LABELS: Readonly<Record<KeyStatus, string>> = Object.freeze({
  current: 'Currently used',
  next: 'Next in queue',
  previous: 'Previously used',
  revoked: 'Revoked',
});

/** Valid keys first in the docs' order (next, current, previous), then revoked ones, newest revocation first. */
export function sortKeys<T extends { current: boolean; next: boolean; previous: boolean; revoked: boolean; revoked_at?: string }>(keys: readonly T[]): T[] {
  const rank: Record<KeyStatus, number> = { next: 0, current: 1, previous: 2, revoked: 3 };
  return [...keys].sort((a, b) => rank[keyStatus(a)] - rank[keyStatus(b)] || (b.revoked_at ?? '').localeCompare(a.revoked_at ?? ''));
}
