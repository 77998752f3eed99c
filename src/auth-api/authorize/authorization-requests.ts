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
  type RedirectTarget,
} from '../../domain/oidc/authorization-request.js';
import { runClientChecks, runLookupChecks, type AuthorizationEndpoint, type AuthorizationLookups } from '../../domain/oidc/authorization-checks/index.js';
import { expandRequestObject, refuseForeignRequestUri, RequestObjectError, type RequestObjectDeps } from '../../domain/oidc/request-object.js';
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
export const redirectTarget = (authorization: AuthorizationRequest, client?: Client): RedirectTarget => ({
  redirectUri: authorization.redirectUri,
  responseMode: authorization.responseMode,
  ...(authorization.state !== undefined ? { state: authorization.state } : {}),
  ...(client ? { client } : {}),
});

export interface ValidationOptions {
  /** The issuer of the host the request came on: the audience a request object must name (RFC 9101). */
  issuer: string;
  /** Whose checks run (authorization-checks/): `/authorize`'s by default, `par` for a push. */
  endpoint?: AuthorizationEndpoint;
  /** The parameters are a pushed request's, taken back with its request_uri; `signed` when the push was a request object. */
  pushed?: { signed: boolean };
  /** The application, when the endpoint has already identified it (a push authenticates its client). */
  client?: Client;
}

export interface ValidatedAuthorization {
  client: Client;
  authorization: AuthorizationRequest;
  /** The parameters the request was judged on: a request object's in place of the query's. */
  params: Record<string, string>;
  /** They came from a verified request object (JAR), here or in the push. */
  signed: boolean;
}

/**
 * The application and the parsed request, once the client and redirect_uri are verified (errors
 * until then are page errors), every request check has passed and the lookup checks agree with
 * the tenant's data, e.g. the audience names one of its APIs (redirect errors).
 */
export async function validatedAuthorization(
  services: Services,
  tenant: Tenant,
  incoming: Record<string, string>,
  placeholders: UrlPlaceholders,
  options: ValidationOptions,
): Promise<ValidatedAuthorization> {
  const endpoint = options.endpoint ?? 'authorize';
  const found = options.client ?? (incoming.client_id ? await services.clients.find(tenant.id, tenant.name, incoming.client_id) : null);
  // JAR: a request object's parameters replace the query's. A pushed request's was expanded (and
  // verified) when it was pushed; what is taken back is its parameters and whether it was signed.
  const params = options.pushed ? incoming : await expandedParams(services, tenant, incoming, found, placeholders, options.issuer, endpoint);
  const signed = options.pushed ? options.pushed.signed : incoming.request !== undefined;
  const { client, redirectUri } = checkClientAndRedirect(params, found, placeholders, { endpoint, pushed: options.pushed !== undefined, signed });
  const authorization = parseAuthorizationRequest(params, client, redirectUri, authorizationContextOf(tenant.settings, placeholders), endpoint, options.pushed !== undefined);
  const lookups = authorizationLookups(services, tenant.id);
  const fail = (error: string, description: string) => new AuthorizationRedirectError(error, description, redirectTarget(authorization, client));
  await runLookupChecks(endpoint, authorization, lookups, fail);
  return { client, authorization, params, signed };
}

/**
 * JAR (domain/oidc/request-object.ts): with `request`, the request object's parameters replace the
 * query's. Its errors are error pages: the redirect_uri that would receive them is inside the object
 * that failed. A client_id the tenant does not know fails first, as without `request`.
 */
async function expandedParams(
  services: Services,
  tenant: Tenant,
  params: Record<string, string>,
  client: Client | null,
  placeholders: UrlPlaceholders,
  issuer: string,
  endpoint: AuthorizationEndpoint,
): Promise<Record<string, string>> {
  try {
    refuseForeignRequestUri(params);
    if (params.request === undefined) return params;
    if (!client) {
      runClientChecks(endpoint, { params, client, placeholders });
      return params;
    }
    const deps: RequestObjectDeps = {
      now: () => services.clock.now(),
      credentials: (clientId) => services.clientCredentials.forAuthentication(tenant.id, clientId),
      claimJti: (clientId, jtiHash, keepUntil) => services.storage.repos.clientAssertionJtis.claim(tenant.id, clientId, jtiHash, keepUntil),
    };
    return await expandRequestObject({ issuer, client, params }, deps);
  } catch (error) {
    if (error instanceof RequestObjectError) throw new AuthorizationPageError(error.error, error.description);
    throw error;
  }
}

/** Answers an authorization error as a page or a redirect; anything else is rethrown. */
export function answerAuthorizationError(reply: FastifyReply, tenant: Tenant, error: unknown): FastifyReply {
  if (error instanceof AuthorizationPageError) return renderErrorPage(reply, tenant, error.error, error.description);
  if (error instanceof AuthorizationRedirectError) {
    return deliver(reply, tenant, error.target, { error: error.error, error_description: error.description, ...(error.target.state !== undefined ? { state: error.target.state } : {}) });
  }
  throw error;
}

/** What the lookup checks read of the tenant's data, for every authorization endpoint (the device flow's too). */
export function authorizationLookups(services: Services, tenantId: string): AuthorizationLookups {
  return {
    apiExists: async (audience) => Boolean(await services.resourceServers.findByAudience(tenantId, audience)),
    api: (audience) => services.resourceServers.findByAudience(tenantId, audience),
    userGrantDetailsTypes: async (clientId, identifier) => {
      const grant = await services.clientGrants.findFor(tenantId, clientId, identifier, 'user');
      return grant ? ((grant.authorization_details_types as string[] | undefined) ?? []) : null;
    },
  };
}
