/**
 * Customer-provided public signing keys (Auth0's "Customer Provided Public Signing Keys"): the rules
 * a JWK passes before Tessera publishes it in the tenant's JWKS. Tessera never signs with these keys
 * and never verifies its own APIs' tokens with them (docs: "Tokens signed by customer keys cannot be
 * consumed by Auth0 APIs"); it only distributes them, so what it checks is that each one is a
 * well-formed public key a relying party can use: RSA of at least 2048 bits or EC on P-256, P-384 or
 * P-521, an `alg` of its own key type, a `kid` unique in the JWKS, and certificates (`x5c`, `x5t`,
 * `x5t#S256`) that are the key's own.
 */
import { X509Certificate, createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { CustomSigningJwk } from '../../storage/repositories/custom-signing-keys.js';
import { invalid } from '../errors.js';

export type { CustomSigningJwk } from '../../storage/repositories/custom-signing-keys.js';

/** Auth0: "You can import up to ten custom keys in JWKS format." */
export const MAX_CUSTOM_SIGNING_KEYS = 10;
export const MIN_RSA_MODULUS_BITS = 2048;
/** A bound on work and size, not a cryptographic rule: no deployed signer uses a larger modulus. */
export const MAX_RSA_MODULUS_BITS = 8192;

export const CUSTOM_KEY_TYPES = ['EC', 'RSA'] as const;
export const CUSTOM_KEY_CURVES = ['P-256', 'P-384', 'P-521'] as const;
export const CUSTOM_KEY_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'] as const;

const RSA_ALGS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
/** Each curve's coordinate length and the one algorithm that signs with it (RFC 7518 §3.4). */
const CURVES: Readonly<Record<string, { bytes: number; alg: string }>> = {
  'P-256': { bytes: 32, alg: 'ES256' },
  'P-384': { bytes: 48, alg: 'ES384' },
  'P-521': { bytes: 66, alg: 'ES512' },
};

/** JWK members that carry private key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1): never accepted. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The members Auth0's CustomSigningKeyJWK has, in its order; a stored key keeps only these. */
const MEMBERS = ['kty', 'kid', 'use', 'key_ops', 'alg', 'n', 'e', 'crv', 'x', 'y', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;

/**
 * The first key of a request body that holds private key material, looked for before the body is
 * validated, so that the answer says why rather than "additional property".
 */
export function privateMemberIn(body: unknown): { index: number; member: string } | undefined {
  const keys = body !== null && typeof body === 'object' ? (body as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) return undefined;
  for (const [index, key] of keys.entries()) {
    if (key === null || typeof key !== 'object') continue;
    const member = PRIVATE_JWK_MEMBERS.find((name) => Object.hasOwn(key, name));
    if (member) return { index, member };
  }
  return undefined;
}

export const privateMemberMessage = (found: { index: number; member: string }): string =>
  `keys[${found.index}].${found.member} is private key material: upload the public key only (Tessera never holds the private part of a custom signing key).`;

/**
 * Checks a whole replacement set and returns it as it will be stored and published (Auth0's members
 * only, in Auth0's order). Throws a 400 naming the key and member. Pure: no storage is read.
 */
export function checkCustomSigningKeys(keys: readonly CustomSigningJwk[]): CustomSigningJwk[] {
  if (keys.length === 0) throw invalid('keys must hold at least one key; DELETE /api/v2/keys/custom-signing removes them all.');
  if (keys.length > MAX_CUSTOM_SIGNING_KEYS) throw invalid(`keys holds ${keys.length} keys; at most ${MAX_CUSTOM_SIGNING_KEYS} custom signing keys are allowed.`);
  const seen = new Set<string>();
  return keys.map((key, index) => {
    const at = `keys[${index}]`;
    const found = privateMemberIn({ keys: [key] });
    if (found) throw invalid(privateMemberMessage({ ...found, index }));
    const kid = key.kid;
    if (typeof kid !== 'string' || kid === '') throw invalid(`${at}.kid is required: relying parties choose a key of the JWKS by its kid.`);
    if (seen.has(kid)) throw invalid(`${at}.kid "${kid}" is used by another key of the set: each kid must be unique.`);
    seen.add(kid);
    if (key.use !== undefined && key.use !== 'sig') throw invalid(`${at}.use must be "sig": a custom key is published for verifying signatures only.`);
    if (key.key_ops !== undefined && !(Array.isArray(key.key_ops) && key.key_ops.length > 0 && key.key_ops.every((op) => op === 'verify'))) {
      throw invalid(`${at}.key_ops may only be ["verify"]: a public key verifies signatures.`);
    }
    const publicKey = key.kty === 'RSA' ? checkRsa(key, at) : key.kty === 'EC' ? checkEc(key, at) : undefined;
    if (!publicKey) throw invalid(`${at}.kty must be RSA or EC.`);
    checkCertificates(key, at, publicKey);
    return Object.fromEntries(MEMBERS.filter((name) => key[name] !== undefined).map((name) => [name, key[name]])) as CustomSigningJwk;
  });
}

/** A custom key may not take the kid of one of the tenant's own keys (revoked ones included): relying parties pick a key of the JWKS by its kid. */
export function refuseTenantKids(keys: readonly CustomSigningJwk[], tenantKids: readonly string[]): void {
  const index = keys.findIndex((key) => key.kid !== undefined && tenantKids.includes(key.kid));
  if (index >= 0) throw invalid(`keys[${index}].kid "${String(keys[index]!.kid)}" is the kid of one of the tenant's own signing keys: choose another.`);
}

function checkRsa(key: CustomSigningJwk, at: string): KeyObject {
  for (const member of ['crv', 'x', 'y'] as const) {
    if (key[member] !== undefined) throw invalid(`${at}.${member} does not belong to an RSA key (kty RSA has n and e).`);
  }
  const n = base64url(key.n, `${at}.n`);
  const e = base64url(key.e, `${at}.e`);
  const bits = bitLength(n);
  if (bits < MIN_RSA_MODULUS_BITS) throw invalid(`${at}.n is a ${bits}-bit RSA modulus; at least ${MIN_RSA_MODULUS_BITS} bits are required.`);
  if (bits > MAX_RSA_MODULUS_BITS) throw invalid(`${at}.n is a ${bits}-bit RSA modulus; at most ${MAX_RSA_MODULUS_BITS} bits are accepted.`);
  // A public exponent of 1 (or any even one) makes signatures forgeable or keys unusable.
  if (bitLength(e) < 2 || (e[e.length - 1]! & 1) === 0 || bitLength(e) > 32) throw invalid(`${at}.e is not a usable RSA public exponent (an odd number from 3, usually AQAB).`);
  if (key.alg !== undefined && !RSA_ALGS.includes(key.alg)) throw invalid(`${at}.alg ${String(key.alg)} does not match kty RSA: use one of ${RSA_ALGS.join(', ')}.`);
  return publicKeyOf({ kty: 'RSA', n: key.n, e: key.e }, at);
}

function checkEc(key: CustomSigningJwk, at: string): KeyObject {
  for (const member of ['n', 'e'] as const) {
    if (key[member] !== undefined) throw invalid(`${at}.${member} does not belong to an EC key (kty EC has crv, x and y).`);
  }
  const curve = typeof key.crv === 'string' ? CURVES[key.crv] : undefined;
  if (!curve) throw invalid(`${at}.crv is required for an EC key: P-256, P-384 or P-521.`);
  for (const member of ['x', 'y'] as const) {
    const bytes = base64url(key[member], `${at}.${member}`);
    if (bytes.length !== curve.bytes) throw invalid(`${at}.${member} must be ${curve.bytes} bytes on ${String(key.crv)}, not ${bytes.length}.`);
  }
  if (key.alg !== undefined && key.alg !== curve.alg) throw invalid(`${at}.alg ${String(key.alg)} does not match crv ${String(key.crv)}: a ${String(key.crv)} key signs ${curve.alg}.`);
  return publicKeyOf({ kty: 'EC', crv: key.crv, x: key.x, y: key.y }, at);
}

/** Node refuses a modulus it cannot use and an EC point off its curve: either is not a public key. */
function publicKeyOf(jwk: Record<string, unknown>, at: string): KeyObject {
  try {
    return createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch {
    throw invalid(`${at} is not a valid ${String(jwk.kty)} public key.`);
  }
}

/** `x5c` (RFC 7517 §4.7): the first certificate holds the key itself; `x5t` and `x5t#S256` are its thumbprints. */
function checkCertificates(key: CustomSigningJwk, at: string, publicKey: KeyObject): void {
  const chain = key.x5c;
  if (chain === undefined) return;
  if (!Array.isArray(chain) || chain.length === 0) throw invalid(`${at}.x5c must hold at least one certificate.`);
  const ders = chain.map((entry, i) => {
    try {
      if (typeof entry !== 'string') throw new Error('not a string');
      const der = Buffer.from(entry, 'base64');
      new X509Certificate(der);
      return der;
    } catch {
      throw invalid(`${at}.x5c[${i}] is not a DER certificate in base64.`);
    }
  });
  const leaf = new X509Certificate(ders[0]!);
  if (!spkiOf(leaf.publicKey).equals(spkiOf(publicKey))) throw invalid(`${at}.x5c[0] certifies another public key than the JWK's own.`);
  if (key.x5t !== undefined && key.x5t !== createHash('sha1').update(ders[0]!).digest('base64url')) throw invalid(`${at}.x5t is not the SHA-1 thumbprint of x5c[0].`);
  if (key['x5t#S256'] !== undefined && key['x5t#S256'] !== createHash('sha256').update(ders[0]!).digest('base64url')) throw invalid(`${at}.x5t#S256 is not the SHA-256 thumbprint of x5c[0].`);
}

function base64url(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) throw invalid(`${field} is required, base64url-encoded.`);
  return Buffer.from(value, 'base64url');
}

/** Bits of an unsigned big-endian integer, leading zero octets ignored. */
function bitLength(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
