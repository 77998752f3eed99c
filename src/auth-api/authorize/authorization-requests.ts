/**
 * What every endpoint that completes an authorization request shares — `/authorize` itself, magic
 * links (`/passwordless/verify_redirect`) and the cross-origin verification page: reading the
 * parameters, validating them in the order that never redirects to an unverified URI, and turning
 * an authorization error into an error page (before the redirect_uri is trusted) or a redirect.
 */
import type { FastifyReply } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { Tenant } from '../../domain/tenants/tenant-service.js';
import {
  AuthorizationPageError,
  AuthorizationRedirectError,
  authorizationContextOf,
  checkClientAndRedirect,
  parseAuthorizationRequest,
  type AuthorizationRequest,
} from '../../domain/oidc/authorization-request.js';
import { runLookupChecks, type AuthorizationEndpoint } from '../../domain/oidc/authorization-checks/index.js';
import type { UrlPlaceholders } from '../../domain/clients/url-rules.js';
import { renderErrorPage } from '../../pages/html.js';
import { deliver } from './response-modes.js';

/** Query strings and forms may repeat a parameter; OAuth forbids it, so only single strings count. */
export function stringParams(source: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (source && typeof source === 'object') {
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) if (typeof value === 'string') params[name] = value;
  }
  return params;
}

/** Where errors of a validated request go: its redirect_uri, in its response mode, with its state. */
export const redirectTarget = (authorization: AuthorizationRequest) => ({
  redirectUri: authorization.redirectUri,
  responseMode: authorization.responseMode,
  ...(authorization.state !== undefined ? { state: authorization.state } : {}),
});

export interface ValidationOptions {
  /** Whose checks run (authorization-checks/): `/authorize`'s by default, `par` for a push. */
  endpoint?: AuthorizationEndpoint;
  /** The parameters are a pushed request's, taken back with its request_uri. */
  pushed?: boolean;
  /** The application, when the endpoint has already identified it (a push authenticates its client). */
  client?: Client;
}

/**
 * The application and the parsed request, once the client and redirect_uri are verified (errors
 * until then are page errors), every request check has passed and the lookup checks agree with
 * the tenant's data, e.g. the audience names one of its APIs (redirect errors).
 */
export async function validatedAuthorization(
  services: Services,
  tenant: Tenant,
  params: Record<string, string>,
  placeholders: UrlPlaceholders,
  options: ValidationOptions = {},
): Promise<{ client: Client; authorization: AuthorizationRequest }> {
  const endpoint = options.endpoint ?? 'authorize';
  const found = options.client ?? (params.client_id ? await services.clients.find(tenant.id, tenant.name, params.client_id) : null);
  const { client, redirectUri } = checkClientAndRedirect(params, found, placeholders, { endpoint, pushed: options.pushed === true });
  const authorization = parseAuthorizationRequest(params, client, redirectUri, authorizationContextOf(tenant.settings, placeholders), endpoint);
  const lookups = { apiExists: async (audience: string) => Boolean(await services.resourceServers.findByAudience(tenant.id, audience)) };
  const fail = (error: string, description: string) => new AuthorizationRedirectError(error, description, redirectTarget(authorization));
  await runLookupChecks(endpoint, authorization, lookups, fail);
  return { client, authorization };
}

/** Answers an authorization error as a page or a redirect; anything else is rethrown. */
export function answerAuthorizationError(reply: FastifyReply, tenant: Tenant, error: unknown): FastifyReply {
  if (error instanceof AuthorizationPageError) return renderErrorPage(reply, tenant, error.error, error.description);
  if (error instanceof AuthorizationRedirectError) {
    return deliver(reply, tenant, error.target, { error: error.error, error_description: error.description, ...(error.target.state !== undefined ? { state: error.target.state } : {}) });
  }
  throw error;
}
