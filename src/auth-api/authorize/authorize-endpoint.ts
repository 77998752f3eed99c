/**
 * `GET|POST /authorize`: validates the request (errors before the redirect_uri is trusted go to an
 * error page, never to a redirect), then either completes at once with the SSO session, or sends
 * the browser to the hosted login page with a login transaction.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import {
  AuthorizationPageError,
  AuthorizationRedirectError,
  checkClientAndRedirect,
  parseAuthorizationRequest,
  type AuthorizationRequest,
} from '../../domain/oidc/authorization-request.js';
import { hashSecret, newSecret } from '../../domain/secrets.js';
import { readCookie, setCookie } from '../../server/cookies.js';
import { renderErrorPage } from '../../login/html.js';
import { completeAuthorization } from './complete.js';
import { deliver } from './response-modes.js';
import { redeemLoginTicket } from '../cross-origin/ticket-redemption.js';
import { TRANSACTION_TTL_SECONDS, storeRequest, transactionCookieName, type LoginTransaction } from './transaction.js';

export const SESSION_COOKIE = 'tessera_session';

export const authorizeEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = stringParams(request.method === 'POST' ? request.body : request.query);
    const tenant = request.tenant;
    try {
      const client = params.client_id ? await services.clients.find(tenant.id, tenant.name, params.client_id) : null;
      const { redirectUri } = checkClientAndRedirect(params, client);
      const authorization = parseAuthorizationRequest(params, client!, redirectUri, tenant.settings.default_audience);
      if (authorization.audience && !(await services.resourceServers.findByAudience(tenant.id, authorization.audience))) {
        throw new AuthorizationRedirectError('access_denied', `Service not found: ${authorization.audience}`, redirectTarget(authorization));
      }
      // An embedded (cross-origin) login: the ticket from /co/authenticate stands in for the login page.
      if (params.login_ticket) {
        return await redeemLoginTicket(services, request, reply, client!, authorization, { login_ticket: params.login_ticket, ...(params.realm !== undefined ? { realm: params.realm } : {}) });
      }

      const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
      const user = session ? await services.users.get(tenant.id, session.userId).catch(() => undefined) : undefined;
      const fresh = session && user && !user.blocked && !authorization.prompt.has('login') && !tooOld(session.authTime, authorization.maxAge);
      if (fresh) {
        services.logs.record(tenant.id, { type: 'ssa', description: 'Successful silent authentication', clientId: client!.client_id, clientName: client!.name, userId: user.user_id, ip: request.ip });
        return completeAuthorization(services, request, reply, client!, authorization, request.issuer, session, user);
      }
      if (authorization.prompt.has('none')) {
        throw new AuthorizationRedirectError('login_required', 'Login required', redirectTarget(authorization));
      }
      return startLogin(services, request, reply, authorization);
    } catch (error) {
      if (error instanceof AuthorizationPageError) return renderErrorPage(reply, tenant, error.error, error.description);
      if (error instanceof AuthorizationRedirectError) {
        return deliver(reply, tenant, error.target, { error: error.error, error_description: error.description, ...(error.target.state !== undefined ? { state: error.target.state } : {}) });
      }
      throw error;
    }
  };
  app.get('/authorize', handler);
  app.post('/authorize', handler);
};

async function startLogin(services: Services, request: FastifyRequest, reply: FastifyReply, authorization: AuthorizationRequest): Promise<FastifyReply> {
  const browserSecret = newSecret();
  const transaction: LoginTransaction = {
    request: storeRequest(authorization),
    issuer: request.issuer,
    browserHash: hashSecret(browserSecret),
    csrf: randomBytes(24).toString('base64url'),
  };
  const state = await services.ttl.put(request.tenant.id, 'login_transaction', transaction, TRANSACTION_TTL_SECONDS);
  setCookie(request, reply, transactionCookieName(state), browserSecret, { path: '/u/', maxAge: TRANSACTION_TTL_SECONDS, lax: true });
  return reply.redirect(`/u/login?state=${encodeURIComponent(state)}`, 302);
}

const redirectTarget = (authorization: AuthorizationRequest) => ({
  redirectUri: authorization.redirectUri,
  responseMode: authorization.responseMode,
  ...(authorization.state !== undefined ? { state: authorization.state } : {}),
});

const tooOld = (authTime: number, maxAge: number | undefined): boolean => maxAge !== undefined && Math.floor(Date.now() / 1000) - authTime > maxAge;

/** Query strings and forms may repeat a parameter; OAuth forbids it, so only single strings count. */
function stringParams(source: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (source && typeof source === 'object') {
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) if (typeof value === 'string') params[name] = value;
  }
  return params;
}
