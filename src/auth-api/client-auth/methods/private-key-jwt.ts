/**
 * `private_key_jwt` (RFC 7523 §2.2 and §3, OIDC Core §9): the client signs a short-lived JWT with
 * its private key and sends it as `client_assertion`, with `client_assertion_type`
 * `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`. Tessera checks, in this order:
 *
 * 1. size: at most MAX_ASSERTION_BYTES, before anything is parsed;
 * 2. `iss` = `sub` = the client id (and `client_id`, when the body gives it, the same);
 * 3. a key: one of the client's credentials associated with private_key_jwt, unexpired, chosen by
 *    the header's `kid` when present (else each is tried). The algorithm is the credential's, never
 *    the header's: a header `alg` other than the credential's is refused, so `none`, HS256 keyed
 *    with the public key, or any other confusion cannot be asked for;
 * 4. the signature;
 * 5. `aud`: the tenant's issuer or its token endpoint (a string, or an array holding one of them);
 * 6. `exp` required, not past, and at most MAX_LIFETIME_SECONDS (+ skew) ahead: an assertion is
 *    for one request, and the replay store keeps its jti only until it expires; `nbf` and `iat`,
 *    when present, not in the future (CLOCK_SKEW_SECONDS allowed on each side);
 * 7. `jti` required and never seen before for this client (a shared store: the database).
 *
 * Every refusal is `401 invalid_client` naming the rule that failed, never the key.
 */
import { createHash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { AuthApiError } from '../../../http/errors.js';
import { associatedIds } from '../../../domain/clients/authentication-methods.js';
import type { ClientCredentials } from '../credentials.js';
import { invalidClient } from '../errors.js';
import type { ClientAuthMethod } from '../method.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A compact JWS of an RSA-4096 signature and ordinary claims is under 1.5 KB; 8 KB bounds parsing work. */
export const MAX_ASSERTION_BYTES = 8192;
/** How far ahead `exp` may be: assertions are single-use and short-lived (Auth0's SDKs use 60 s to 5 min). */
export const MAX_LIFETIME_SECONDS = 300;
/** Tolerated difference between the client's clock and ours, on `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 30;
const MAX_JTI_LENGTH = 256;

const refuse = (description: string) => invalidClient(privateKeyJwt, `Invalid client assertion: ${description}`);

interface AssertionClaims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  iat?: unknown;
  jti?: unknown;
}

/** The claims of the (not yet verified) assertion, only to learn which client it names. */
function unverifiedClaims(assertion: string): AssertionClaims {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw refuse('not a compact JWS.');
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('not an object');
    return claims as AssertionClaims;
  } catch {
    throw refuse('the payload is not a JSON object.');
  }
}

function assertionOf(credentials: ClientCredentials): string {
  const type = credentials.params.client_assertion_type;
  if (type !== JWT_BEARER) throw new AuthApiError(400, 'invalid_request', `client_assertion_type must be ${JWT_BEARER}.`);
  const assertion = credentials.params.client_assertion;
  if (!assertion) throw new AuthApiError(400, 'invalid_request', 'Missing required parameter: client_assertion');
  if (Buffer.byteLength(assertion) > MAX_ASSERTION_BYTES) throw refuse(`larger than ${MAX_ASSERTION_BYTES} bytes.`);
  return assertion;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export const privateKeyJwt: ClientAuthMethod = {
  name: 'private_key_jwt',
  authenticates: true,
  presentedAs: 'client_assertion',
  presented: (credentials) => credentials.params.client_assertion !== undefined || credentials.params.client_assertion_type !== undefined,
  clientId(credentials) {
    const claims = unverifiedClaims(assertionOf(credentials));
    if (typeof claims.iss !== 'string' || claims.iss === '' || claims.sub !== claims.iss) throw refuse('iss and sub must both be the client_id.');
    const bodyClientId = credentials.params.client_id;
    if (bodyClientId !== undefined && bodyClientId !== claims.iss) throw refuse('client_id does not match the assertion’s iss and sub.');
    return claims.iss;
  },
  async authenticate(credentials, client, { services, tenant, issuer }) {
    const assertion = assertionOf(credentials);
    const ids = associatedIds(client, 'private_key_jwt');
    if (ids.length === 0) throw refuse('the client is not configured for private_key_jwt.');
    let header: { alg?: unknown; kid?: unknown };
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw refuse('the header is not a JOSE header.');
    }
    const now = services.clock.now();
    const candidates = (await services.clientCredentials.forAuthentication(tenant.id, client.client_id)).filter(
      (credential) => ids.includes(credential.id) && credential.credentialType === 'public_key' && credential.key && credential.alg,
    );
    const live = candidates.filter((credential) => credential.expiresAt === null || credential.expiresAt > now);
    if (live.length === 0) throw refuse(candidates.length > 0 ? 'the client’s credentials have expired.' : 'the client has no usable credential.');
    const keyed = header.kid === undefined ? live : live.filter((credential) => credential.kid === header.kid);
    if (keyed.length === 0) throw refuse('no credential of the client has this kid.');
    const usable = keyed.filter((credential) => credential.alg === header.alg);
    if (usable.length === 0) throw refuse('alg does not match the algorithm registered with the credential.');

    let payload: Uint8Array | undefined;
    for (const credential of usable) {
      try {
        payload = (await compactVerify(assertion, credential.key!, { algorithms: [credential.alg!] })).payload;
        break;
      } catch {
        // Next candidate: with no kid, each associated key is tried.
      }
    }
    if (!payload) throw refuse('signature verification failed.');
    let claims: AssertionClaims;
    try {
      claims = JSON.parse(new TextDecoder().decode(payload)) as AssertionClaims;
    } catch {
      throw refuse('the payload is not a JSON object.');
    }
    if (claims === null || typeof claims !== 'object') throw refuse('the payload is not a JSON object.');

    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const accepted = [issuer, `${issuer.replace(/\/$/, '')}/oauth/token`];
    if (!audiences.some((aud) => typeof aud === 'string' && accepted.includes(aud))) throw refuse(`aud must be ${accepted.join(' or ')}.`);

    const nowSeconds = Math.floor(now / 1000);
    if (!isNumber(claims.exp)) throw refuse('exp is required.');
    if (claims.exp <= nowSeconds - CLOCK_SKEW_SECONDS) throw refuse('the assertion has expired.');
    if (claims.exp > nowSeconds + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw refuse(`exp must be at most ${MAX_LIFETIME_SECONDS} seconds ahead.`);
    if (claims.nbf !== undefined && (!isNumber(claims.nbf) || claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS)) throw refuse('the assertion is not valid yet (nbf).');
    if (claims.iat !== undefined && (!isNumber(claims.iat) || claims.iat > nowSeconds + CLOCK_SKEW_SECONDS)) throw refuse('iat is in the future.');
    if (typeof claims.jti !== 'string' || claims.jti === '' || claims.jti.length > MAX_JTI_LENGTH) throw refuse('jti is required.');

    // Last, once everything else holds: a forged or malformed assertion never spends a jti.
    const jtiHash = createHash('sha256').update(claims.jti).digest('base64url');
    const keepUntil = new Date((claims.exp + CLOCK_SKEW_SECONDS) * 1000).toISOString();
    if (!(await services.storage.repos.clientAssertionJtis.claim(tenant.id, client.client_id, jtiHash, keepUntil))) throw refuse('jti has already been used.');
    return 'authenticated' as const;
  },
};
