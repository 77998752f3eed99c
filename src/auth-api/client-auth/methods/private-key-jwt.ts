/**
 * `private_key_jwt` (RFC 7523 §2.2 and §3, OIDC Core §9): the client signs a short-lived JWT with
 * its private key and sends it as `client_assertion`, with `client_assertion_type`
 * `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`. Tessera checks, in this order:
 *
 * 1. size: at most MAX_ASSERTION_BYTES, before anything is parsed;
 * 2. `iss` = `sub` = the client id (at most MAX_CLIENT_ID_LENGTH characters; `client_id`, when
 *    the body gives it, the same), a header without `crit`/`b64` and with an asymmetric `alg`;
 * 3. a key: one of the client's credentials associated with private_key_jwt, unexpired, chosen by
 *    the header's `kid` when present (else each is tried). The algorithm is the credential's, never
 *    the header's: a header `alg` other than the credential's is refused, so `none`, HS256 keyed
 *    with the public key, or any other confusion cannot be asked for;
 * 4. the signature, then `iss` = `sub` = the client id again, on the verified claims;
 * 5. `aud`: the tenant's issuer or its token endpoint (a string, or an array holding one of them),
 *    or the endpoint called when its protocol allows that (`endpointAudience`: PAR);
 * 6. `exp` required, not past, and at most MAX_LIFETIME_SECONDS (+ skew) ahead: an assertion is
 *    for one request, and the replay store keeps its jti only until it expires; `nbf` and `iat`,
 *    when present, not in the future (CLOCK_SKEW_SECONDS allowed on each side);
 * 7. `jti` required and never seen before for this client (a shared store: the database), kept
 *    JTI_RETENTION_SECONDS past `exp`.
 *
 * Every refusal is `401 invalid_client`. Rules 1, 2 and 5-7 are named in the answer; rules 3 and
 * 4 depend on the client's registration and are answered as an unknown client, named only in the
 * tenant log (undisclosedInvalidClient).
 */
import { createHash } from 'node:crypto';
import { compactVerify } from 'jose';
import { clientJwsHeader } from '../../../domain/tokens/jws-header.js';
import { AuthApiError } from '../../../http/errors.js';
import { associatedIds } from '../../../domain/clients/authentication-methods.js';
import type { ClientCredentials } from '../credentials.js';
import { invalidClient, undisclosedInvalidClient } from '../errors.js';
import { MAX_CLIENT_ID_LENGTH } from '../../../domain/ids.js';
import type { ClientAuthMethod } from '../method.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A compact JWS of an RSA-4096 signature and ordinary claims is under 1.5 KB; 8 KB bounds parsing work. */
export const MAX_ASSERTION_BYTES = 8192;
/** How far ahead `exp` may be: assertions are single-use and short-lived (Auth0's SDKs use 60 s to 5 min). */
export const MAX_LIFETIME_SECONDS = 300;
/** Tolerated difference between the client's clock and ours, on `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 30;
/**
 * How long past its `exp` an assertion's jti is kept. An instance accepts it until exp + skew by its
 * own clock; instances' clocks differ too, so the jti outlives that by another skew and a margin:
 * no instance whose clock lags can accept it again after the store forgot it.
 */
