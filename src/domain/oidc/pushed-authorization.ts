/**
 * Pushed Authorization Requests (RFC 9126): what `POST /oauth/par` stores and what
 * `/authorize?client_id=…&request_uri=urn:…` takes back.
 *
 * A pushed request is the validated parameters of an authorization request, kept in the TTL store
 * (kind `pushed_authorization_request`, shared by every instance and both databases) under the
 * hash of the random part of its URN, for the application's `par_request_expiry` seconds (Auth0's
 * default 30). It belongs to its tenant (the store's key) and to the application that pushed it:
 * `/authorize` takes it once (atomically), only for that application, and then validates its
 * parameters again as any other authorization request (RFC 9126 §4), other query parameters than
 * `client_id` being ignored.
 */
import type { Client } from '../clients/client.js';
import { AuthorizationPageError } from './authorization-errors.js';
import type { TtlStore } from './ttl-store.js';

export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** Auth0's default lifetime of a pushed request; `par_request_expiry` (5..600 s) replaces it. */
export const DEFAULT_PAR_EXPIRY_SECONDS = 30;

/** The largest `POST /oauth/par` body: room for long requests (the point of PAR), bounded. */
export const PAR_BODY_LIMIT_BYTES = 64 * 1024;

/** What the push carries for client authentication only: never stored with the request. */
const CLIENT_AUTHENTICATION_PARAMS: ReadonlySet<string> = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

export interface PushedRequest {
  clientId: string;
  /** The authorization request's parameters, as validated when pushed (client_id included): a request object's, expanded. */
  params: Record<string, string>;
  /** The push was a verified request object (JAR): what `signed_request_object.required` asks for. */
  signed: boolean;
}

export const parExpirySeconds = (client: Client): number =>
  typeof client.par_request_expiry === 'number' ? client.par_request_expiry : DEFAULT_PAR_EXPIRY_SECONDS;

/** The parameters of a push that make up the authorization request (client authentication left out). */
export function pushedParams(params: Readonly<Record<string, string>>, clientId: string): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (!CLIENT_AUTHENTICATION_PARAMS.has(name)) kept[name] = value;
  kept.client_id = clientId;
  return kept;
}

/** Stores a validated push; answers RFC 9126 §2.2's `request_uri` and `expires_in`. */
export async function storePushedRequest(
  ttl: TtlStore,
  tenantId: string,
  client: Client,
  request: { params: Record<string, string>; signed: boolean },
): Promise<{ request_uri: string; expires_in: number }> {
  const expiresIn = parExpirySeconds(client);
  const document: PushedRequest = { clientId: client.client_id, params: request.params, signed: request.signed };
  const secret = await ttl.put(tenantId, 'pushed_authorization_request', document, expiresIn);
  return { request_uri: `${REQUEST_URI_PREFIX}${secret}`, expires_in: expiresIn };
}

const invalidRequestUri = () => new AuthorizationPageError('invalid_request_uri', 'The request_uri is invalid, expired or was already used.');

/**
 * `/authorize` with a `request_uri`: the pushed parameters, taken once, in place of the query's.
 * Every failure is an error page: nothing about the redirect_uri is known yet.
 */
export async function takePushedRequest(
  ttl: TtlStore,
  tenantId: string,
  pushedRequestsAllowed: boolean,
  query: Readonly<Record<string, string>>,
): Promise<{ params: Record<string, string>; signed: boolean }> {
  const requestUri = query.request_uri ?? '';
  if (!pushedRequestsAllowed) throw new AuthorizationPageError('invalid_request', 'The request_uri parameter is not supported: Pushed Authorization Requests are disabled for this tenant.');
  if (!query.client_id) throw new AuthorizationPageError('invalid_request', 'Missing required parameter: client_id');
  if (!requestUri.startsWith(REQUEST_URI_PREFIX)) throw invalidRequestUri();
  const secret = requestUri.slice(REQUEST_URI_PREFIX.length);
  if (!secret) throw invalidRequestUri();
  // Looked at before it is taken, so that another application naming it cannot spend it.
  const pushed = await ttl.get<PushedRequest>(tenantId, 'pushed_authorization_request', secret);
  if (!pushed) throw invalidRequestUri();
  if (pushed.clientId !== query.client_id) throw new AuthorizationPageError('invalid_request', 'The request_uri was not issued to this client.');
  const taken = await ttl.consume<PushedRequest>(tenantId, 'pushed_authorization_request', secret);
  if (taken.status !== 'ok') throw invalidRequestUri();
  return { params: { ...taken.document.params }, signed: taken.document.signed === true };
}
