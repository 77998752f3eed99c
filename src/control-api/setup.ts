/**
 * The first administrator (docs/plans/dashboard.md §3): `GET /setup` says whether setup is still
 * needed; `POST /setup` redeems the one-time link the server printed at start and creates the
 * first platform owner, Admin of every tenant, signed in at once.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ControlApiOptions } from './index.js';
import { countAttempt } from './attempt-limits.js';
import { setSessionCookie } from './session.js';
import { AccountResponse, ErrorResponse, accountView } from './schemas.js';

const SetupBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ minLength: 3, maxLength: 320, format: 'email' }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  },
  { additionalProperties: false },
);

export const setupRoutes: FastifyPluginAsync<ControlApiOptions> = async (fastify, { services, limiter, csrfKey }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/setup', { config: { dashboard: 'public' }, schema: { response: { 200: Type.Object({ required: Type.Boolean() }) } } }, async () => ({
    required: !(await services.dashboardAccounts.exist()),
  }));

  app.post(
    '/setup',
    { config: { dashboard: 'public' }, schema: { body: SetupBody, response: { 201: AccountResponse, 401: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse } } },
    async (request, reply) => {
      await countAttempt(limiter, request, 'setup');
      const { token, email, password, name } = request.body;
      const account = await services.dashboardAccounts.setUp(token, { email, password, ...(name ? { name } : {}) });
      const { cookieValue, session } = await services.dashboardSessions.create({ userId: account.user_id, ssoSid: null, userAgent: request.headers['user-agent'] ?? '', ip: request.ip });
      setSessionCookie(request, reply, cookieValue);
      return reply.code(201).send(accountView(account, csrfKey, session.id));
    },
  );
};
