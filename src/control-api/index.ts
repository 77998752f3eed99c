/**
 * The control API, `/api/control/v1` on the admin host only (docs/plans/dashboard.md §2): what the
 * dashboard needs above tenants — the first administrator's setup, sign-in through the admin
 * tenant's own hosted login, the signed-in account and its sessions, the tenants it may manage and
 * their members, and the per-tenant Management API tokens the dashboard calls `/api/v2` with.
 *
 * Errors have the Management API's shape (`{statusCode, error, message, errorCode}`). Every route
 * but the public ones needs the dashboard session cookie; every state-changing one also needs the
 * session's CSRF token and, when the browser sends an Origin, the admin origin. Bodies are JSON.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { ManagementApiError } from '../http/errors.js';
import { DASHBOARD_CSRF_HEADER, checkCsrfToken } from '../http/dashboard-csrf.js';
import { readSessionCookie } from './session.js';
import { setupRoutes } from './setup.js';
import { authRoutes } from './auth.js';
import { meRoutes } from './me.js';
import { testTokenRoutes } from './test-tokens.js';
import { tenantRoutes } from './tenants.js';
import { invitationRoutes } from './invitations.js';
import { connectionTesterRoutes } from './connection-tester.js';
import type { AttemptLimiter } from './attempt-limits.js';
import { openApiSubset, type OpenApiDocument } from '../http/openapi-subset.js';

export const CONTROL_API_PREFIX = '/api/control/v1';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ControlApiOptions {
  services: Services;
  /** HMAC key of the session's CSRF tokens (crypto/subkeys.ts `dashboardCsrf`). */
  csrfKey: Uint8Array;
  /** Counts attempts at the guessable public routes (setup, invitations) per client address, in minute windows. */
  limiter: AttemptLimiter;
  /** Counts the hourly quotas (tenant creations per account), in hour windows. */
  quotas: AttemptLimiter;
}

export const controlApi: FastifyPluginAsync<ControlApiOptions> = async (app, options) => {
  const { services, csrfKey, limiter, quotas } = options;

  app.addHook('onRequest', async (request) => {
    // Only the admin host serves the control plane; on a tenant's host it does not exist.
    if (request.tenant?.kind !== 'admin') throw new ManagementApiError(404, 'Not Found', 'not_found');
    if (UNSAFE_METHODS.has(request.method) && request.headers.origin !== undefined && request.headers.origin !== services.controlPlane.adminOrigin()) {
      throw new ManagementApiError(403, 'Cross-origin requests are not accepted.', 'invalid_origin');
    }
    const cookie = readSessionCookie(request);
    const session = cookie ? await services.dashboardSessions.authenticate(cookie) : undefined;
    if (session) request.dashboardSession = session;
    if (request.routeOptions.config?.dashboard === 'public') return;
    if (!session) throw new ManagementApiError(401, 'Sign in to the dashboard.', 'login_required');
    if (UNSAFE_METHODS.has(request.method) && !checkCsrfToken(csrfKey, session.id, request.headers[DASHBOARD_CSRF_HEADER])) {
      throw new ManagementApiError(403, 'Missing or invalid CSRF token.', 'invalid_csrf_token');
    }
  });
  // Every state change made through the control plane is in the admin tenant's logs, with who made it.
  app.addHook('onResponse', async (request, reply) => {
    if (!UNSAFE_METHODS.has(request.method) || request.tenant?.kind !== 'admin') return;
    const path = request.url.split('?')[0] ?? request.url;
    const actor = request.dashboardSession ? { actor: { type: 'dashboard', user_id: request.dashboardSession.userId } } : {};
    request.audit(reply.statusCode < 400 ? 'sapi' : 'fapi', {
      description: `${request.method} ${request.routeOptions.url ?? path}`,
      ...(request.dashboardSession ? { userId: request.dashboardSession.userId } : {}),
      details: { request: { method: request.method.toLowerCase(), path }, response: { statusCode: reply.statusCode }, ...actor },
    });
  });
  // JSON only: an HTML form from another site cannot even be parsed (forms send urlencoded bodies).
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined && !isJson(request)) throw new ManagementApiError(415, 'Send application/json.', 'unsupported_media_type');
  });

  // The options without `prefix`: each child would add it again.
  const routeOptions: ControlApiOptions = { services, csrfKey, limiter, quotas };
  await app.register(setupRoutes, routeOptions);
  await app.register(authRoutes, routeOptions);
  await app.register(meRoutes, routeOptions);
  await app.register(tenantRoutes, routeOptions);
  await app.register(invitationRoutes, routeOptions);
  await app.register(connectionTesterRoutes, routeOptions);
  await app.register(testTokenRoutes, routeOptions);

  let document: OpenApiDocument | undefined;
  app.get('/openapi.json', { config: { dashboard: 'public' } }, async (_request, reply) => {
    document ??= openApiSubset(app.swagger() as unknown as OpenApiDocument, `${CONTROL_API_PREFIX}/`, CONTROL_API_INFO, SESSION_SECURITY);
    return reply.header('cache-control', 'public, max-age=300').send(document);
  });
};

const SESSION_SECURITY = {
  components: { securitySchemes: { dashboardSession: { type: 'apiKey', in: 'cookie', name: '__Host-tessera_dash' } } },
  security: [{ dashboardSession: [] }],
};

const CONTROL_API_INFO = {
  title: 'Tessera control API',
  version: 'v1',
  description: "Tessera's own API above tenants, used by the dashboard: setup, sign-in, the signed-in account, tenants, members and per-tenant Management API tokens. Authenticated by the dashboard session cookie; state-changing requests need the x-tessera-csrf header.",
};

const isJson = (request: FastifyRequest): boolean => /^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '');

/** The signed-in session of a route that requires one (the hook above refused the request otherwise). */
export function sessionOf(request: FastifyRequest) {
  const session = request.dashboardSession;
  if (!session) throw new ManagementApiError(401, 'Sign in to the dashboard.', 'login_required');
  return session;
}
