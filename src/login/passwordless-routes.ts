/**
 * The hosted passwordless login page, `/u/login/passwordless?state=…`: the user enters an email
 * address or phone number (whichever passwordless connections the application has enabled), gets a
 * one-time code, enters it, and the login completes like the password form does (SSO session, then
 * the `/authorize` request). Every POST carries the interaction's CSRF token and must come from the
 * browser the interaction is bound to. The address or number the code went to is kept in the
 * interaction, not in the form, so the code form cannot be pointed at another identity.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import type { Connection, ConnectionUser } from '../domain/connections/connection.js';
import type { AuthorizationRequest } from '../domain/oidc/authorization-request.js';
import { restoreRequest, type Interaction } from '../domain/interactions/interaction.js';
import { attemptPasswordlessLogin } from '../domain/passwordless/passwordless-login.js';
import { rejectionDescription } from '../domain/passwordless/rejection-messages.js';
import { passwordlessOf, strategiesOfKind } from '../domain/connections/strategies/registry.js';
import { SmsDeliveryError } from '../domain/delivery/sms.js';
import { DomainError } from '../domain/errors.js';
import type { BrowserInteraction } from '../http/login-cookies.js';
import { csrfValid, stringField } from '../http/forms.js';
import { escapeHtml, renderErrorPage, renderPage } from '../pages/html.js';
import { formActionFor } from '../pages/form-action.js';
import { csrfRejected, expired } from '../pages/refusals.js';
import { loadLogin, type HostedPageOptions, type ResumeInteraction } from './form.js';
import { continueTo, errorAlert, field, hidden, link, links } from './fragments.js';
import { finishLogin } from './finish-login.js';

export const PASSWORDLESS_PAGE = '/u/login/passwordless';

/** The application's passwordless connections, in creation order (Auth0 presents the first one). */
export async function passwordlessConnectionsFor(services: Services, tenantId: string, client: ConnectionUser): Promise<Connection[]> {
  return services.connections.enabledFor(tenantId, client, strategiesOfKind('passwordless'));
}

/** Whether the connection's codes travel by text message (its strategy's channel) rather than email. */
const viaSms = (connection: Connection): boolean => passwordlessOf(connection.strategy)?.channel === 'sms';

/** The connection to offer: the one asked for (`?connection=`, or `/authorize`'s), else the first. */
function chosen(connections: Connection[], requested: string | undefined, authorization: AuthorizationRequest): Connection | undefined {
  return connections.find((c) => c.name === requested) ?? connections.find((c) => c.name === authorization.connection) ?? connections[0];
}

export const passwordlessRoutes: FastifyPluginAsync<HostedPageOptions> = async (app, { services, resume }) => {
  app.get(PASSWORDLESS_PAGE, async (request, reply) => {
    const state = stringField(request.query, 'state');
    const loaded = await loadLogin(services, request, state);
    if (!state || !loaded) return expired(reply, request);
    const interaction = loaded.interaction;
    const page = await pageContext(services, request, interaction);
    if (!page) return noPasswordless(reply, request);
    const connection = chosen(page.connections, stringField(request.query, 'connection'), page.authorization);
    return identifierForm(reply, request, state, interaction, page, connection!, { value: passwordlessOf(connection!.strategy)?.identifierField === 'email' ? (page.authorization.loginHint ?? '') : '' });
  });

  app.post(PASSWORDLESS_PAGE, async (request, reply) => {
    const state = stringField(request.body, 'state');
    const loaded = await loadLogin(services, request, state);
    if (!state || !loaded) return expired(reply, request);
    const interaction = loaded.interaction;
    if (!csrfValid(request, interaction.csrf)) return csrfRejected(reply, request);
    const page = await pageContext(services, request, interaction);
    if (!page) return noPasswordless(reply, request);
    return stringField(request.body, 'action') === 'verify'
      ? verifyCode(services, resume, request, reply, loaded.browser, interaction, page)
      : sendCode(services, request, reply, loaded.browser, interaction, page);
  });
};

