/**
 * The end of a hosted login or signup: the login transaction is used up, the login is counted, the
 * SSO session starts (cookie), and the `/authorize` request that led here is completed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import type { LoginUser } from '../domain/users/user-service.js';
import type { User } from '../domain/users/user.js';
import type { AuthorizationRequest } from '../domain/oidc/authorization-request.js';
import { clearCookie, setCookie } from '../http/cookies.js';
import { completeAuthorization } from '../auth-api/authorize/complete.js';
import { SESSION_COOKIE } from '../auth-api/authorize/authorize-endpoint.js';
import { transactionCookieName, type LoginTransaction } from '../auth-api/authorize/transaction.js';

export interface FinishedLogin {
  state: string;
  transaction: LoginTransaction;
  client: Client;
  authorization: AuthorizationRequest;
  connection: string;
  login: LoginUser;
  /** The password just checked: lets `recordLogin` upgrade an imported weak hash. */
  password: string;
}

export async function startSessionAndComplete(services: Services, request: FastifyRequest, reply: FastifyReply, done: FinishedLogin): Promise<FastifyReply> {
  const tenant = request.tenant;
  const { client, login } = done;
  await services.ttl.delete(tenant.id, 'login_transaction', done.state);
  clearCookie(request, reply, transactionCookieName(done.state), '/u/');
  await services.users.recordLogin(login, { ip: request.ip, password: done.password });
  return startSession(services, request, reply, { client, user: login.user, connection: done.connection, amr: ['pwd'], authorization: done.authorization, issuer: done.transaction.issuer });
}

/**
 * Starts the SSO session (cookie) for a user who has just authenticated, logs the login, and
 * completes the `/authorize` request. Shared by the hosted login and cross-origin login tickets.
 */
export async function startSession(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  login: { client: Client; user: User; connection: string; amr: string[]; authorization: AuthorizationRequest; issuer: string },
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const { client, user } = login;
  const { cookie, session, maxAgeSeconds } = await services.sessions.create(tenant.id, tenant.settings, { userId: user.user_id, amr: login.amr, connection: login.connection });
  setCookie(request, reply, SESSION_COOKIE, cookie, tenant.settings.session_cookie.mode === 'persistent' ? { maxAge: maxAgeSeconds } : {});
  services.logs.record(tenant.id, { type: 's', description: 'Successful login', clientId: client.client_id, clientName: client.name, userId: user.user_id, ip: request.ip, details: { connection: login.connection } });
  return completeAuthorization(services, request, reply, client, login.authorization, login.issuer, session, user);
}
