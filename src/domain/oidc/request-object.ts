/**
 * JWT-Secured Authorization Requests (JAR, RFC 9101; docs: "Configure JWT-Secured Authorization
 * Requests", "Authorization Code Flow with JAR"). An authorization request may travel as one signed
 * JWT, the `request` parameter; `expandRequestObject` verifies it and answers the parameters the
 * request is then judged on. Used by `/authorize` (auth-api/authorize/authorization-requests.ts)
 * and meant for `/oauth/par` too, so it knows nothing of HTTP: the caller gives the clock, the
 * client's credentials and the replay store.
 *
 * Checks, in this order (every refusal is `invalid_request_object` unless said otherwise):
 * 1. at most MAX_REQUEST_OBJECT_BYTES, a compact JWS (five parts, a JWE, is refused as encrypted);
 * 2. the header: no `crit`/`b64`; `typ` `jwt` or `oauth-authz-req+jwt` (Auth0's rule); `alg` never
 *    `none` nor HS*, and one of REQUEST_OBJECT_ALGS (a FAPI 1 level: PS256 only);
 * 3. a key: the client's credentials listed in `signed_request_object.credentials`, public_key,
 *    unexpired, chosen by `kid` when the header has one (else each is tried); the algorithm is the
 *    credential's, never the header's (a header alg other than the credential's is refused);
 * 4. the claims, on the verified payload: a JSON object of at most MAX_CLAIMS members nested at
 *    most MAX_DEPTH deep; `iss` = `client_id` = the request's client_id; `aud` the issuer; `exp`
 *    required (Tessera: RFC 9101 leaves it optional, FAPI requires it), not past, at most
 *    MAX_LIFETIME_SECONDS ahead and, with `nbf`, at most MAX_LIFETIME_SECONDS after it (FAPI's
 *    60 minutes); `nbf` (required by a FAPI 1 level) not in the future nor older than MAX_LIFETIME_SECONDS; `iat` not in the
 *    future; no nested `request`/`request_uri`; `response_type`, when the query has one too, the same;
 * 5. `jti`, when present (Auth0: optional, at most 64 bytes), used once per client (the replay
 *    store of private_key_jwt, namespaced), spent only once everything else held.
 *
 * The result is the request object's parameters and the client_id, nothing else of the query
 * (RFC 9101 §6.3): an unsigned parameter beside a signed request cannot change it.
 * `request_uri` is not fetched: a URL is refused with `request_uri_not_supported`; a PAR urn is
 * for the PAR endpoint's reader.
 */
import { createHash } from 'node:crypto';
import { compactVerify } from 'jose';
import { clientJwsHeader } from '../tokens/jws-header.js';
import type { Client } from '../clients/client.js';
import type { ActiveCredential } from '../clients/client-credential-service.js';
import { requestObjectCredentialIds } from '../clients/authentication-methods.js';
import { CREDENTIAL_ALGS } from '../clients/credential-material.js';
import { complianceProfileOf } from '../clients/compliance-levels.js';
import { REQUEST_URI_PREFIX } from './pushed-authorization.js';

/** A request object of ordinary parameters and an RSA-4096 signature is a few KB; 16 KB bounds parsing. */
export const MAX_REQUEST_OBJECT_BYTES = 16_384;
/** Members of the payload: the authorization parameters and the JWT claims. */
export const MAX_CLAIMS = 64;
/** Nesting of values (e.g. the `claims` parameter's object). */
export const MAX_DEPTH = 5;
/** FAPI: `exp` at most 60 minutes after `nbf`, `nbf` at most 60 minutes in the past. */
export const MAX_LIFETIME_SECONDS = 3600;
export const CLOCK_SKEW_SECONDS = 30;
/** Auth0: "jti: Must be a string no longer than 64 bytes". */
const MAX_JTI_BYTES = 64;
/** The algorithms a request object may be signed with: those a public_key credential may hold (discovery lists them). */
export const REQUEST_OBJECT_ALGS: readonly string[] = CREDENTIAL_ALGS;
/** How long past `exp` a jti is kept: as private_key_jwt's, beyond any instance's acceptance limit. */
const JTI_RETENTION_SECONDS = 2 * CLOCK_SKEW_SECONDS + 60;
/** Claims that describe the JWT, not the authorization request. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub']);
const TYPES = new Set(['jwt', 'oauth-authz-req+jwt', 'application/oauth-authz-req+jwt']);

export type RequestObjectErrorCode = 'invalid_request_object' | 'request_uri_not_supported' | 'invalid_request';

/** A refusal: its OAuth error code and a description naming the rule. Callers decide page or redirect. */
export class RequestObjectError extends Error {
  constructor(
    readonly error: RequestObjectErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'RequestObjectError';
  }
}