interface PageContext {
  authorization: AuthorizationRequest;
  client: Client;
  connections: Connection[];
}

async function pageContext(services: Services, request: FastifyRequest, interaction: Interaction): Promise<PageContext | undefined> {
  const tenant = request.tenant;
  const authorization = restoreRequest(interaction.request.authorization);
  const client = await services.clients.find(tenant.id, tenant.name, authorization.clientId);
  if (!client) return undefined;
  const connections = await passwordlessConnectionsFor(services, tenant.id, client);
  return connections.length > 0 ? { authorization, client, connections } : undefined;
}

const noPasswordless = (reply: FastifyReply, request: FastifyRequest) =>
  renderErrorPage(reply, request.tenant, 'invalid_request', 'No passwordless connection (email or SMS) is enabled for this application.');

async function sendCode(services: Services, request: FastifyRequest, reply: FastifyReply, browser: BrowserInteraction, interaction: Interaction, page: PageContext): Promise<FastifyReply> {
  const tenant = request.tenant;
  const state = browser.id;
  const connection = page.connections.find((c) => c.name === stringField(request.body, 'connection'));
  if (!connection) return identifierForm(reply, request, state, interaction, page, page.connections[0]!, { value: '', error: 'Please choose how to receive your code.', status: 400 });
  const typed = (stringField(request.body, 'identifier') ?? '').trim();
  const identifier = passwordlessOf(connection.strategy)?.normalize(typed);
  const sms = viaSms(connection);
  if (!identifier) {
    return identifierForm(reply, request, state, interaction, page, connection, { value: typed, error: sms ? 'The phone number is invalid. Use the international format, e.g. +14155550100.' : 'The email is invalid.', status: 400 });
  }
  const existing = await services.users.findPasswordlessUser(tenant.id, connection, identifier);
  if (!existing && connection.options.disable_signup === true) {
    return identifierForm(reply, request, state, interaction, page, connection, { value: typed, error: 'Sign ups are disabled for this application: no account uses this address.', status: 400 });
  }
  try {
    await services.passwordless.send({ tenant, client: page.client, connection, identifier, send: 'code' });
  } catch (error) {
    // A provider's refusal (SMS), or no provider at all (production without one): logged and shown.
    if (!(error instanceof SmsDeliveryError) && !(error instanceof DomainError && error.kind === 'unavailable')) throw error;
    const unconfigured = error instanceof DomainError;
    request.audit('fn', { description: error.message, client: page.client, details: { connection: connection.name } });
    const what = sms ? 'the SMS' : 'the email';
    return identifierForm(reply, request, state, interaction, page, connection, { value: typed, error: `We're sorry, something went wrong when sending ${what}.`, status: unconfigured ? 503 : 502 });
  }
  request.audit(sms ? 'cs' : 'cls', {
    description: 'Passwordless login code has been sent',
    client: page.client,
    userName: identifier,
    ...(existing ? { userId: existing.user.user_id } : {}),
    details: { connection: connection.name, send: 'code', authenticated_by: 'login_page' },
  });
  const next = await services.interactions.rememberCodeRecipient(tenant.id, browser, interaction, { connection: connection.name, identifier });
  return codeForm(reply, request, state, next, page, connection, identifier, {});
}

