/**
 * The hosted login page: `GET /u/login?state=...` shows the form of a login transaction,
 * `POST /u/login` checks the credentials against the database connection, starts the SSO session
 * and completes the `/authorize` request that led here.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { hashSecret } from '../domain/secrets.js';
import { readCookie, clearCookie, setCookie } from '../server/cookies.js';
import { completeAuthorization } from '../auth-api/authorize/complete.js';
import { SESSION_COOKIE } from '../auth-api/authorize/authorize-endpoint.js';
import { restoreRequest, transactionCookieName, type LoginTransaction } from '../auth-api/authorize/transaction.js';
import { escapeHtml, renderErrorPage, renderPage } from './html.js';

const DEFAULT_DATABASE_CONNECTION = 'Username-Password-Authentication';
const WRONG_CREDENTIALS = 'Wrong email or password.';

export const loginRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/u/login', async (request, reply) => {
    const state = stringField(request.query, 'state');
    const transaction = state ? await loadTransaction(services, request, state) : undefined;
    if (!state || !transaction) return expired(reply, request);
    return loginForm(reply, request, state, transaction, { username: transaction.request.loginHint ?? '' });
  });

  app.post('/u/login', async (request, reply) => {
    const state = stringField(request.body, 'state');
    const transaction = state ? await loadTransaction(services, request, state) : undefined;
    if (!state || !transaction) return expired(reply, request);
    if (!sameSecret(stringField(request.body, '_csrf') ?? '', transaction.csrf)) {
      return renderErrorPage(reply, request.tenant, 'invalid_request', 'Invalid or missing CSRF token. Please start the login again.', 403);
    }
    const username = (stringField(request.body, 'username') ?? '').trim();
    const password = stringField(request.body, 'password') ?? '';
    const tenant = request.tenant;
    const authorization = restoreRequest(transaction.request);
    const client = await services.clients.find(tenant.id, tenant.name, authorization.clientId);
    if (!client) return renderErrorPage(reply, tenant, 'invalid_request', `Unknown client: ${authorization.clientId}`);

    const connectionName = authorization.connection ?? tenant.settings.default_directory ?? DEFAULT_DATABASE_CONNECTION;
    const enabled = await connectionEnabled(services, tenant.id, connectionName, client.client_id);
    const login = enabled && username ? await services.users.findForLogin(tenant.id, connectionName, username) : undefined;
    // The password is checked even when there is no such user, so timing does not reveal accounts.
    const passwordOk = await services.users.checkPassword(login, password);
    if (!enabled || !login || !passwordOk || login.blocked) {
      const description = login?.blocked && passwordOk ? 'user is blocked' : WRONG_CREDENTIALS;
      services.logs.record(tenant.id, { type: 'f', description, clientId: client.client_id, clientName: client.name, ...(login ? { userId: login.user.user_id } : {}), ip: request.ip, details: { connection: connectionName, username } });
      return loginForm(reply, request, state, transaction, { username, error: login?.blocked && passwordOk ? 'Your account has been blocked.' : WRONG_CREDENTIALS, status: 401 });
    }

    await services.ttl.delete(tenant.id, 'login_transaction', state);
    clearCookie(request, reply, transactionCookieName(state), '/u/');
    await services.users.recordLogin(login, { ip: request.ip, password });
    const { cookie, session, maxAgeSeconds } = await services.sessions.create(tenant.id, tenant.settings, { userId: login.user.user_id, amr: ['pwd'], connection: connectionName });
    setCookie(request, reply, SESSION_COOKIE, cookie, tenant.settings.session_cookie.mode === 'persistent' ? { maxAge: maxAgeSeconds } : {});
    services.logs.record(tenant.id, { type: 's', description: 'Successful login', clientId: client.client_id, clientName: client.name, userId: login.user.user_id, ip: request.ip, details: { connection: connectionName } });
    return completeAuthorization(services, request, reply, client, authorization, transaction.issuer, session, login.user);
  });
};

/** The transaction behind `state`, if it is live and was started by this browser. */
async function loadTransaction(services: Services, request: FastifyRequest, state: string): Promise<LoginTransaction | undefined> {
  const transaction = await services.ttl.get<LoginTransaction>(request.tenant.id, 'login_transaction', state);
  const browserSecret = readCookie(request, transactionCookieName(state));
  if (!transaction || !browserSecret || !sameSecret(hashSecret(browserSecret), transaction.browserHash)) return undefined;
  return transaction;
}

async function connectionEnabled(services: Services, tenantId: string, connectionName: string, clientId: string): Promise<boolean> {
  const connection = await services.connections.findByName(tenantId, connectionName);
  if (!connection || connection.strategy !== 'auth0') return false;
  const enabled = await services.storage.repos.connections.enabledClients(tenantId, [connection.id]);
  return (enabled.get(connection.id) ?? []).includes(clientId);
}

function loginForm(reply: FastifyReply, request: FastifyRequest, state: string, transaction: LoginTransaction, options: { username: string; error?: string; status?: number }): FastifyReply {
  const error = options.error ? `<div class="error" role="alert" id="error">${escapeHtml(options.error)}</div>` : '';
  const describedBy = options.error ? ' aria-describedby="error" aria-invalid="true"' : '';
  return renderPage(reply, request.tenant, {
    title: 'Welcome',
    status: options.status ?? 200,
    body: `<p>Log in to continue.</p>${error}
<form method="post" action="/u/login" novalidate>
<input type="hidden" name="state" value="${escapeHtml(state)}">
<input type="hidden" name="_csrf" value="${escapeHtml(transaction.csrf)}">
<label for="username">Email address</label>
<input id="username" name="username" type="text" inputmode="email" autocomplete="username" required autofocus value="${escapeHtml(options.username)}"${describedBy}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}>
<button type="submit" name="action" value="default">Continue</button>
</form>`,
  });
}

function expired(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderErrorPage(reply, request.tenant, 'invalid_request', 'Your login session has expired or was started in another browser. Please go back to the application and log in again.', 400);
}

function stringField(source: unknown, name: string): string | undefined {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