/** What verification needs from outside the domain: the clock, the client's credentials, the replay store. */
export interface RequestObjectDeps {
  /** Epoch milliseconds. */
  now(): number;
  /** The client's credentials with parsed keys (ClientCredentialService.forAuthentication). */
  credentials(clientId: string): Promise<readonly ActiveCredential[]>;
  /** True for the first use of this (namespaced, hashed) jti by the client; kept until `keepUntil` (ISO). */
  claimJti(clientId: string, jtiHash: string, keepUntil: string): Promise<boolean>;
}

export interface RequestObjectInput {
  /** The tenant's issuer (with its trailing slash): the only accepted `aud`. */
  issuer: string;
  /** The client named by the request's client_id. */
  client: Client;
  /** The incoming parameters, holding `request`. */
  params: Readonly<Record<string, string>>;
}

const refuse = (description: string) => new RequestObjectError('invalid_request_object', `Invalid request object: ${description}`);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Whether the client's authorization requests must come as signed request objects (`signed_request_object.required`, or its compliance level's). */
export const requestObjectRequired = (client: Client): boolean => client.signed_request_object?.required === true || complianceProfileOf(client)?.requiresSignedRequestObject === true;

/** RFC 9101 §5.2 by reference is not offered: only PAR's own urns may be named (their endpoint reads them). */
export function refuseForeignRequestUri(params: Readonly<Record<string, string>>): void {
  const uri = params.request_uri;
  if (uri === undefined) return;
  if (params.request !== undefined) throw new RequestObjectError('invalid_request', 'request and request_uri cannot be used together.');
  if (!uri.startsWith(REQUEST_URI_PREFIX)) throw new RequestObjectError('request_uri_not_supported', 'request_uri is supported only with values issued by the pushed authorization request endpoint.');
}

function depthOf(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object') return depth;
  if (depth > MAX_DEPTH) return depth;
  let deepest = depth + 1;
  for (const member of Object.values(value as Record<string, unknown>)) deepest = Math.max(deepest, depthOf(member, depth + 1));
  return deepest;
}

/** The header, checked for what no credential could make acceptable (the shared JWS rules, then JAR's typ and algorithms). */
function checkedHeader(jwt: string): { alg: string; kid?: unknown } {
  const header = clientJwsHeader(jwt, refuse);
  if (typeof header.typ !== 'string' || !TYPES.has(header.typ.toLowerCase())) throw refuse('typ must be jwt or oauth-authz-req+jwt.');
  if (!REQUEST_OBJECT_ALGS.includes(header.alg)) throw refuse(`alg must be one of ${REQUEST_OBJECT_ALGS.join(', ')}.`);
  return { alg: header.alg, kid: header.kid };
}

/** A claim's value as an authorization parameter: strings as they are, numbers and booleans written out, objects as JSON. */
function parameterOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return undefined;
}

/**
 * Verifies `params.request` for `client` and answers the parameters of the request: the request
 * object's, with the client_id. Throws RequestObjectError.
 */
