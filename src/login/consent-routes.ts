/**
 * The hosted consent page (`/u/consent?state=...`): the application, the user and what is asked
 * for, with Accept and Decline. Accepting records (or extends) the user's grant and completes the
 * authorization; declining answers the application with `access_denied`. The transaction is bound
 * to the browser and the form carries a CSRF token; the user's SSO session must still be live.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import type { Session } from '../domain/sessions/session-service.js';
import type { User } from '../domain/users/user.js';
import { scopeLines } from '../domain/consent/scope-text.js';
import { restoreRequest, transactionCookieName } from '../auth-api/authorize/transaction.js';
import { completeAuthorization } from '../auth-api/authorize/complete.js';
import { deliver } from '../auth-api/authorize/response-modes.js';
import { SESSION_COOKIE } from '../auth-api/authorize/authorize-endpoint.js';
import { clearCookie, readCookie } from '../http/cookies.js';
import { escapeHtml, renderErrorPage, renderPage } from './html.js';
import { csrfRejected, csrfValid, expired, formActionFor, loadTransaction, stringField } from './form.js';
import { hidden } from './fragments.js';
import { CONSENT_PATH, type ConsentTransaction } from './consent-transaction.js';

export const DECLINED = 'User did not authorize the request';

interface ConsentContext {
  state: string;
  transaction: ConsentTransaction;
  client: Client;
  session: Session;
  user: User;
}

export const consentRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get(CONSENT_PATH, async (request, reply) => {
    const context = await consentContext(services, request, stringField(request.query, 'state'));
    if (!context) return expired(reply, request);
    if ('error' in context) return context.error(reply);
    return consentPage(services, reply, request, context);
  });

  app.post(CONSENT_PATH, async (request, reply) => {
    const context = await consentContext(services, request, stringField(request.body, 'state'));
    if (!context) return expired(reply, request);
    if (!csrfValid(request, context.transaction.csrf)) return csrfRejected(reply, request);
    if ('error' in context) return context.error(reply);
    const tenant = request.tenant;
    const { state, transaction, client, session, user } = context;
    const authorization = restoreRequest(transaction.request);
    await services.ttl.delete(tenant.id, 'consent_transaction', state);
    clearCookie(request, reply, transactionCookieName(state), '/u/');

    if (stringField(request.body, 'action') !== 'accept') {
      const target = { redirectUri: authorization.redirectUri, responseMode: authorization.responseMode };
      return deliver(reply, tenant, target, { error: 'access_denied', error_description: DECLINED, ...(authorization.state !== undefined ? { state: authorization.state } : {}) });
    }
    await services.consent.grant(tenant.id, { userId: user.user_id, clientId: client.client_id, audience: transaction.audience, scope: transaction.scope });
    return completeAuthorization(services, request, reply, client, authorization, transaction.issuer, session, user, transaction.scope);
  });
};

/** The live consent transaction of this browser, its application, and the user's still-live session. */
async function consentContext(
  services: Services,
  request: FastifyRequest,
  state: string | undefined,
): Promise<ConsentContext | { transaction: ConsentTransaction; error: (reply: FastifyReply) => FastifyReply } | undefined> {
  const transaction = await loadTransaction<ConsentTransaction>(services, request, 'consent_transaction', state);
  if (!state || !transaction) return undefined;
  const tenant = request.tenant;
  const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
  // A session ended (logout, password reset) or replaced by another user's since the question was asked.
  if (!session || session.userId !== transaction.userId) return undefined;
  const user = await services.users.get(tenant.id, session.userId).catch(() => undefined);
  if (!user || user.blocked) return undefined;
  const client = await services.clients.find(tenant.id, tenant.name, transaction.request.clientId);
  if (!client) return { transaction, error: (reply) => renderErrorPage(reply, tenant, 'invalid_request', `Unknown client: ${transaction.request.clientId}`) };
  return { state, transaction, client, session, user };
}

async function consentPage(services: Services, reply: FastifyReply, request: FastifyRequest, context: ConsentContext): Promise<FastifyReply> {
  const tenant = request.tenant;
  const { transaction, client, user } = context;
  const api = transaction.audience ? await services.resourceServers.findByAudience(tenant.id, transaction.audience) : undefined;
  const lines = scopeLines(transaction.scope, api?.scopes ?? [], tenant.settings.flags.use_scope_descriptions_for_consent === true);
  const tenantName = tenant.settings.friendly_name ?? tenant.name;
  const who = user.email ?? user.username ?? user.name ?? user.user_id;
  const items = lines.map((line) => `<li><strong>${escapeHtml(line.title)}</strong>: ${escapeHtml(line.text)}</li>`).join('');
  return renderPage(reply, tenant, {
    title: 'Authorize application',
    csp: formActionFor(transaction.request.redirectUri),
    body: `<p>Hi ${escapeHtml(who)}, <span class="app">${escapeHtml(client.name)}</span> is requesting access to your ${escapeHtml(tenantName)} account${api ? ` and to <span class="app">${escapeHtml(api.name)}</span>` : ''}.</p>
<h2 id="scopes-title" class="hint">It will be able to:</h2>
<ul class="scopes" aria-labelledby="scopes-title">${items}</ul>
<form method="post" action="${CONSENT_PATH}">
${hidden('state', context.state)}
${hidden('_csrf', transaction.csrf)}
<div class="actions"><button type="submit" name="action" value="deny" class="secondary">Decline</button><button type="submit" name="action" value="accept">Accept</button></div>
</form>`,
  });
}
