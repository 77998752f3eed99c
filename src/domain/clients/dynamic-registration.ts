/**
 * OpenID Connect Dynamic Client Registration 1.0 as Auth0 runs it (docs: "Dynamic Client
 * Registration"): open registration, no token, of a third-party application (`is_first_party:
 * false`), so that what anyone registers gets a consent screen, only domain connections and no
 * first-party-only grants.
 *
 * The metadata read is the page's (`client_name`, `redirect_uris` (required),
 * `token_endpoint_auth_method` `none` or `client_secret_post` (default)), plus the RFC 7591 fields
 * that map onto an application Tessera enforces: `client_secret_basic`, `grant_types` and
 * `response_types` (authorization_code, implicit, refresh_token; kept consistent with each other),
 * `application_type` (`web` or `native`) and `logo_uri` (https, shown on the consent page). Anything
 * else is refused by name with `invalid_client_metadata` rather than dropped: a registrant asking
 * for, e.g., `id_token_signed_response_alg` or `jwks_uri` must learn it was not honoured.
 *
 * The body becomes a Management API create (ClientService.create), so the redirect URIs pass the
 * same rules as an application's callbacks (url-rules.ts, checked in client-rules.ts), with one more
 * here: no wildcards or placeholders, since anyone may register.
 */
import type { ClientInput } from './client-service.js';
import type { Client } from './client.js';
import { urlListProblem } from './url-rules.js';

export const REGISTRATION_BODY_LIMIT_BYTES = 16 * 1024;
export const MAX_REDIRECT_URIS = 20;
const MAX_NAME = 255;
const MAX_URL = 2000;

/** RFC 7591 §3.2.2's codes; the HTTP layer answers them as `{error, error_description}`. */
export class RegistrationError extends Error {
  constructor(
    readonly error: 'invalid_client_metadata' | 'invalid_redirect_uri',
    readonly description: string,
  ) {
    super(description);
  }
}

const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
const GRANT_TYPES = ['authorization_code', 'implicit', 'refresh_token'] as const;
/** Each response type word and the grant that delivers it (RFC 7591 §2.1). */
const RESPONSE_GRANT: Record<string, (typeof GRANT_TYPES)[number]> = { code: 'authorization_code', token: 'implicit', id_token: 'implicit' };
const RESPONSE_TYPES = ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token', 'id_token token', 'code id_token token'];
const FIELDS = new Set(['client_name', 'redirect_uris', 'token_endpoint_auth_method', 'grant_types', 'response_types', 'application_type', 'logo_uri']);

type AuthMethod = (typeof AUTH_METHODS)[number];

/** What a registration becomes: the Management API input, and the metadata the answer echoes. */
export interface Registration {
  input: ClientInput;
  responseTypes: string[];
  applicationType: 'web' | 'native';
}

const bad = (description: string) => new RegistrationError('invalid_client_metadata', description);

function stringList(body: Record<string, unknown>, field: string, max: number): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > max || !value.every((item) => typeof item === 'string' && item.length > 0 && item.length <= MAX_URL)) {
    throw bad(`${field} must be an array of 1 to ${max} non-empty strings.`);
  }
  if (new Set(value).size !== value.length) throw bad(`${field} lists a value twice.`);
  return value as string[];
}

function oneOf<T extends string>(body: Record<string, unknown>, field: string, allowed: readonly T[]): T | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw bad(`${field} must be one of ${allowed.join(', ')}.`);
  return value as T;
}