export async function expandRequestObject(input: RequestObjectInput, deps: RequestObjectDeps): Promise<Record<string, string>> {
  const { issuer, client, params } = input;
  refuseForeignRequestUri(params);
  const jwt = params.request;
  if (jwt === undefined) throw new RequestObjectError('invalid_request', 'Missing required parameter: request');
  if (Buffer.byteLength(jwt) > MAX_REQUEST_OBJECT_BYTES) throw refuse(`larger than ${MAX_REQUEST_OBJECT_BYTES} bytes.`);
  const parts = jwt.split('.');
  if (parts.length === 5) throw refuse('encrypted request objects (JWE) are not supported; sign the request object (JWS).');
  if (parts.length !== 3) throw refuse('not a compact JWS.');
  const header = checkedHeader(jwt);
  // A compliance level's algorithms (FAPI 1: PS256): a public rule of the profile, named before any key is looked at.
  const profile = complianceProfileOf(client);
  if (profile?.requestObjectAlgs && !profile.requestObjectAlgs.includes(header.alg)) {
    throw refuse(`alg must be ${profile.requestObjectAlgs.join(' or ')} for this client (compliance_level ${profile.level}).`);
  }

  // Until a signature verifies, every refusal reads the same: the error page is public, and which
  // credentials the client has, whether they expired, their kids and algorithms are nobody's business.
  const unverifiable = () => refuse('the signature could not be verified with the client’s request object credentials.');
  const ids = requestObjectCredentialIds(client);
  const now = deps.now();
  const candidates = ids.length === 0 ? [] : (await deps.credentials(client.client_id)).filter((credential) => ids.includes(credential.id) && credential.credentialType === 'public_key' && credential.key && credential.alg);
  const live = candidates.filter((credential) => credential.expiresAt === null || credential.expiresAt > now);
  const keyed = header.kid === undefined ? live : live.filter((credential) => credential.kid === header.kid);
  const usable = keyed.filter((credential) => credential.alg === header.alg);
  if (usable.length === 0) throw unverifiable();

  let payload: Uint8Array | undefined;
  for (const credential of usable) {
    try {
      // The algorithm is the credential's (the header's was only compared with it above).
      payload = (await compactVerify(jwt, credential.key!, { algorithms: [credential.alg!] })).payload;
      break;
    } catch {
      // Next candidate: with no kid, each associated key is tried.
    }
  }
  if (!payload) throw unverifiable();

  let claims: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    claims = parsed as Record<string, unknown>;
  } catch {
    throw refuse('the payload is not a JSON object.');
  }
  if (Object.keys(claims).length > MAX_CLAIMS) throw refuse(`more than ${MAX_CLAIMS} claims.`);
  if (depthOf(claims) > MAX_DEPTH) throw refuse(`claims nested more than ${MAX_DEPTH} levels deep.`);

  if (claims.iss !== client.client_id) throw refuse('iss must be the client_id.');
  if (claims.client_id !== client.client_id || params.client_id !== client.client_id) throw refuse('client_id must be the client_id of the request.');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(issuer)) throw refuse(`aud must be ${issuer}.`);

  const nowSeconds = Math.floor(now / 1000);
  if (!isNumber(claims.exp)) throw refuse('exp is required.');
  if (claims.exp <= nowSeconds - CLOCK_SKEW_SECONDS) throw refuse('the request object has expired.');
  if (claims.exp > nowSeconds + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw refuse(`exp must be at most ${MAX_LIFETIME_SECONDS} seconds ahead.`);
  if (claims.nbf === undefined && profile?.requestObjectNbfRequired) throw refuse(`nbf is required for this client (compliance_level ${profile.level}).`);
  if (claims.nbf !== undefined) {
    if (!isNumber(claims.nbf) || claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS) throw refuse('the request object is not valid yet (nbf).');
    if (claims.nbf < nowSeconds - MAX_LIFETIME_SECONDS - CLOCK_SKEW_SECONDS) throw refuse(`nbf must be at most ${MAX_LIFETIME_SECONDS} seconds in the past.`);
    if (claims.exp - claims.nbf > MAX_LIFETIME_SECONDS) throw refuse(`exp must be at most ${MAX_LIFETIME_SECONDS} seconds after nbf.`);
  }
  if (claims.iat !== undefined && (!isNumber(claims.iat) || claims.iat > nowSeconds + CLOCK_SKEW_SECONDS)) throw refuse('iat is in the future.');
  if (claims.request !== undefined || claims.request_uri !== undefined) throw refuse('request and request_uri cannot appear inside a request object.');
  if (params.response_type !== undefined && claims.response_type !== params.response_type) throw refuse('response_type does not match the response_type of the request.');
  if (claims.jti !== undefined && (typeof claims.jti !== 'string' || claims.jti === '' || Buffer.byteLength(claims.jti) > MAX_JTI_BYTES)) throw refuse(`jti must be a string of at most ${MAX_JTI_BYTES} bytes.`);

  const expanded: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (JWT_CLAIMS.has(name)) continue;
    const parameter = parameterOf(value);
    if (parameter !== undefined) expanded[name] = parameter;
  }
  expanded.client_id = client.client_id;

  // Last, once everything else holds: a forged or malformed request object never spends a jti.
  if (typeof claims.jti === 'string') {
    // The same record as private_key_jwt's assertions (one hash of the jti, no prefix): a JWT signed by
    // a key that serves both can be spent once, as one or the other.
    const jtiHash = createHash('sha256').update(claims.jti).digest('base64url');
    const keepUntil = new Date((claims.exp + JTI_RETENTION_SECONDS) * 1000).toISOString();
    if (!(await deps.claimJti(client.client_id, jtiHash, keepUntil))) throw refuse('jti has already been used.');
  }
  return expanded;
}
