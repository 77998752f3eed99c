/**
 * Starts the SSO session (cookie) for a user who has just authenticated, logs the login, and
 * completes the `/authorize` request. Used when the protocol takes back a hosted login
 * (resume.ts), and by cross-origin login tickets and magic links, which authenticate elsewhere.
 * `openSession` alone serves the protocols that answer otherwise (WS-Fed, the device flow).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { User } from '../../domain/users/user.js';
import type { Session } from '../../domain/sessions/session-service.js';
import type { AuthorizationRequest } from '../../domain/oidc/authorization-request.js';
import { setCookie } from '../../http/cookies.js';
import { SESSION_COOKIE } from '../../http/login-cookies.js';
import { completeAuthorization } from './complete.js';

export interface Login {
  client: Client;
  user: User;
  connection: string;
  amr: string[];
}

/** The SSO session for a login: stored, its cookie set, the login logged (`s`). */
export async function openSession(services: Services, request: FastifyRequest, reply: FastifyReply, login: Login): Promise<Session> {
  const tenant = request.tenant;
  const { client, user } = login;
  const { cookie, session, maxAgeSeconds } = await services.sessions.create(tenant.id, tenant.settings, { userId: user.user_id, amr: login.amr, connection: login.connection });
  setCookie(request, reply, SESSION_COOKIE, cookie, tenant.settings.session_cookie.mode === 'persistent' ? { maxAge: maxAgeSeconds } : {});
  request.audit('s', { description: 'Successful login', client, userId: user.user_id, details: { connection: login.connection } });
  return session;
}

export async function startSession(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  login: Login & { authorization: AuthorizationRequest; issuer: string },
): Promise<FastifyReply> {
  const session = await openSession(services, request, reply, login);
  return completeAuthorization(services, request, reply, login.client, login.authorization, login.issuer, session, login.user);
}
