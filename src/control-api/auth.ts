/**
 * Dashboard sign-in, the backend-for-frontend way (docs/plans/dashboard.md §1.6): the control API
 * is the admin tenant's OAuth client. `GET /auth/login` starts an authorization-code flow with
 * PKCE, state and nonce at the admin tenant's own `/authorize` (its hosted login page, its brute-force
 * protection); `GET /auth/callback` redeems the code in process (the same checks as `/oauth/token`)
 * and starts a dashboard session. No token of the admin tenant ever reaches the browser.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ControlApiOptions } from './index.js';
import { sessionOf } from './index.js';
import { ManagementApiError } from '../http/errors.js';
import { readCookie, clearCookie } from '../http/cookies.js';
import { SESSION_COOKIE } from '../http/login-cookies.js';
import { checkCodeRedemption, type CodeGrant } from '../domain/oidc/code-grant.js';
import { DASHBOARD_CLIENT_ID } from '../domain/control-plane/dashboard-tokens.js';
import { DASHBOARD_CALLBACK_PATH } from '../domain/control-plane/admin-tenant.js';
import { clearLoginCookie, clearSessionCookie, readLoginCookie, setLoginCookie, setSessionCookie } from './session.js';
import { countAttempt } from './attempt-limits.js';
import { ErrorResponse, NoContent } from './schemas.js';

/** A sign-in has ten minutes to come back, like an authorization code. */
const LOGIN_TTL_SECONDS = 600;

interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

const LoginQuery = Type.Object({ return_to: Type.Optional(Type.String({ maxLength: 2000 })) });
const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 200 })),
  state: Type.Optional(Type.String({ maxLength: 200 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 2000 })),
});

const random = (): string => randomBytes(32).toString('base64url');

/**
 * Only a path of the dashboard itself: never another origin (`//evil`, `/\evil`), never the API,
 * and percent-encoded as a Location header needs (a raw non-ASCII character would not be sendable).
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return '/';
  const base = 'https://dashboard.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return '/';
  }
  // Normalising can itself produce `//host` (`/.//evil`, `/a/..//evil`): checked again on the result.
  if (url.origin !== base || url.pathname.startsWith('//') || url.pathname.startsWith('/api/')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

const sameString = (a: string, b: string): boolean => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Sign-ins started per address and minute: generous for an office behind one address, finite for a script. */
const LOGINS_PER_MINUTE = 60;

export const authRoutes: FastifyPluginAsync<ControlApiOptions> = async (fastify, { services, limiter }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const callbackUrl = () => `${services.controlPlane.adminOrigin()}${DASHBOARD_CALLBACK_PATH}`;

  app.get('/auth/login', { config: { dashboard: 'public' }, schema: { querystring: LoginQuery } }, async (request, reply) => {
    // Each sign-in stores a transaction: bounded per address, like the other public routes.
    await countAttempt(limiter, request, 'login', LOGINS_PER_MINUTE);
    const admin = request.tenant;
    const transaction: LoginTransaction = { state: random(), nonce: random(), codeVerifier: random(), returnTo: safeReturnTo(request.query.return_to) };
    const key = await services.ttl.put(admin.id, 'dashboard_login', transaction, LOGIN_TTL_SECONDS);
    setLoginCookie(request, reply, key, LOGIN_TTL_SECONDS);
    const query = new URLSearchParams({
      client_id: DASHBOARD_CLIENT_ID,
      response_type: 'code',
      redirect_uri: callbackUrl(),
      scope: 'openid profile email',
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: createHash('sha256').update(transaction.codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    return reply.code(302).header('cache-control', 'no-store').redirect(`/authorize?${query}`);
  });

  app.get('/auth/callback', { config: { dashboard: 'public' }, schema: { querystring: CallbackQuery } }, async (request, reply) => {
    const admin = request.tenant;
    const key = readLoginCookie(request);
    clearLoginCookie(request, reply);
    const redeemed = key ? await services.ttl.consume<LoginTransaction>(admin.id, 'dashboard_login', key) : { status: 'invalid' as const };
    const { state, code, error } = request.query;
    if (redeemed.status !== 'ok' || !state || !sameString(state, redeemed.document.state)) {
      throw new ManagementApiError(400, 'This sign-in is unknown or expired; start again.', 'invalid_state');
    }
    const transaction = redeemed.document;
    if (error || !code) throw new ManagementApiError(403, `Sign-in was not completed${error ? `: ${error}` : ''}.`, 'access_denied');
    const grant = await redeemCode(request, code, transaction);
    const account = await services.dashboardAccounts.find(grant.userId);
    if (!account) throw new ManagementApiError(403, 'This user is not a dashboard account.', 'access_denied');
    // A session this browser held before (another account, or an old sign-in) ends here.
    if (request.dashboardSession) await services.controlPlane.endDashboardSession(request.dashboardSession.userId, request.dashboardSession.id);
    const { cookieValue } = await services.dashboardSessions.create({ userId: account.user_id, ssoSid: grant.sid ?? null, userAgent: request.headers['user-agent'] ?? '', ip: request.ip });
    setSessionCookie(request, reply, cookieValue);
    return reply.code(302).header('cache-control', 'no-store').redirect(transaction.returnTo);
  });

  /** The code's own checks, as the token endpoint makes them; a used code never works twice. */
  async function redeemCode(request: FastifyRequest, code: string, transaction: LoginTransaction): Promise<CodeGrant> {
    const redemption = await services.ttl.consume<CodeGrant>(request.tenant.id, 'authorization_code', code);
    if (redemption.status !== 'ok') throw new ManagementApiError(403, 'Invalid authorization code.', 'invalid_grant');
    const grant = redemption.document;
    const check = checkCodeRedemption(grant, { clientId: DASHBOARD_CLIENT_ID, redirectUri: callbackUrl(), codeVerifier: transaction.codeVerifier });
    if (!check.ok) throw new ManagementApiError(403, check.description, 'invalid_grant');
    if (grant.nonce === undefined || !sameString(grant.nonce, transaction.nonce)) throw new ManagementApiError(403, 'Invalid nonce.', 'invalid_grant');
    return grant;
  }

  /** Ends the dashboard session and the admin tenant's login session behind it (same host, same response). */
  app.post('/auth/logout', { schema: { response: { 204: NoContent } } }, async (request, reply) => {
    const session = sessionOf(request);
    await services.controlPlane.endDashboardSession(session.userId, session.id);
    await services.sessions.end(request.tenant.id, readCookie(request, SESSION_COOKIE));
    clearCookie(request, reply, SESSION_COOKIE);
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });
};