export const JTI_RETENTION_SECONDS = 2 * CLOCK_SKEW_SECONDS + 60;
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
  response_type?: unknown;
  redirect_uri?: unknown;
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
  // Everything checked here holds or fails whatever the client: it may name its rule. Nothing here
  // depends on the client's registration, which is authenticate()'s to keep undisclosed.
  clientId(credentials) {
    const assertion = assertionOf(credentials);
    const claims = unverifiedClaims(assertion);
    if (typeof claims.iss !== 'string' || claims.iss === '' || claims.sub !== claims.iss) throw refuse('iss and sub must both be the client_id.');
    // The same bound as every other client_id (server/request-bounds.ts), before the lookup.
    if (claims.iss.length > MAX_CLIENT_ID_LENGTH) throw refuse(`iss is longer than ${MAX_CLIENT_ID_LENGTH} characters.`);
    const bodyClientId = credentials.params.client_id;
    if (bodyClientId !== undefined && bodyClientId !== claims.iss) throw refuse('client_id does not match the assertion’s iss and sub.');
    // A JAR request object (domain/oidc/request-object.ts) may be signed by the same key and travels
    // in browser URLs: it must never stand in for a client assertion. Its parameters give it away
    // even when its typ is plain `jwt`; the two also share one jti record, so neither is spent twice.
    if (claims.response_type !== undefined || claims.redirect_uri !== undefined) throw refuse('an authorization request object is not a client assertion.');
    // The shared JWS header rules (domain/tokens/jws-header.ts), before any lookup.
    const header = clientJwsHeader(assertion, refuse);
    if (typeof header.typ === 'string' && header.typ.toLowerCase() === 'oauth-authz-req+jwt') throw refuse('an authorization request object is not a client assertion.');
    return claims.iss;
  },
  async authenticate(credentials, client, { services, tenant, issuer, endpointAudience, issuerAudienceOnly }) {
    const assertion = assertionOf(credentials);
    // The shared JWS header rules (domain/tokens/jws-header.ts), before any lookup.
    const header = clientJwsHeader(assertion, refuse);
    // Until the signature is verified, every refusal answers as an unknown client would: whether the
    // client exists, uses private_key_jwt, has live keys, this kid or this alg is the tenant log's only.
    const undisclosed = (rule: string) => undisclosedInvalidClient(privateKeyJwt, `Invalid client assertion: ${rule}`);
    const ids = associatedIds(client, 'private_key_jwt');
    if (ids.length === 0) throw undisclosed('the client is not configured for private_key_jwt.');
    const now = services.clock.now();
    const candidates = (await services.clientCredentials.forAuthentication(tenant.id, client.client_id)).filter(
      (credential) => ids.includes(credential.id) && credential.credentialType === 'public_key' && credential.key && credential.alg,
    );
    const live = candidates.filter((credential) => credential.expiresAt === null || credential.expiresAt > now);
    if (live.length === 0) throw undisclosed(candidates.length > 0 ? 'the client’s credentials have expired.' : 'the client has no usable credential.');
    const keyed = header.kid === undefined ? live : live.filter((credential) => credential.kid === header.kid);
    if (keyed.length === 0) throw undisclosed('no credential of the client has this kid.');
    const usable = keyed.filter((credential) => credential.alg === header.alg);
    if (usable.length === 0) throw undisclosed('alg does not match the algorithm registered with the credential.');

    let payload: Uint8Array | undefined;
    for (const credential of usable) {
      try {
        // The algorithm is the credential's (the header's was only compared with it above).
        payload = (await compactVerify(assertion, credential.key!, { algorithms: [credential.alg!] })).payload;
        break;
      } catch {
        // Next candidate: with no kid, each associated key is tried.
      }
    }
    if (!payload) throw undisclosed('signature verification failed.');

    // From here on the client signed the assertion: naming the rule that failed helps it and tells nobody else anything.
    let claims: AssertionClaims;
    try {
      claims = JSON.parse(new TextDecoder().decode(payload)) as AssertionClaims;
    } catch {
      throw refuse('the payload is not a JSON object.');
    }
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw refuse('the payload is not a JSON object.');
    // The client was looked up from the unverified decode: the verified claims must name it too.
    if (claims.iss !== client.client_id || claims.sub !== client.client_id) throw refuse('iss and sub must both be the client_id.');

    if (issuerAudienceOnly) {
      if (claims.aud !== issuer) throw refuse(`aud must be exactly the issuer ${issuer} for this client (compliance_level).`);
    } else {
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      const accepted = [issuer, `${issuer.replace(/\/$/, '')}/oauth/token`, ...(endpointAudience ? [endpointAudience] : [])];
      if (!audiences.some((aud) => typeof aud === 'string' && accepted.includes(aud))) throw refuse(`aud must be ${accepted.join(' or ')}.`);
    }

    const nowSeconds = Math.floor(now / 1000);
    if (!isNumber(claims.exp)) throw refuse('exp is required.');
    if (claims.exp <= nowSeconds - CLOCK_SKEW_SECONDS) throw refuse('the assertion has expired.');
    if (claims.exp > nowSeconds + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw refuse(`exp must be at most ${MAX_LIFETIME_SECONDS} seconds ahead.`);
    if (claims.nbf !== undefined && (!isNumber(claims.nbf) || claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS)) throw refuse('the assertion is not valid yet (nbf).');
    if (claims.iat !== undefined && (!isNumber(claims.iat) || claims.iat > nowSeconds + CLOCK_SKEW_SECONDS)) throw refuse('iat is in the future.');
    if (typeof claims.jti !== 'string' || claims.jti === '' || claims.jti.length > MAX_JTI_LENGTH) throw refuse('jti is required.');

    // Last, once everything else holds: a forged or malformed assertion never spends a jti.
    const jtiHash = createHash('sha256').update(claims.jti).digest('base64url');
    const keepUntil = new Date((claims.exp + JTI_RETENTION_SECONDS) * 1000).toISOString();
    if (!(await services.storage.repos.clientAssertionJtis.claim(tenant.id, client.client_id, jtiHash, keepUntil))) throw refuse('jti has already been used.');
    return 'authenticated' as const;
  },
};
