/**
 * Password reset on the hosted pages:
 * - `GET|POST /u/reset-password/request?state=...`: from the login page's "Forgot password?" link,
 *   within the login interaction (browser-bound, CSRF); always answers "check your email", whether
 *   or not the address has an account. A connection with `disable_self_service_change_password`
 *   gets neither the form nor an email, only a 400 page saying so.
 * - `GET|POST /u/reset-password?ticket=...`: the link in the email. Opening it binds the ticket to
 *   this browser (cookie) with a fresh CSRF token; the form sets a new password under the
 *   connection's policy (and breached password detection, stage pre-change-password); success
 *   also lifts the account's brute-force blocks. See `domain/password-reset` for the rules.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import type { Connection } from '../domain/connections/connection.js';
import { hashSecret, matchesHash, newSecret } from '../domain/secrets.js';
import {
  liveResetTicket,
  requestPasswordReset,
  resetPassword,
  resetResultRedirect,
  RESET_TICKET_TTL_SECONDS,
  SELF_SERVICE_RESET_DISABLED,
  selfServiceResetAllowed,
  type PasswordResetTicket,
} from '../domain/password-reset/password-reset.js';
import { restoreRequest, type Interaction } from '../domain/interactions/interaction.js';
import { clearCookie, readCookie, setCookie } from '../http/cookies.js';
import { csrfValid, stringField } from '../http/forms.js';
import { escapeHtml, renderErrorPage, renderPage } from '../pages/html.js';
import { csrfRejected, expired } from '../pages/refusals.js';
import { connectionNameOf, databaseConnectionFor, loadLogin, userFacingProblem, type HostedPageOptions } from './form.js';
import { errorAlert, field, hidden, link, links } from './fragments.js';
import { passwordHint } from './password-hint.js';
import { BREACHED_NEW_PASSWORD_MESSAGES } from '../domain/authentication/rejection-messages.js';
import { isEmailAddress } from '../domain/validation/email.js';

const REQUEST_PATH = '/u/reset-password/request';
const RESET_PATH = '/u/reset-password';

export const RESET_MESSAGES = {
  invalidEmail: 'Email is not valid.',
  linkInvalid: 'This link has expired or has already been used. Please ask for a new one.',
  mismatch: 'The passwords do not match.',
  missingPassword: 'Password is required.',
} as const;

/** Each ticket gets its own binding cookie, scoped to the reset page. */
const ticketCookieName = (ticket: string): string => `tessera_rp_${ticket.slice(0, 16)}`;

