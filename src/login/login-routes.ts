/**
 * The hosted login page: `GET /u/login?state=...` shows the form of a login transaction (or sends
 * a `screen_hint=signup` request on to the signup page), `POST /u/login` checks the credentials
 * against the database connection (through attack protection: `attemptPasswordLogin`), starts the
 * SSO session and completes the `/authorize` request that led here. The other hosted pages
 * (signup, password reset, consent, unblock) are registered here too.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Connection } from '../domain/connections/connection.js';
import { restoreRequest, type LoginTransaction } from '../auth-api/authorize/transaction.js';
import { renderErrorPage, renderPage } from './html.js';
import { connectionNameOf, csrfRejected, csrfValid, databaseConnectionFor, expired, formActionFor, loadTransaction, stringField } from './form.js';
import { continueTo, errorAlert, field, hidden, link, links } from './fragments.js';
import { startSessionAndComplete } from './finish-login.js';
import { signupRoutes } from './signup-routes.js';
import { passwordResetRoutes } from './password-reset-routes.js';
import { consentRoutes } from './consent-routes.js';
import { PASSWORDLESS_PAGE, passwordlessConnectionsFor } from './passwordless-routes.js';
import { unblockRoutes } from './unblock-routes.js';
import { emailVerificationRoutes } from './email-verification-routes.js';
import { attemptPasswordLogin, type LoginAttempt, type LoginRejection } from '../domain/authentication/login-attempt.js';
import { LOGIN_PAGE_MESSAGES, REJECTION_MESSAGES } from '../domain/authentication/rejection-messages.js';

/** Attack protection refusals are 429s, as on the Authentication API; everything else a 401. */
const REJECTION_STATUS: Record<LoginRejection, number> = { wrong_credentials: 401, blocked_user: 401, password_leaked: 401, too_many_attempts: 429, suspicious_ip: 429 };

export const loginRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/u/login', async (request, reply) => {
    const state = stringField(request.query, 'state');
    const transaction = await loadTransaction<LoginTransaction>(services, request, 'login_transaction', state);
    if (!state || !transaction) return expired(reply, request);
    if (transaction.request.screenHint === 'signup') {
      // The hint picks the first screen only: the signup page's "Log in" link must lead back here.
      const { screenHint: _, ...rest } = transaction.request;
      await services.ttl.update(request.tenant.id, 'login_transaction', state, { ...transaction, request: rest });
      return reply.redirect(`/u/signup?state=${encodeURIComponent(state)}`, 302);
    }
    const client = await services.clients.find(request.tenant.id, request.tenant.name, transaction.request.clientId);
    if (!client) return renderErrorPage(reply, request.tenant, 'invalid_request', `Unknown client: ${transaction.request.clientId}`);
    const connection = await databaseConnectionFor(services, request.tenant.id, connectionNameOf(request.tenant, restoreRequest(transaction.request)), client);
    // Passwordless (email/SMS codes) has its own page: shown directly when the application has no
    // database connection or asked for a passwordless one, otherwise offered by a link.
    const passwordless = await passwordlessConnectionsFor(services, request.tenant.id, client);
    if (passwordless.length > 0 && (!connection || passwordless.some((c) => c.name === transaction.request.connection))) {
      return reply.redirect(`${PASSWORDLESS_PAGE}?state=${encodeURIComponent(state)}`, 302);
    }
    return loginForm(reply, request, state, transaction, connection, { clientName: client?.name, username: transaction.request.loginHint ?? '', passwordless: passwordless.length > 0 });
  });

  app.post('/u/login', async (request, reply) => {
    const state = stringField(request.body, 'state');
    const transaction = await loadTransaction<LoginTransaction>(services, request, 'login_transaction', state);
    if (!state || !transaction) return expired(reply, request);
    if (!csrfValid(request, transaction.csrf)) return csrfRejected(reply, request);
    const username = (stringField(request.body, 'username') ?? '').trim();
    const password = stringField(request.body, 'password') ?? '';
    const tenant = request.tenant;
    const authorization = restoreRequest(transaction.request);
    const client = await services.clients.find(tenant.id, tenant.name, authorization.clientId);
    if (!client) return renderErrorPage(reply, tenant, 'invalid_request', `Unknown client: ${authorization.clientId}`);

    const connectionName = connectionNameOf(tenant, authorization);
    const connection = await databaseConnectionFor(services, tenant.id, connectionName, client);
    const attempt = connection
      ? await attemptPasswordLogin(services, { tenant, connection, username, password, ip: request.ip, clientId: client.client_id, issuer: transaction.issuer })
      : await noConnection(services, tenant.id, password);
    if (!attempt.ok) {
      const { reason, login } = attempt;
      services.logs.record(tenant.id, { type: 'f', description: REJECTION_MESSAGES[reason], clientId: client.client_id, clientName: client.name, ...(login ? { userId: login.user.user_id } : {}), ip: request.ip, details: { connection: connectionName, username, error: reason } });
      return loginForm(reply, request, state, transaction, connection, { clientName: client.name, username, error: LOGIN_PAGE_MESSAGES[reason], status: REJECTION_STATUS[reason] });
    }
    return startSessionAndComplete(services, request, reply, { state, transaction, client, authorization, connection: connectionName, login: attempt.login, password });
  });

  await app.register(signupRoutes, { services });
  await app.register(passwordResetRoutes, { services });
  await app.register(consentRoutes, { services });
  await app.register(unblockRoutes, { services });
  await app.register(emailVerificationRoutes, { services });
};

/** No usable connection is answered like a wrong password, after the same bcrypt work, so timing tells nothing either. */
async function noConnection(services: Services, tenantId: string, password: string): Promise<LoginAttempt> {
  await services.users.checkPassword(tenantId, undefined, password);
  return { ok: false, reason: 'wrong_credentials' };
}


function loginForm(
  reply: FastifyReply,
  request: FastifyRequest,
  state: string,
  transaction: LoginTransaction,
  connection: Connection | undefined,
  options: { clientName: string | undefined; username: string; error?: string; status?: number; passwordless?: boolean },
): FastifyReply {
  const query = `?state=${encodeURIComponent(state)}`;
  const usesUsername = connection?.options.requires_username === true;
  const signupAllowed = connection !== undefined && connection.options.disable_signup !== true;
  return renderPage(reply, request.tenant, {
    title: 'Welcome',
    csp: formActionFor(transaction.request.redirectUri),
    status: options.status ?? 200,
    body: `<p>${continueTo('Log in', request.tenant, options.clientName)}</p>${errorAlert(options.error)}
<form method="post" action="/u/login" novalidate>
${hidden('state', state)}
${hidden('_csrf', transaction.csrf)}
${field({ id: 'username', label: usesUsername ? 'Username or email address' : 'Email address', autocomplete: 'username', inputmode: usesUsername ? '' : 'email', autofocus: true, value: options.username, invalid: !!options.error })}
${field({ id: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', invalid: !!options.error })}
<p class="links">${link(`/u/reset-password/request${query}`, 'Forgot password?')}</p>
<button type="submit" name="action" value="default">Continue</button>
</form>
${signupAllowed ? links(link(`/u/signup${query}`, 'Sign up', "Don't have an account?")) : ''}
${options.passwordless ? links(link(`${PASSWORDLESS_PAGE}${query}`, 'Log in with a one-time code')) : ''}`,
  });
}
