/**
 * Compact JWS signing and verification on node:crypto's synchronous primitives.
 *
 * Why not `jose` here: jose goes through WebCrypto, which queues every signature on the libuv
 * thread pool. On the token endpoint that hop costs more than it saves; a direct `crypto.sign`
 * with a cached KeyObject and a pre-encoded header keeps the endpoint close to the cost of the
 * signature itself. Verification is strict: the algorithm comes from our key, never from the token.
 */
import { constants, createHmac, sign, verify, timingSafeEqual, type KeyObject } from 'node:crypto';

export type JwsAlg = 'RS256' | 'PS256' | 'ES256' | 'HS256';

export interface JwsSigningKey {
  alg: JwsAlg;
  kid?: string;
  /** Private KeyObject for asymmetric algorithms, raw secret bytes for HS256. */
  key: KeyObject | Buffer;
}

export interface JwsVerificationKey {
  /**
   * Every algorithm we sign with this key (an RSA key signs both RS256 and PS256). A token's `alg`
   * must be one of these; nothing else about the token chooses how it is verified.
   */
  algs: readonly JwsAlg[];
  key: KeyObject | Buffer;
}

const encodedHeaders = new WeakMap<object, Map<string, string>>();

function encodedHeader(signingKey: JwsSigningKey, typ: string): string {
  let byTyp = encodedHeaders.get(signingKey);
  if (!byTyp) encodedHeaders.set(signingKey, (byTyp = new Map()));
  let header = byTyp.get(typ);
  if (!header) {
    const fields: Record<string, string> = { alg: signingKey.alg, typ };
    if (signingKey.kid) fields.kid = signingKey.kid;
    header = Buffer.from(JSON.stringify(fields)).toString('base64url');
    byTyp.set(typ, header);
  }
  return header;
}

function rawSign(alg: JwsAlg, key: KeyObject | Buffer, data: Buffer): Buffer {
  switch (alg) {
    case 'RS256':
      return sign('sha256', data, key as KeyObject);
    case 'PS256':
      return sign('sha256', data, { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'ES256':
      return sign('sha256', data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
    case 'HS256':
      return createHmac('sha256', key as Buffer).update(data).digest();
  }
}

function rawVerify(alg: JwsAlg, key: KeyObject | Buffer, data: Buffer, signature: Buffer): boolean {
  switch (alg) {
    case 'RS256':
      return verify('sha256', data, key as KeyObject, signature);
    case 'PS256':
      return verify('sha256', data, { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    case 'ES256':
      return verify('sha256', data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }, signature);
    case 'HS256': {
      const expected = createHmac('sha256', key as Buffer).update(data).digest();
      return expected.length === signature.length && timingSafeEqual(expected, signature);
    }
  }
}

/** Signs a JWT. The header is `{alg, typ, kid}`; the payload is serialized as given. */
export function signJwt(signingKey: JwsSigningKey, payload: object, typ = 'JWT'): string {
  const signingInput = `${encodedHeader(signingKey, typ)}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = rawSign(signingKey.alg, signingKey.key, Buffer.from(signingInput));
  return `${signingInput}.${signature.toString('base64url')}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export class JwtError extends Error {}

/** Parses a compact JWS without verifying it; throws JwtError on anything malformed. */
export function decodeJwt(token: string): DecodedJwt & { signingInput: string; signature: Buffer } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  const header = parseSegment(h);
  const payload = parseSegment(p);
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new JwtError('malformed signature');
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

function parseSegment(segment: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) throw new JwtError('malformed segment');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('segment is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtError('segment is not a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Verifies a JWT's signature with the key the caller resolves from the header.
 * The header's `alg` must be one the key itself is used with: this is what stops `alg: none`
 * and RS256→HS256 confusion (an HMAC "signed" with a public key), while an RSA key still verifies
 * the PS256 tokens we sign with it.
 */
export function verifyJwt(token: string, resolveKey: (header: Record<string, unknown>) => JwsVerificationKey | undefined): DecodedJwt {
  const decoded = decodeJwt(token);
  const key = resolveKey(decoded.header);
  if (!key) throw new JwtError('no matching key');
  const alg = key.algs.find((candidate) => candidate === decoded.header.alg);
  if (!alg) throw new JwtError('algorithm mismatch');
  let valid = false;
  try {
    valid = rawVerify(alg, key.key, Buffer.from(decoded.signingInput), decoded.signature);
  } catch {
    // node:crypto throws on some malformed signatures (wrong length for the curve); that is just "invalid".
  }
  if (!valid) throw new JwtError('invalid signature');
  return { header: decoded.header, payload: decoded.payload };
}
