/**
 * Authenticates every `/api/v2/*` request with a Management API access token of this tenant and
 * checks the route's Auth0 scope. The token must be signed by one of this tenant's keys (so a token
 * from another tenant never verifies), carry an issuer and audience on one of this tenant's hosts,
 * and not be expired.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { JwtError } from '../domain/tokens/jws.js';
import { nowSeconds } from '../domain/clock.js';
import { ManagementApiError } from '../server/errors.js';

const CLOCK_SKEW_SECONDS = 30;

const unauthorized = (message: string) => new ManagementApiError(401, message, 'invalid_token', { 'www-authenticate': 'Bearer realm="Management API"' });

export function registerManagementAuthentication(app: FastifyInstance, services: Services): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    if (!header) throw unauthorized('Missing authentication');
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(header);
    if (!match) throw unauthorized('Bad HTTP authentication header format');
    const scopes = await verifyManagementToken(services, request, match[1]!);
    request.grantedScopes = scopes;
    checkScopes(request, scopes);
  });
}

async function verifyManagementToken(services: Services, request: FastifyRequest, token: string): Promise<Set<string>> {
  const ring = await services.keys.keyRing(request.tenant.id);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = ring.verify(token));
  } catch (error) {
    if (error instanceof JwtError && error.message === 'invalid signature') throw unauthorized('Invalid signature received for JSON Web Token validation.');
    throw unauthorized('Invalid token');
  }
  const now = nowSeconds();
  if (typeof payload.exp !== 'number' || payload.exp + CLOCK_SKEW_SECONDS <= now) throw unauthorized('Expired token received for JSON Web Token validation');
  if (typeof payload.nbf === 'number' && payload.nbf - CLOCK_SKEW_SECONDS > now) throw unauthorized('Invalid token');
  if (typeof payload.iss !== 'string' || !(await services.tenants.isTenantUrl(request.tenant.id, payload.iss, '/'))) throw unauthorized('Invalid token');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  let audienceOk = false;
  // The system API only: custom APIs can never take one of its aliases as identifier.
  for (const aud of audiences) if (typeof aud === 'string' && (await services.tenants.isManagementApiAlias(request.tenant.id, aud))) audienceOk = true;
  if (!audienceOk) throw unauthorized(`Bad audience: ${audiences.filter((a) => typeof a === 'string').join(' ')}`);
  if (typeof payload.azp === 'string') request.managementClientId = payload.azp;
  return new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
}

function checkScopes(request: FastifyRequest, granted: Set<string>): void {
  const required = request.routeOptions.config?.scopes;
  if (!required) return;
  const ok = required.mode === 'all' ? required.scopes.every((s) => granted.has(s)) : required.scopes.some((s) => granted.has(s));
  if (ok) return;
  const message =
    required.mode === 'all'
      ? `Insufficient scope; expected ${required.scopes.join(' and ')}.`
      : `Insufficient scope; expected any of: ${required.scopes.join(',')}.`;
  throw new ManagementApiError(403, message, 'insufficient_scope');
}