export const passwordResetRoutes: FastifyPluginAsync<HostedPageOptions> = async (app, { services }) => {
  app.get(REQUEST_PATH, async (request, reply) => {
    const state = stringField(request.query, 'state');
    const loaded = await loadLogin(services, request, state);
    if (!state || !loaded) return expired(reply, request);
    const target = await resetTarget(services, request, loaded.interaction);
    if (target && !selfServiceResetAllowed(target.connection)) return selfServiceDisabled(reply, request, state);
    return requestForm(reply, request, state, loaded.interaction, { email: loaded.interaction.request.authorization.loginHint ?? '' });
  });

  app.post(REQUEST_PATH, async (request, reply) => {
    const state = stringField(request.body, 'state');
    const loaded = await loadLogin(services, request, state);
    if (!state || !loaded) return expired(reply, request);
    const { interaction } = loaded;
    if (!csrfValid(request, interaction.csrf)) return csrfRejected(reply, request);
    const email = (stringField(request.body, 'email') ?? '').trim().toLowerCase();
    if (!isEmailAddress(email)) return requestForm(reply, request, state, interaction, { email, error: RESET_MESSAGES.invalidEmail, status: 400 });

    const tenant = request.tenant;
    // Only a database connection enabled for the application has passwords to reset; in every
    // case the answer below is the same, unless the connection refuses self-service resets (which
    // says nothing about the address).
    const target = await resetTarget(services, request, interaction);
    if (target) {
      const { client, connection } = target;
      const outcome = requestPasswordReset(services, tenant, { email, connection, clientId: client.client_id, clientName: client.name, issuer: request.issuer, audit: request.audit }, (error) =>
        request.log.error({ err: error }, 'password reset request failed'),
      );
      if (outcome === 'self_service_disabled') return selfServiceDisabled(reply, request, state);
    }
    return renderPage(reply, tenant, {
      title: 'Check your email',
      body: `<p role="status">If <strong>${escapeHtml(email)}</strong> has an account, we have sent it an email with a link to reset the password. The link expires in ${RESET_TICKET_TTL_SECONDS / 60} minutes.</p>
${links(link(`/u/login?state=${encodeURIComponent(state)}`, 'Back to log in'))}`,
    });
  });

  app.get(RESET_PATH, async (request, reply) => {
    const secret = stringField(request.query, 'ticket');
    const ticket = secret ? await liveResetTicket(services, request.tenant.id, secret) : undefined;
    if (!secret || !ticket) return linkInvalid(reply, request);
    // The last browser to open the link is the one that may use it.
    const browserSecret = newSecret();
    const bound: PasswordResetTicket = { ...ticket, browserHash: hashSecret(browserSecret), csrf: randomBytes(24).toString('base64url') };
    await services.ttl.update(request.tenant.id, 'password_reset', secret, bound);
    setCookie(request, reply, ticketCookieName(secret), browserSecret, { path: RESET_PATH, maxAge: RESET_TICKET_TTL_SECONDS, lax: true });
    return resetForm(services, reply, request, secret, bound, {});
  });

  app.post(RESET_PATH, async (request, reply) => {
    const secret = stringField(request.body, 'ticket');
    const ticket = secret ? await liveResetTicket(services, request.tenant.id, secret) : undefined;
    if (!secret || !ticket) return linkInvalid(reply, request);
    if (!matchesHash(readCookie(request, ticketCookieName(secret)), ticket.browserHash)) {
      return renderErrorPage(reply, request.tenant, 'invalid_request', 'This reset link was opened in another browser. Please open the link from the email again.', 400);
    }
    if (!csrfValid(request, ticket.csrf)) return csrfRejected(reply, request);
    const password = stringField(request.body, 'password') ?? '';
    const confirmation = stringField(request.body, 'password_confirmation') ?? '';
    if (!password) return resetForm(services, reply, request, secret, ticket, { error: RESET_MESSAGES.missingPassword, status: 400 });
    if (password !== confirmation) return resetForm(services, reply, request, secret, ticket, { error: RESET_MESSAGES.mismatch, status: 400 });

    // Breached password detection, stage pre-change-password (logs reset_pwd_leak; refuses with the `block` shield).
    const breached = await services.attackProtection.breachedNewPassword(request.tenant, 'pre-change-password', {
      password,
      ip: request.ip,
      audit: request.audit,
      connection: ticket.connection,
      account: ticket.email,
      userId: ticket.userId,
      ...(ticket.clientId ? { clientId: ticket.clientId } : {}),
    });
    if (breached) return resetForm(services, reply, request, secret, ticket, { error: BREACHED_NEW_PASSWORD_MESSAGES.change, status: 400 });
    const outcome = await resetPassword(services, request.tenant, secret, password, request.audit);
    if (outcome.status === 'invalid_ticket') return linkInvalid(reply, request);
    if (outcome.status === 'rejected') return resetForm(services, reply, request, secret, ticket, { error: userFacingProblem(outcome.message), status: 400 });
    // A new password lifts brute-force blocks, as on Auth0: whoever guessed at the old one is moot.
    const user = await services.users.find(request.tenant.id, ticket.userId);
    if (user) await services.attackProtection.passwordChanged(request.tenant, user, request.ip, request.audit);
    clearCookie(request, reply, ticketCookieName(secret), RESET_PATH);
    const resultUrl = resetResultRedirect(ticket);
    if (resultUrl) return reply.redirect(resultUrl, 302);
    const client = ticket.clientId ? await services.clients.find(request.tenant.id, request.tenant.name, ticket.clientId) : null;
    return renderPage(reply, request.tenant, {
      title: 'Password changed',
      body: `<p role="status">Your password has been changed. You can now log in with your new password.</p>${backToApplication(client)}`,
    });
  });
};