/** Reads and checks a registration body; throws RegistrationError naming the first problem. */
export function parseRegistration(body: unknown): Registration {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('The request body must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((field) => !FIELDS.has(field));
  if (unknown.length > 0) throw bad(`${unknown.slice(0, 5).map((field) => field.slice(0, 64)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not supported by this server.`);

  const redirectUris = stringList(fields, 'redirect_uris', MAX_REDIRECT_URIS);
  if (!redirectUris) throw new RegistrationError('invalid_redirect_uri', 'redirect_uris is required.');
  const name = fields.client_name;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME || /[<>]/.test(name))) {
    throw bad(`client_name must be 1 to ${MAX_NAME} characters, without '<' or '>'.`);
  }
  const applicationType = oneOf(fields, 'application_type', ['web', 'native'] as const) ?? 'web';
  // A native application is public (AppAuth-style clients leave the method out).
  const authMethod: AuthMethod = oneOf(fields, 'token_endpoint_auth_method', AUTH_METHODS) ?? (applicationType === 'native' ? 'none' : 'client_secret_post');
  if (applicationType === 'native' && authMethod !== 'none') throw bad("A native application is public: token_endpoint_auth_method must be 'none'.");

  // Anyone may register: exact URLs only (no wildcard, no placeholder), then the Management API's rules for callbacks.
  for (const uri of redirectUris) {
    if (uri.includes('*') || uri.includes('{')) throw new RegistrationError('invalid_redirect_uri', 'redirect_uris must be exact URLs, without wildcards or placeholders.');
  }
  const problem = urlListProblem('callbacks', redirectUris, { nativeApp: applicationType === 'native' });
  if (problem) throw new RegistrationError('invalid_redirect_uri', `redirect_uris: ${problem.replace(/^'callbacks' /, '')}.`);

  const logoUri = fields.logo_uri;
  if (logoUri !== undefined && (typeof logoUri !== 'string' || logoUri.length > MAX_URL || !isHttpsUrl(logoUri))) throw bad('logo_uri must be an https URL of at most 2000 characters.');

  const grantTypes = stringList(fields, 'grant_types', GRANT_TYPES.length);
  if (grantTypes?.some((grant) => !(GRANT_TYPES as readonly string[]).includes(grant))) throw bad(`grant_types may only list ${GRANT_TYPES.join(', ')}.`);
  const responseTypes = stringList(fields, 'response_types', RESPONSE_TYPES.length);
  if (responseTypes?.some((type) => !RESPONSE_TYPES.includes(type))) throw bad(`response_types may only list ${RESPONSE_TYPES.join(', ')}.`);
  // The redirect-based grants the response types need, and those the grant types allow, must agree
  // (RFC 7591 §2.1): what is registered is what /authorize will accept, nothing more.
  const impliedByResponses = new Set(responseTypes?.flatMap((type) => type.split(' ').map((word) => RESPONSE_GRANT[word]!)));
  const grants = grantTypes ?? (responseTypes ? [...impliedByResponses, ...(impliedByResponses.has('authorization_code') ? ['refresh_token'] : [])] : ['authorization_code', 'refresh_token']);
  const redirectGrants = grants.filter((grant) => grant !== 'refresh_token');
  if (redirectGrants.length === 0) throw bad('grant_types must include authorization_code or implicit.');
  if (responseTypes && (redirectGrants.length !== impliedByResponses.size || redirectGrants.some((grant) => !impliedByResponses.has(grant as (typeof GRANT_TYPES)[number])))) {
    throw bad('grant_types and response_types do not match (code needs authorization_code; token and id_token need implicit).');
  }
  if (grants.includes('refresh_token') && !grants.includes('authorization_code')) throw bad('refresh_token needs the authorization_code grant.');

  return {
    input: {
      name: (name as string | undefined)?.trim() ?? 'Dynamic Application',
      app_type: applicationType === 'native' ? 'native' : authMethod === 'none' ? 'spa' : 'regular_web',
      is_first_party: false,
      callbacks: redirectUris,
      grant_types: grants,
      token_endpoint_auth_method: authMethod,
      ...(logoUri !== undefined ? { logo_uri: logoUri as string } : {}),
    },
    responseTypes: responseTypes ?? responseTypesFor(grants),
    applicationType,
  };
}

/** The response types a registration without them may use, from its grants (what /authorize accepts). */
function responseTypesFor(grants: readonly string[]): string[] {
  const code = grants.includes('authorization_code');
  const implicit = grants.includes('implicit');
  return [...(code ? ['code'] : []), ...(implicit ? ['token', 'id_token', 'id_token token'] : []), ...(code && implicit ? ['code id_token', 'code token', 'code id_token token'] : [])];
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:' && !/\s/.test(value);
  } catch {
    return false;
  }
}

/**
 * The answer (RFC 7591 §3.2.1; Auth0 documents `client_name`, `client_id`, `client_secret`,
 * `redirect_uris`, `client_secret_expires_at` 0): the registered metadata, and no
 * `registration_client_uri` / `registration_access_token` (Auth0 has no client configuration
 * endpoint: third parties cannot change a registration). A public application gets no secret.
 */
export function registrationResponse(client: Client, registration: Registration, issuedAt: number): Record<string, unknown> {
  const confidential = client.token_endpoint_auth_method !== 'none';
  return {
    client_id: client.client_id,
    ...(confidential ? { client_secret: client.client_secret } : {}),
    client_id_issued_at: issuedAt,
    client_secret_expires_at: 0,
    client_name: client.name,
    redirect_uris: client.callbacks,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    grant_types: client.grant_types,
    response_types: registration.responseTypes,
    application_type: registration.applicationType,
    ...(client.logo_uri ? { logo_uri: client.logo_uri } : {}),
  };
}

/** Registration refusals that the Management API's rules raise (client-rules.ts) keep their message. */
export function asRegistrationError(error: unknown): RegistrationError | undefined {
  if (error instanceof RegistrationError) return error;
  if (error instanceof Error && 'kind' in error && (error as { kind: string }).kind === 'invalid') {
    return new RegistrationError('invalid_client_metadata', error.message.replace(/^Payload validation error: /, ''));
  }
  return undefined;
}
