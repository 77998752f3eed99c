/**
 * The JOSE header rules every JWS a client signs must meet, whatever key it is then verified with:
 * client assertions (private_key_jwt) and request objects (JAR) share them, so they are written
 * once. No `crit` or `b64` (RFC 7797 `b64: false` would have jose verify an unencoded payload the
 * claims were not read from; nothing Tessera accepts needs a critical extension); `alg` never `none`
 * (unsigned) nor HS* (a shared secret: keyed with a public key it is the classic algorithm
 * confusion). Each caller then compares `alg` with the credential's own.
 */
import { decodeProtectedHeader } from 'jose';

export interface ClientJwsHeader extends Record<string, unknown> {
  alg: string;
}

/** The protected header of `jwt`, or `refuse(description)` thrown for the first rule it breaks. */
export function clientJwsHeader(jwt: string, refuse: (description: string) => Error): ClientJwsHeader {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  } catch {
    throw refuse('the header is not a JOSE header.');
  }
  if (header.crit !== undefined || header.b64 !== undefined) throw refuse('the crit and b64 header parameters are not accepted.');
  const alg = header.alg;
  if (alg === 'none') throw refuse('alg must be an asymmetric algorithm: alg none (unsigned) is not accepted.');
  if (typeof alg !== 'string' || alg.startsWith('HS')) throw refuse('alg must be an asymmetric algorithm, not a shared secret.');
  return { ...header, alg };
}
