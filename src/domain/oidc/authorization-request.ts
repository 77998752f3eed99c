/**
 * Validation of an `/authorize` request, in the order that decides where an error may go:
 * until the client and its redirect_uri are known good, an error must never redirect (that would
 * make the server an open redirector) and is shown on an error page instead; after that, errors go
 * back to the application in the requested response mode, with its `state`.
 */
import type { Client } from '../clients/client.js';
import { urlMatches } from '../clients/url-rules.js';

export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'web_message';
export type PkceMethod = 'S256' | 'plain';

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  /** The parts of response_type, e.g. {code} or {id_token, token}. */
  responseTypes: Set<'code' | 'token' | 'id_token'>;
  responseType: string;
  responseMode: ResponseMode;
  scope: string[];
  audience?: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
  prompt: Set<string>;
  maxAge?: number;
  connection?: string;
  loginHint?: string;
  screenHint?: string;
}

/** An error shown on the tenant's error page, never redirected. */
export class AuthorizationPageError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** An error sent back to the (validated) redirect_uri. */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly target: { redirectUri: string; responseMode: ResponseMode; state?: string },
  ) {
    super(description);
  }
}

const RESPONSE_TYPES = new Set(['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']);
const RESPONSE_MODES = new Set<ResponseMode>(['query', 'fragment', 'form_post', 'web_message']);
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Stage 1: the client and the redirect_uri. Everything here fails to an error page. */
export function checkClientAndRedirect(params: Record<string, string>, client: Client | null): { client: Client; redirectUri: string } {
  if (!params.client_id) throw new AuthorizationPageError('invalid_request', 'Missing required parameter: client_id');
  if (!client) throw new AuthorizationPageError('invalid_request', `Unknown client: ${params.client_id}`);
  const redirectUri = params.redirect_uri;
  if (!redirectUri) throw new AuthorizationPageError('invalid_request', 'Missing required parameter: redirect_uri');
  if (!client.callbacks.some((allowed) => urlMatches(allowed, redirectUri))) {
    throw new AuthorizationPageError(
      'invalid_request',
      `The redirect_uri is not in the list of allowed callback URLs. Callback URL mismatch. ${redirectUri} is not in the list of allowed callback URLs`,
    );
  }
  return { client, redirectUri };
}

