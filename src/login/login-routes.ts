/**
 * The hosted login page: `GET /u/login?state=...` shows the form of a login interaction (or sends
 * a `screen_hint=signup` request on to the signup page; "Forgot password?" unless the connection
 * disables self-service resets), `POST /u/login` checks the credentials
 * against the database connection (through attack protection: `attemptPasswordLogin`), records
 * the login and hands the interaction back to the protocol (`finish`, then `resume`), which starts
 * the SSO session and answers the application.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Connection } from '../domain/connections/connection.js';
import { restoreRequest, type Interaction } from '../domain/interactions/interaction.js';
import { csrfValid, stringField } from '../http/forms.js';
import { renderPage } from '../pages/html.js';
import { formActionFor } from '../pages/form-action.js';
import { csrfRejected, expired, unknownClient } from '../pages/refusals.js';
import { connectionNameOf, databaseConnectionFor, loadLogin, type HostedPageOptions } from './form.js';
import { continueTo, errorAlert, field, hidden, link, links } from './fragments.js';
import { finishLogin } from './finish-login.js';
import { PASSWORDLESS_PAGE, passwordlessConnectionsFor } from './passwordless-routes.js';
import { attemptPasswordLogin, type LoginAttempt, type LoginRejection } from '../domain/authentication/login-attempt.js';
import { LOGIN_PAGE_MESSAGES, REJECTION_MESSAGES } from '../domain/authentication/rejection-messages.js';
import { selfServiceResetAllowed } from '../domain/password-reset/password-reset.js';

/** Attack protection refusals are 429s, as on the Authentication API; everything else a 401. */
const REJECTION_STATUS: Record<LoginRejection, number> = { wrong_credentials: 401, blocked_user: 401, password_leaked: 401, too_many_attempts: 429, suspicious_ip: 429 };

export const loginRoutes: FastifyPluginAsync<HostedPageOptions> = async (app, { services, resume }) => {
  app.get('/u/login', async (request, reply) => {
    const state = stringField(request.query, 'state');
    const loaded = await loadLogin(services, request, state);
    if (!state || !loaded) return expired(reply, request);
    const { interaction } = loaded;
    const requested = interaction.request.authorization;
    if (requested.screenHint === 'signup') {
      // The hint picks the first screen only: the signup page's "Log in" link must lead back here.
      await services.interactions.dropScreenHint(request.tenant.id, loaded.browser, interaction);
      return reply.redirect(`/u/signup?state=${encodeURIComponent(state)}`, 302);
    }
    const client = await services.clients.find(request.tenant.id, request.tenant.name, requested.clientId);
    if (!client) return unknownClient(reply, request, requested.clientId);
    const connection = await databaseConnectionFor(services, request.tenant.id, connectionNameOf(request.tenant, restoreRequest(requested)), client);
    // Passwordless (email/SMS codes) has its own page: shown directly when the application has no
    // database connection or asked for a passwordless one, otherwise offered by a link.
    const passwordless = await passwordlessConnectionsFor(services, request.tenant.id, client);
    if (passwordless.length > 0 && (!connection || passwordless.some((c) => c.name === requested.connection))) {
      return reply.redirect(`${PASSWORDLESS_PAGE}?state=${encodeURIComponent(state)}`, 302);
    }
    return loginForm(reply, request, state, interaction, connection, { clientName: client?.name, username: requested.loginHint ?? '', passwordless: passwordless.length > 0 });
  });

  app.post('/u/login', async (request, reply) => {
    const state = stringField(request.body, 'state');
    const loaded = await loadLogin(services, request, state);
    if (!state || !loaded) return expired(reply, request);
    const { interaction } = loaded;
    if (!csrfValid(request, interaction.csrf)) return csrfRejected(reply, request);
    const username = (stringField(request.body, 'username') ?? '').trim();
    const password = stringField(request.body, 'password') ?? '';
    const tenant = request.tenant;
    const authorization = restoreRequest(interaction.request.authorization);
    const client = await services.clients.find(tenant.id, tenant.name, authorization.clientId);
    if (!client) return unknownClient(reply, request, authorization.clientId);

    const connectionName = connectionNameOf(tenant, authorization);
    const connection = await databaseConnectionFor(services, tenant.id, connectionName, client);
    const attempt = connection
      ? await attemptPasswordLogin(services, { tenant, connection, username, password, ip: request.ip, clientId: client.client_id, audit: request.audit, issuer: interaction.request.issuer })
      : await noConnection(services, tenant.id, password);
    if (!attempt.ok) {
      const { reason, login } = attempt;
      request.audit('f', { description: REJECTION_MESSAGES[reason], client, ...(login ? { userId: login.user.user_id } : {}), details: { connection: connectionName, username, error: reason } });
      return loginForm(reply, request, state, interaction, connection, { clientName: client.name, username, error: LOGIN_PAGE_MESSAGES[reason], status: REJECTION_STATUS[reason] });
    }
    return finishLogin(services, resume, request, reply, loaded.browser, { connection: connectionName, login: attempt.login, amr: ['pwd'], password });
  });
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
  interaction: Interaction,
  connection: Connection | undefined,
  options: { clientName: string | undefined; username: string; error?: string; status?: number; passwordless?: boolean },
): FastifyReply {
  const query = `?state=${encodeURIComponent(state)}`;
  const usesUsername = connection?.options.requires_username === true;
  const signupAllowed = connection !== undefined && connection.options.disable_signup !== true;
  // Without a usable connection the link stays, as before (the page behind it then sends nothing): its absence would tell that.
  const forgotLink = connection === undefined || selfServiceResetAllowed(connection) ? `<p class="links">${link(`/u/reset-password/request${query}`, 'Forgot password?')}</p>` : '';
  return renderPage(reply, request.tenant, {
    title: 'Welcome',
    csp: formActionFor(interaction.request.authorization.redirectUri),
    status: options.status ?? 200,
    body: `<p>${continueTo('Log in', request.tenant, options.clientName)}</p>${errorAlert(options.error)}
<form method="post" action="/u/login" novalidate>
${hidden('state', state)}
${hidden('_csrf', interaction.csrf)}
${field({ id: 'username', label: usesUsername ? 'Username or email address' : 'Email address', autocomplete: 'username', inputmode: usesUsername ? '' : 'email', autofocus: true, value: options.username, invalid: !!options.error })}
${field({ id: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', invalid: !!options.error })}
${forgotLink}
<button type="submit" name="action" value="default">Continue</button>
</form>
${signupAllowed ? links(link(`/u/signup${query}`, 'Sign up', "Don't have an account?")) : ''}
${options.passwordless ? links(link(`${PASSWORDLESS_PAGE}${query}`, 'Log in with a one-time code')) : ''}`,
  });
}
