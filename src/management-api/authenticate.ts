/**
 * Authenticates every `/api/v2/*` request with a Management API access token of this tenant and
 * checks the route's Auth0 scope. The token must be signed by one of this tenant's keys (so a token
 * from another tenant never verifies), carry an issuer and audience on one of this tenant's hosts,
 * and not be expired.
 *
 * Two kinds of token reach the Management API, and they are authorized differently:
 *  - an application's (client credentials: `gty` `client-credentials`, `sub` `{client_id}@clients`)
 *    needs the scopes the route declares in `config.scopes`;
 *  - anyone else's is a user's: it may call only the routes that declare `config.currentUser`, only
 *    on its own `:id`, and only with the `*:current_user*` scopes listed there. Whatever other
 *    scopes it carries (a token minted before user flows were limited, say) count for nothing.
 *  - a certificate-bound token (`cnf`, RFC 8705) needs its client certificate on the request, as
 *    at /userinfo (http/certificate-binding.ts): a stolen bound token is no bearer token here.
 *  - a dashboard token (issued by the admin tenant, docs/plans/dashboard.md §1.5) is verified with
 *    the admin tenant's keys only, must name this tenant, and is checked against the member's
 *    current membership and dashboard session on every request; it needs the route's `scopes`
 *    like an application's, from the scopes it carries that the member's roles still hold.
 * Default deny: a route that declares no scopes answers every token 403 (and is refused at start).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { JwtError, decodeJwt } from '../domain/tokens/jws.js';
import { secondsAt } from '../domain/clock.js';
import { ManagementApiError } from '../http/errors.js';
import { certificateBindingProblem } from '../http/certificate-binding.js';
import type { ManagementPrincipal, ScopeRequirement } from '../http/request-context.js';

const CLOCK_SKEW_SECONDS = 30;

const unauthorized = (message: string) => new ManagementApiError(401, message, 'invalid_token', { 'www-authenticate': 'Bearer realm="Management API"' });

export function registerManagementAuthentication(app: FastifyInstance, services: Services): void {
  // A route added without scopes would otherwise be found out only by its 403s. onRoute hooks are
  // inherited, so this sees every route of the resource plugins registered below, and the HEAD
  // route Fastify adds for each GET (which carries the GET's config, and is authenticated alike).
  app.addHook('onRoute', (route) => {
    if (route.config?.public) return;
    const { scopes, currentUser } = route.config ?? {};
    if (!scopes) throw new Error(`Management API route ${route.method} ${route.url} declares no scopes`);
    // An empty `all` list would be satisfied by every token: an empty list is refused like a missing one.
    if (scopes.scopes.length === 0 || currentUser?.scopes.length === 0) throw new Error(`Management API route ${route.method} ${route.url} declares an empty scope list`);
  });
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    if (!header) throw unauthorized('Missing authentication');
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(header);
    if (!match) throw unauthorized('Bad HTTP authentication header format');
    const { principal, scopes } = await verifyManagementToken(services, request, match[1]!);
    request.managementPrincipal = principal;
    request.grantedScopes = scopes;
    checkScopes(request, principal, scopes);
  });
}

async function verifyManagementToken(services: Services, request: FastifyRequest, token: string): Promise<{ principal: ManagementPrincipal; scopes: Set<string> }> {
  // The unverified issuer only chooses which keys verify the token: the admin tenant's for a
  // dashboard token, this tenant's for any other. Never both, so neither can pass for the other.
  let claimedIssuer: unknown;
  try {
    claimedIssuer = decodeJwt(token).payload.iss;
  } catch {
    throw unauthorized('Invalid token');
  }
  const dashboard = services.controlPlane.isAdminIssuer(claimedIssuer);
  // The admin tenant serves no Management API; a dashboard token is for customer tenants only.
  if (dashboard && request.tenant.kind !== 'customer') throw unauthorized('Invalid token');
  const signer = dashboard ? await services.controlPlane.adminTenant() : request.tenant;
  const payload = verifySignatureAndTimes(services, await services.keys.keyRing(signer.id), token);
  // A certificate-bound token (RFC 8705 §3) is no bearer token here either: the same check as /userinfo.
  const bindingProblem = certificateBindingProblem(request, payload.cnf);
  if (bindingProblem) throw unauthorized(bindingProblem);
  if (!dashboard && (typeof payload.iss !== 'string' || !(await services.tenants.isTenantUrl(request.tenant.id, payload.iss, '/')))) throw unauthorized('Invalid token');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  let audienceOk = false;
  // The system API only, under any of its aliases, and never a custom API stored under one.
  for (const aud of audiences) if (typeof aud === 'string' && (await services.resourceServers.isManagementApiAudience(request.tenant.id, aud))) audienceOk = true;
  if (!audienceOk) throw unauthorized(`Bad audience: ${audiences.filter((a) => typeof a === 'string').join(' ')}`);
  if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthorized('Invalid token');
  const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
  if (dashboard) return verifyDashboardAccess(services, request, payload, payload.sub, scopes);
  if (typeof payload.azp === 'string') request.managementClientId = payload.azp;
  return { principal: principalOf(payload, payload.sub), scopes };
}

function verifySignatureAndTimes(services: Services, ring: Awaited<ReturnType<Services['keys']['keyRing']>>, token: string): Record<string, unknown> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = ring.verify(token));
  } catch (error) {
    if (error instanceof JwtError && error.message === 'invalid signature') throw unauthorized('Invalid signature received for JSON Web Token validation.');
    throw unauthorized('Invalid token');
  }
  const now = secondsAt(services.clock);
  if (typeof payload.exp !== 'number' || payload.exp + CLOCK_SKEW_SECONDS <= now) throw unauthorized('Expired token received for JSON Web Token validation');
  if (typeof payload.nbf === 'number' && payload.nbf - CLOCK_SKEW_SECONDS > now) throw unauthorized('Invalid token');
  return payload;
}

/**
 * A dashboard token acts for a member of this tenant: it must name this tenant, and the member's
 * membership (same grant id) and dashboard session must still be live. Its scopes are those it
 * carries that the member's current roles still hold.
 */