/** Stage 2: everything else, now that errors can be returned to the application. */
export function parseAuthorizationRequest(params: Record<string, string>, client: Client, redirectUri: string, defaultAudience: string | undefined): AuthorizationRequest {
  const responseType = (params.response_type ?? '').split(' ').filter(Boolean).sort(byResponseTypeOrder).join(' ');
  const responseTypes = new Set(responseType.split(' ').filter(Boolean)) as AuthorizationRequest['responseTypes'];
  const implicitOrHybrid = responseTypes.has('token') || responseTypes.has('id_token');
  const requestedMode = params.response_mode as ResponseMode | undefined;
  const responseMode: ResponseMode = requestedMode && RESPONSE_MODES.has(requestedMode) ? requestedMode : implicitOrHybrid ? 'fragment' : 'query';
  const target = { redirectUri, responseMode, ...(params.state !== undefined ? { state: params.state } : {}) };
  const fail = (error: string, description: string) => new AuthorizationRedirectError(error, description, target);

  // web_message hands the response to a window of the redirect_uri's origin (a hidden iframe or a
  // popup's opener). As in Auth0, that origin must be one of the application's Allowed Web Origins:
  // a callback URL alone allows redirects to it, not answering silently into a page framing us.
  if (responseMode === 'web_message' && !isWebOrigin(client, redirectUri)) {
    throw fail('invalid_request', `The specified redirect_uri '${redirectUri}' does not have a registered origin.`);
  }

  if (!params.response_type) throw fail('invalid_request', 'Missing required parameter: response_type');
  if (!RESPONSE_TYPES.has(responseType)) throw fail('unsupported_response_type', `Unsupported response type: ${params.response_type}`);
  if (requestedMode && !RESPONSE_MODES.has(requestedMode)) throw fail('invalid_request', `Unsupported response_mode: ${requestedMode}`);
  // Tokens in a query string end up in logs and Referer headers (OAuth 2.0 Multiple Response Types §5).
  if (implicitOrHybrid && responseMode === 'query') throw fail('invalid_request', `response_mode query is not allowed with response_type ${responseType}`);

  if (responseTypes.has('code') && !client.grant_types.includes('authorization_code')) {
    throw fail('unauthorized_client', "Grant type 'authorization_code' not allowed for the client.");
  }
  if (implicitOrHybrid && !client.grant_types.includes('implicit')) throw fail('unauthorized_client', "Grant type 'implicit' not allowed for the client.");

  const scope = (params.scope ?? 'openid').split(' ').filter(Boolean);
  if (responseTypes.has('id_token') && !scope.includes('openid')) throw fail('invalid_request', 'The openid scope is required when requesting an id_token');
  if (responseTypes.has('id_token') && !params.nonce) throw fail('invalid_request', 'Missing required parameter: nonce');

  const prompt = new Set((params.prompt ?? '').split(' ').filter(Boolean));
  for (const value of prompt) if (!PROMPTS.has(value)) throw fail('invalid_request', `Unsupported prompt: ${value}`);
  if (prompt.has('none') && prompt.size > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other prompt values');

  let maxAge: number | undefined;
  if (params.max_age !== undefined) {
    if (!/^\d{1,10}$/.test(params.max_age)) throw fail('invalid_request', 'max_age must be a non-negative integer');
    maxAge = Number(params.max_age);
  }

  const pkce = parsePkce(params, client, responseTypes, fail);
  const audience = params.audience || defaultAudience || undefined;

  return {
    clientId: client.client_id,
    redirectUri,
    responseTypes,
    responseType,
    responseMode,
    scope: [...new Set(scope)],
    prompt,
    ...(audience ? { audience } : {}),
    ...(params.state !== undefined ? { state: params.state } : {}),
    ...(params.nonce !== undefined ? { nonce: params.nonce } : {}),
    ...pkce,
    ...(maxAge !== undefined ? { maxAge } : {}),
    ...(params.connection ? { connection: params.connection } : {}),
    ...(params.login_hint ? { loginHint: params.login_hint } : {}),
    ...(params.screen_hint ? { screenHint: params.screen_hint } : {}),
  };
}

/**
 * The `/authorize` parameters that parse back into `request` (the inverse of the two stages above):
 * for an application's request to be continued elsewhere, such as a magic link sent from the
 * hosted login page of a transaction.
 */
export function authorizationParams(request: AuthorizationRequest): Record<string, string> {
  return {
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: request.responseType,
    response_mode: request.responseMode,
    scope: request.scope.join(' '),
    ...(request.prompt.size > 0 ? { prompt: [...request.prompt].join(' ') } : {}),
    ...(request.audience !== undefined ? { audience: request.audience } : {}),
    ...(request.state !== undefined ? { state: request.state } : {}),
    ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
    ...(request.codeChallenge !== undefined ? { code_challenge: request.codeChallenge, code_challenge_method: request.codeChallengeMethod ?? 'plain' } : {}),
    ...(request.maxAge !== undefined ? { max_age: String(request.maxAge) } : {}),
    ...(request.connection !== undefined ? { connection: request.connection } : {}),
    ...(request.loginHint !== undefined ? { login_hint: request.loginHint } : {}),
    ...(request.screenHint !== undefined ? { screen_hint: request.screenHint } : {}),
  };
}

function parsePkce(
  params: Record<string, string>,
  client: Client,
  responseTypes: Set<string>,
  fail: (error: string, description: string) => Error,
): Pick<AuthorizationRequest, 'codeChallenge' | 'codeChallengeMethod'> {
  const challenge = params.code_challenge;
  const method = (params.code_challenge_method ?? (challenge ? 'plain' : undefined)) as PkceMethod | undefined;
  if (!challenge) {
    if (params.code_challenge_method) throw fail('invalid_request', 'Missing required parameter: code_challenge');
    // A public client's code is worthless without PKCE: anyone who sees it could redeem it.
    if (responseTypes.has('code') && client.token_endpoint_auth_method === 'none') {
      throw fail('invalid_request', 'Missing required parameter: code_challenge (PKCE is required for public applications)');
    }
    return {};
  }
  if (method !== 'S256' && method !== 'plain') throw fail('invalid_request', `Unsupported code_challenge_method: ${params.code_challenge_method}`);
  if (!PKCE_CHALLENGE.test(challenge)) throw fail('invalid_request', 'code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]');
  return { codeChallenge: challenge, codeChallengeMethod: method };
}

function isWebOrigin(client: Client, redirectUri: string): boolean {
  const origin = URL.canParse(redirectUri) ? new URL(redirectUri).origin : 'null';
  return origin !== 'null' && client.web_origins.some((allowed) => originOf(allowed) === origin || urlMatches(allowed.toLowerCase(), origin));
}

/** A listed web origin as browsers write it (`https://a.com:443` is `https://a.com`); wildcards are matched as patterns. */
const originOf = (allowed: string): string | undefined => (!allowed.includes('*') && URL.canParse(allowed) ? new URL(allowed).origin : undefined);

const ORDER = ['code', 'id_token', 'token'];
function byResponseTypeOrder(a: string, b: string): number {
  return ORDER.indexOf(a) - ORDER.indexOf(b);
}
