/**
 * The signed-in account: profile and preferences (theme light, dark or system), and its dashboard
 * sessions — listed with device, browser, address and times, each one revocable (the current one
 * too, which signs out).
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ControlApiOptions } from './index.js';
import { sessionOf } from './index.js';
import { ManagementApiError } from '../http/errors.js';
import { parseUserAgent } from '../domain/control-plane/user-agent.js';
import { AccountResponse, ErrorResponse, NoContent, Theme, accountView } from './schemas.js';
import { clearSessionCookie } from './session.js';
import { countAttempt } from './attempt-limits.js';

const MePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    preferences: Type.Optional(Type.Object({ theme: Type.Optional(Theme) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const SessionResponse = Type.Object({
  id: Type.String(),
  current: Type.Boolean(),
  device: Type.String(),
  browser: Type.String(),
  ip: Type.String(),
  created_at: Type.String(),
  last_active_at: Type.String(),
  expires_at: Type.String(),
});

/** Password changes (right or wrong current password) per account and address, each minute. */
const PASSWORD_ATTEMPTS_PER_MINUTE = 5;

const PasswordBody = Type.Object(
  { current_password: Type.String({ minLength: 1, maxLength: 200 }), new_password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

const SessionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const meRoutes: FastifyPluginAsync<ControlApiOptions> = async (fastify, { services, csrfKey, limiter }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const currentAccount = async (userId: string) => {
    const account = await services.dashboardAccounts.find(userId);
    if (!account) throw new ManagementApiError(401, 'Sign in to the dashboard.', 'login_required');
    return account;
  };

  app.get('/me', { schema: { response: { 200: AccountResponse, 401: ErrorResponse } } }, async (request, reply) => {
    const session = sessionOf(request);
    reply.header('cache-control', 'no-store');
    return accountView(await currentAccount(session.userId), csrfKey, session.id);
  });

  app.patch('/me', { schema: { body: MePatch, response: { 200: AccountResponse } } }, async (request) => {
    const session = sessionOf(request);
    await currentAccount(session.userId);
    const account = await services.dashboardAccounts.update(session.userId, request.body);
    return accountView(account, csrfKey, session.id);
  });

  app.post('/me/password', { schema: { body: PasswordBody, response: { 204: NoContent, 400: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse } } }, async (request, reply) => {
    const session = sessionOf(request);
    // Per address and per account: a stolen session must not turn into unlimited password guesses.
    await countAttempt(limiter, request, 'password', PASSWORD_ATTEMPTS_PER_MINUTE, session.userId);
    await services.dashboardAccounts.changePassword(session.userId, session.id, request.body.current_password, request.body.new_password);
    return reply.code(204).send();
  });

  app.get('/me/sessions', { schema: { response: { 200: Type.Array(SessionResponse) } } }, async (request, reply) => {
    const current = sessionOf(request);
    reply.header('cache-control', 'no-store');
    return (await services.dashboardSessions.list(current.userId)).map((session) => {
      const agent = parseUserAgent(session.userAgent);
      return {
        id: session.id,
        current: session.id === current.id,
        device: agent.device,
        browser: agent.browser,
        ip: session.ip,
        created_at: session.createdAt,
        last_active_at: session.lastActiveAt,
        expires_at: session.expiresAt,
      };
    });
  });

  app.delete('/me/sessions/:id', { schema: { params: SessionParams, response: { 204: NoContent, 404: ErrorResponse } } }, async (request, reply) => {
    const current = sessionOf(request);
    if (!(await services.controlPlane.endDashboardSession(current.userId, request.params.id))) {
      throw new ManagementApiError(404, 'The session does not exist.', 'session_not_found');
    }
    if (request.params.id === current.id) clearSessionCookie(request, reply);
    return reply.code(204).send();
  });
};