async function verifyDashboardAccess(
  services: Services,
  request: FastifyRequest,
  payload: Record<string, unknown>,
  accountId: string,
  carried: Set<string>,
): Promise<{ principal: ManagementPrincipal; scopes: Set<string> }> {
  if (payload.tessera_tenant !== request.tenant.id) throw unauthorized('Invalid token');
  const access = await services.controlPlane.dashboardAccess(request.tenant.id, accountId, payload.tessera_grant, payload.dsid);
  if (!access.ok) throw unauthorized('Dashboard access to this tenant changed; sign in again.');
  const scopes = new Set([...carried].filter((scope) => access.scopes.has(scope)));
  return { principal: { kind: 'dashboard', accountId, roles: access.roles, sessionId: String(payload.dsid) }, scopes };
}

/** Only the client-credentials grant mints `gty: client-credentials` with `sub` = `{azp}@clients`; every other token is a user's. */
function principalOf(payload: Record<string, unknown>, sub: string): ManagementPrincipal {
  if (payload.gty === 'client-credentials' && typeof payload.azp === 'string' && sub === `${payload.azp}@clients`) return { kind: 'client', clientId: payload.azp };
  return { kind: 'user', userId: sub };
}

function checkScopes(request: FastifyRequest, principal: ManagementPrincipal, granted: Set<string>): void {
  const config = request.routeOptions.config;
  if (principal.kind === 'client' || principal.kind === 'dashboard') {
    if (config?.scopes && satisfies(config.scopes, granted)) return;
  } else {
    // A user's token acts on that user alone: its own `:id`, on the routes that allow it.
    const params = request.params;
    const ownId = typeof params === 'object' && params !== null && 'id' in params && params.id === principal.userId;
    if (config?.currentUser && ownId && satisfies(config.currentUser, granted)) return;
  }
  throw insufficientScope(config?.scopes, config?.currentUser);
}

const satisfies = (required: ScopeRequirement, granted: Set<string>): boolean =>
  required.mode === 'all' ? required.scopes.every((s) => granted.has(s)) : required.scopes.some((s) => granted.has(s));

/** Auth0's message names every scope that would open the route (the current-user one included, as Auth0's does). */
function insufficientScope(scopes: ScopeRequirement | undefined, currentUser: ScopeRequirement | undefined): ManagementApiError {
  const message =
    scopes?.mode === 'all'
      ? `Insufficient scope; expected ${scopes.scopes.join(' and ')}.`
      : `Insufficient scope; expected any of: ${[...(scopes?.scopes ?? []), ...(currentUser?.scopes ?? [])].join(',')}.`;
  return new ManagementApiError(403, message, 'insufficient_scope');
}