async function verifyCode(
  services: Services,
  resume: ResumeInteraction,
  request: FastifyRequest,
  reply: FastifyReply,
  browser: BrowserInteraction,
  interaction: Interaction,
  page: PageContext,
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const state = browser.id;
  const pending = interaction.passwordless;
  const connection = pending && page.connections.find((c) => c.name === pending.connection);
  if (!pending || !connection) return identifierForm(reply, request, state, interaction, page, page.connections[0]!, { value: '', error: 'Please ask for a new code.', status: 400 });
  const otp = (stringField(request.body, 'code') ?? '').trim();
  const attempt = await attemptPasswordlessLogin(services, { tenant, connection, username: pending.identifier, otp, ip: request.ip, clientId: page.client.client_id, audit: request.audit, issuer: interaction.request.issuer });
  if (!attempt.ok) {
    const description = rejectionDescription(connection.strategy, attempt);
    request.audit('f', {
      description,
      client: page.client,
      ...(attempt.login ? { userId: attempt.login.user.user_id } : {}),
      details: { connection: connection.name, username: pending.identifier },
    });
    return codeForm(reply, request, state, interaction, page, connection, pending.identifier, { error: attempt.reason === 'blocked_user' ? 'Your account has been blocked.' : description, status: 401 });
  }
  return finishLogin(services, resume, request, reply, browser, { connection: connection.name, login: attempt.login, amr: ['otp'] });
}

function identifierForm(
  reply: FastifyReply,
  request: FastifyRequest,
  state: string,
  interaction: Interaction,
  page: PageContext,
  connection: Connection,
  options: { value: string; error?: string; status?: number },
): FastifyReply {
  const sms = viaSms(connection);
  const query = `?state=${encodeURIComponent(state)}`;
  const others = page.connections
    .filter((c) => c.name !== connection.name)
    .map((c) => link(`${PASSWORDLESS_PAGE}${query}&connection=${encodeURIComponent(c.name)}`, viaSms(c) ? 'Use a phone number instead' : 'Use an email address instead'));
  return renderPage(reply, request.tenant, {
    title: 'Welcome',
    csp: formActionFor(interaction.request.authorization.redirectUri),
    status: options.status ?? 200,
    body: `<p>${continueTo('Log in', request.tenant, page.client.name)} ${sms ? 'We will text you a code.' : 'We will email you a code.'}</p>${errorAlert(options.error)}
<form method="post" action="${PASSWORDLESS_PAGE}" novalidate>
${hidden('state', state)}
${hidden('_csrf', interaction.csrf)}
${hidden('connection', connection.name)}
${field({ id: 'identifier', label: sms ? 'Phone number' : 'Email address', type: sms ? 'text' : 'email', autocomplete: sms ? 'tel' : 'email', inputmode: sms ? 'tel' : 'email', autofocus: true, value: options.value, invalid: !!options.error })}
<button type="submit" name="action" value="send">Send code</button>
</form>
${links(...others, link(`/u/login${query}`, 'Log in with a password'))}`,
  });
}

function codeForm(
  reply: FastifyReply,
  request: FastifyRequest,
  state: string,
  interaction: Interaction,
  page: PageContext,
  connection: Connection,
  identifier: string,
  options: { error?: string; status?: number },
): FastifyReply {
  const sms = viaSms(connection);
  return renderPage(reply, request.tenant, {
    title: 'Enter your code',
    csp: formActionFor(interaction.request.authorization.redirectUri),
    status: options.status ?? 200,
    body: `<p>We sent a code to <span class="app">${escapeHtml(identifier)}</span> by ${sms ? 'text message' : 'email'}.</p>${errorAlert(options.error)}
<form method="post" action="${PASSWORDLESS_PAGE}" novalidate>
${hidden('state', state)}
${hidden('_csrf', interaction.csrf)}
${field({ id: 'code', label: 'Code', autocomplete: 'one-time-code', inputmode: 'numeric', autofocus: true, invalid: !!options.error })}
<button type="submit" name="action" value="verify">Continue</button>
</form>
<form method="post" action="${PASSWORDLESS_PAGE}" novalidate>
${hidden('state', state)}
${hidden('_csrf', interaction.csrf)}
${hidden('connection', connection.name)}
${hidden('identifier', identifier)}
<button type="submit" class="secondary" name="action" value="send">Resend code</button>
</form>
${links(link(`${PASSWORDLESS_PAGE}?state=${encodeURIComponent(state)}&connection=${encodeURIComponent(connection.name)}`, sms ? 'Use another phone number' : 'Use another email address'))}`,
  });
}
