/**
 * The hosted consent page (`/u/consent?state=...`): the application, the user and what is asked
 * for, with Accept and Decline. The answer finishes the interaction (consented or declined) and
 * hands it back to the protocol, which records the user's grant and completes the authorization,
 * or answers the application with `access_denied`. The interaction is bound to the browser and the
 * form carries a CSRF token; the user's SSO session must still be live, and the same user's.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import type { User } from '../domain/users/user.js';
import { HOSTED_PAGES, type Interaction } from '../domain/interactions/interaction.js';
import { scopeLines } from '../domain/consent/scope-text.js';
import { readCookie } from '../http/cookies.js';
import { SESSION_COOKIE, type BrowserInteraction } from '../http/login-cookies.js';
import { csrfValid, stringField } from '../http/forms.js';
import { escapeHtml, renderPage } from '../pages/html.js';
import { formActionFor } from '../pages/form-action.js';
import { csrfRejected, expired, unknownClient } from '../pages/refusals.js';
import { loadInteraction, type HostedPageOptions } from './form.js';
import { hidden } from './fragments.js';
import { authorizationDetailsHtml } from './authorization-details-view.js';

const CONSENT_PATH = HOSTED_PAGES.consent_pending;

interface ConsentContext {
  state: string;
  browser: BrowserInteraction;
  interaction: Interaction;
  client: Client;
  user: User;
}

export const consentRoutes: FastifyPluginAsync<HostedPageOptions> = async (app, { services, resume }) => {
  app.get(CONSENT_PATH, async (request, reply) => {
    const context = await consentContext(services, request, stringField(request.query, 'state'));
    if (!context) return expired(reply, request);
    if ('error' in context) return context.error(reply);
    return consentPage(services, reply, request, context);
  });

  app.post(CONSENT_PATH, async (request, reply) => {
    const context = await consentContext(services, request, stringField(request.body, 'state'));
    if (!context) return expired(reply, request);
    if (!csrfValid(request, context.interaction.csrf)) return csrfRejected(reply, request);
    if ('error' in context) return context.error(reply);
    const accepted = stringField(request.body, 'action') === 'accept';
    if (!(await services.interactions.finish(request.tenant.id, context.browser, { type: accepted ? 'consented' : 'declined' }))) return expired(reply, request);
    return resume(request, reply, context.state);
  });
};

/** The consent question waiting for this browser, its application, and the user, whose session must still be live. */
async function consentContext(
  services: Services,
  request: FastifyRequest,
  state: string | undefined,
): Promise<ConsentContext | { interaction: Interaction; error: (reply: FastifyReply) => FastifyReply } | undefined> {
  const loaded = await loadInteraction(services, request, state);
  if (!state || loaded?.interaction.state !== 'consent_pending') return undefined;
  const { browser, interaction } = loaded;
  const tenant = request.tenant;
  const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
  // A session ended (logout, password reset) or replaced by another user's since the question was asked.
  if (!session || session.userId !== interaction.result?.userId) return undefined;
  const user = await services.users.get(tenant.id, session.userId).catch(() => undefined);
  if (!user || user.blocked) return undefined;
  const clientId = interaction.request.authorization.clientId;
  const client = await services.clients.find(tenant.id, tenant.name, clientId);
  if (!client) return { interaction, error: (reply) => unknownClient(reply, request, clientId) };
  return { state, browser, interaction, client, user };
}

async function consentPage(services: Services, reply: FastifyReply, request: FastifyRequest, context: ConsentContext): Promise<FastifyReply> {
  const tenant = request.tenant;
  const { interaction, client, user } = context;
  const question = interaction.consent!;
  const api = question.audience ? await services.resourceServers.findByAudience(tenant.id, question.audience) : undefined;
  const lines = scopeLines(question.scope, api?.scopes ?? [], tenant.settings.flags.use_scope_descriptions_for_consent === true);
  const tenantName = tenant.settings.friendly_name ?? tenant.name;
  const who = user.email ?? user.username ?? user.name ?? user.user_id;
  const items = lines.map((line) => `<li><strong>${escapeHtml(line.title)}</strong>: ${escapeHtml(line.text)}</li>`).join('');
  // A device flow's confirmation (RFC 8628 §5.4): the user checks the code is the one their device shows.
  const device = interaction.request.kind === 'device' ? interaction.request.device : undefined;
  // A CIBA request (OpenID CIBA §7.1): the binding message ties it to what the application shows.
  const ciba = interaction.request.kind === 'ciba' ? interaction.request.ciba : undefined;
  const code = device
    ? `<p>Confirm this code matches the one displayed on your device: <strong class="user-code">${escapeHtml(device.userCode)}</strong></p>`
    : ciba
      ? `<p>Check that the application shows this message: <strong class="binding-message">${escapeHtml(ciba.bindingMessage)}</strong></p>`
      : '';
  const buttons = device ? ['Cancel', 'Confirm'] : ciba ? ['Reject', 'Approve'] : ['Decline', 'Accept'];
  return renderPage(reply, tenant, {
    title: device ? 'Device Confirmation' : ciba ? 'Approve request' : 'Authorize application',
    csp: formActionFor(interaction.request.authorization.redirectUri),
    body: `${code}<p>Hi ${escapeHtml(who)}, <span class="app">${escapeHtml(client.name)}</span> is requesting access to your ${escapeHtml(tenantName)} account${api ? ` and to <span class="app">${escapeHtml(api.name)}</span>` : ''}.</p>
<h2 id="scopes-title" class="hint">It will be able to:</h2>
<ul class="scopes" aria-labelledby="scopes-title">${items}</ul>
${question.authorizationDetails ? authorizationDetailsHtml(question.authorizationDetails) : ''}
<form method="post" action="${CONSENT_PATH}">
${hidden('state', context.state)}
${hidden('_csrf', interaction.csrf)}
<div class="actions"><button type="submit" name="action" value="deny" class="secondary">${buttons[0]}</button><button type="submit" name="action" value="accept">${buttons[1]}</button></div>
</form>`,
  });
}