/** The application of the login interaction and the database connection it logs in with, when it may use one. */
async function resetTarget(services: Services, request: FastifyRequest, interaction: Interaction): Promise<{ client: Client; connection: Connection } | undefined> {
  const tenant = request.tenant;
  const authorization = restoreRequest(interaction.request.authorization);
  const client = await services.clients.find(tenant.id, tenant.name, authorization.clientId);
  const connection = client ? await databaseConnectionFor(services, tenant.id, connectionNameOf(tenant, authorization), client) : undefined;
  return client && connection ? { client, connection } : undefined;
}

/** The connection's `disable_self_service_change_password`: no form, no email; the way back to the login. */
function selfServiceDisabled(reply: FastifyReply, request: FastifyRequest, state: string): FastifyReply {
  return renderPage(reply, request.tenant, {
    title: 'Reset your password',
    status: 400,
    body: `${errorAlert(`${SELF_SERVICE_RESET_DISABLED} Please contact the administrator of the application.`)}
${links(link(`/u/login?state=${encodeURIComponent(state)}`, 'Back to log in'))}`,
  });
}

/** A way back to the application, when it has told us where its login starts. */
function backToApplication(client: Client | null): string {
  return client?.initiate_login_uri ? links(link(client.initiate_login_uri, `Back to ${client.name}`)) : '';
}

function linkInvalid(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderPage(reply, request.tenant, { title: 'Reset your password', status: 400, body: errorAlert(RESET_MESSAGES.linkInvalid) });
}

function requestForm(reply: FastifyReply, request: FastifyRequest, state: string, interaction: Interaction, options: { email: string; error?: string; status?: number }): FastifyReply {
  return renderPage(reply, request.tenant, {
    title: 'Forgot your password?',
    status: options.status ?? 200,
    body: `<p>Enter your email address and we will send you a link to reset your password.</p>${errorAlert(options.error)}
<form method="post" action="${REQUEST_PATH}" novalidate>
${hidden('state', state)}
${hidden('_csrf', interaction.csrf)}
${field({ id: 'email', label: 'Email address', type: 'email', autocomplete: 'email', inputmode: 'email', autofocus: true, value: options.email, invalid: !!options.error })}
<button type="submit" name="action" value="default">Continue</button>
</form>
${links(link(`/u/login?state=${encodeURIComponent(state)}`, 'Back to log in'))}`,
  });
}

async function resetForm(
  services: Services,
  reply: FastifyReply,
  request: FastifyRequest,
  secret: string,
  ticket: PasswordResetTicket,
  options: { error?: string; status?: number },
): Promise<FastifyReply> {
  const connection = await services.connections.findByName(request.tenant.id, ticket.connection);
  const hint = connection ? passwordHint(connection.options) : undefined;
  const invalid = !!options.error;
  return renderPage(reply, request.tenant, {
    title: 'Change your password',
    status: options.status ?? 200,
    body: `<p>Enter a new password for <strong>${escapeHtml(ticket.email)}</strong>.</p>${errorAlert(options.error)}
<form method="post" action="${RESET_PATH}" novalidate>
${hidden('ticket', secret)}
${hidden('_csrf', ticket.csrf ?? '')}
<input type="text" name="email" value="${escapeHtml(ticket.email)}" autocomplete="username" hidden>
${field({ id: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', autofocus: true, invalid, ...(hint ? { hint } : {}) })}
${field({ id: 'password_confirmation', label: 'Confirm new password', type: 'password', autocomplete: 'new-password', invalid })}
<button type="submit" name="action" value="default">Reset password</button>
</form>`,
  });
}
