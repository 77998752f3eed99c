/**
 * An `/authorize` request: its parsed form, and its validation in the order that decides where an
 * error may go: until the client and its redirect_uri are known good, an error must never redirect
 * (that would make the server an open redirector) and is shown on an error page instead; after
 * that, errors go back to the application in the requested response mode, with its `state`.
 * The checks themselves are small ordered rules in ./authorization-checks/ (one file each).
 */
import type { Client } from '../clients/client.js';
import { tenantFeatures, type TenantFeatures } from '../tenants/features.js';
import type { TenantSettings } from '../tenants/tenant-settings.js';
import { pkceMethodOf, readRequest, runClientChecks, runRequestChecks, type AuthorizationEndpoint } from './authorization-checks/index.js';
import { NO_PLACEHOLDERS, type UrlPlaceholders } from '../clients/url-rules.js';
import { readAcrRequest, resolveAcr } from './requested-acr.js';
import { parseAuthorizationDetails, type AuthorizationDetail } from './authorization-details.js';

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
  /** The authentication context class the ID token asserts (requested, and listed by the tenant: requested-acr.ts). */
  acr?: string;
  /** Rich authorization request (RFC 9396), from a pushed request only: authorization-details.ts. */
  authorizationDetails?: AuthorizationDetail[];
}

export { AuthorizationPageError, AuthorizationRedirectError, type RedirectTarget } from './authorization-errors.js';

/**
 * What a request is judged against besides itself: the tenant's default audience and the features
 * it offers, and what URL placeholders stand for on the host it came on (request.urlPlaceholders).
 */
export interface AuthorizationContext {
  defaultAudience: string | undefined;
  features: TenantFeatures;
  placeholders: UrlPlaceholders;
}

export const authorizationContextOf = (settings: TenantSettings, placeholders: UrlPlaceholders = NO_PLACEHOLDERS): AuthorizationContext => ({
  defaultAudience: settings.default_audience,
  features: tenantFeatures(settings),
  placeholders,
});

/**
 * Stage 1: the client and the redirect_uri (authorization-checks/, CLIENT_CHECKS). Everything
 * here fails to an error page.
 */
export function checkClientAndRedirect(
  params: Record<string, string>,
  client: Client | null,
  placeholders: UrlPlaceholders = NO_PLACEHOLDERS,
  { endpoint = 'authorize', pushed = false, signed = false }: { endpoint?: AuthorizationEndpoint; pushed?: boolean; signed?: boolean } = {},
): { client: Client; redirectUri: string } {
  runClientChecks(endpoint, { params, client, placeholders, pushed, signed });
  const redirectUri = params.redirect_uri;
  // The checks above refuse both cases; this only tells the compiler, and fails closed if they ever did not.
  if (!client || !redirectUri) throw new Error('authorization client checks passed without a client and a redirect_uri');
  return { client, redirectUri };
}

/**
 * Stage 2: everything else (authorization-checks/, REQUEST_CHECKS, in order), now that errors can
 * be returned to the application; then the request, built from parameters every check accepted.
 */
export function parseAuthorizationRequest(
  params: Record<string, string>,
  client: Client,
  redirectUri: string,
  tenant: AuthorizationContext,
  endpoint: AuthorizationEndpoint = 'authorize',
  /** The parameters are a pushed request's, taken back with its request_uri. */
  pushed = false,
): AuthorizationRequest {
  const draft = readRequest(params, client, redirectUri, tenant.features, tenant.placeholders, endpoint === 'par' || pushed);
  runRequestChecks(endpoint, draft);

  const codeChallengeMethod = pkceMethodOf(params);
  const audience = params.audience || tenant.defaultAudience || undefined;
  // The requested-acr check has accepted both parameters and refused an unmet essential acr.
  const acrOutcome = resolveAcr(readAcrRequest(params), tenant.features.acrValues);
  return {
    clientId: client.client_id,
    redirectUri,
    responseTypes: draft.responseTypes,
    responseType: draft.responseType,
    responseMode: draft.responseMode,
    scope: [...new Set(draft.scope)],
    prompt: new Set(draft.prompt),
    ...(audience ? { audience } : {}),
    ...(params.state !== undefined ? { state: params.state } : {}),
    ...(params.nonce !== undefined ? { nonce: params.nonce } : {}),
    ...(params.code_challenge ? { codeChallenge: params.code_challenge, codeChallengeMethod } : {}),
    ...(params.max_age !== undefined ? { maxAge: Number(params.max_age) } : {}),
    ...(params.connection ? { connection: params.connection } : {}),
    ...(params.login_hint ? { loginHint: params.login_hint } : {}),
    ...(params.screen_hint ? { screenHint: params.screen_hint } : {}),
    ...('acr' in acrOutcome && acrOutcome.acr !== undefined ? { acr: acrOutcome.acr } : {}),
    // Accepted by authorization-details-shape: parsed again (at most 5 KB) rather than carried in the draft.
    ...(params.authorization_details !== undefined ? { authorizationDetails: parseAuthorizationDetails(params.authorization_details) } : {}),
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
    // The value already chosen, asked for again (voluntarily: it was satisfiable when chosen).
    ...(request.acr !== undefined ? { acr_values: request.acr } : {}),
    // Carried so that a continuation which is no pushed request (a magic link) is refused by
    // authorization-details-shape rather than completed without the details the user must approve.
    ...(request.authorizationDetails !== undefined ? { authorization_details: JSON.stringify(request.authorizationDetails) } : {}),
  };
}
