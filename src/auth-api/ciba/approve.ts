/**
 * The CIBA email channel's browser side: the emailed link (`/ciba/approve?id=…&ticket=…`) opens
 * the request for the hinted user only. The link's secret (256 bits, stored hashed) is checked
 * against the live, unanswered authorization; then the user logs in on the hosted pages (an SSO
 * session of the same user is reused; anyone else's session is not, and a login as anyone else is
 * refused) and answers on the consent page, which shows the application, the binding message, the
 * scopes and the authorization details, with Approve and Reject (a CSRF-protected form bound to
 * the browser, as every consent question). The answer is written once to the authorization, which
 * the application's polling reads; after it, or once the request expired, the link opens nothing.
 *
 * Following the link changes nothing by itself (it opens a browser-bound interaction, as
 * `/authorize` does): a mail scanner that fetches it neither approves nor uses it up.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { User } from '../../domain/users/user.js';
import type { Session } from '../../domain/sessions/session-service.js';
import { INTERACTION_TTL_SECONDS, pageFor, storeRequest, type InteractionRequest } from '../../domain/interactions/interaction.js';
import { CIBA_GRANT } from '../../domain/clients/client.js';
import { answerCibaRequest, asAuthorizationRequest, pendingByLink } from '../../domain/oidc/backchannel-authentication.js';
import { ApiAccessDenied, userApiAccess } from '../../domain/oidc/api-access.js';
import { OIDC_SCOPES } from '../../domain/oidc/user-claims.js';
import { bindInteraction } from '../../http/login-cookies.js';
import { ssoSessionFor } from '../authorize/sso-session.js';
import { stringField } from '../../http/forms.js';
import { renderErrorPage, renderPage } from '../../pages/html.js';

export const CIBA_APPROVE_PATH = '/ciba/approve';

export type CibaInteractionRequest = Extract<InteractionRequest, { kind: 'ciba' }>;

export const cibaApproveRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get(CIBA_APPROVE_PATH, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const tenant = request.tenant;
    const authId = stringField(request.query, 'id');
    const entry = await pendingByLink(services.ttl, tenant.id, authId, stringField(request.query, 'ticket'));
    if (!entry || !authId) return linkUnusable(request, reply);
    const client = await services.clients.find(tenant.id, tenant.name, entry.request.clientId);
    const user = await services.users.find(tenant.id, entry.request.userId).catch(() => undefined);
    if (!client || !client.grant_types.includes(CIBA_GRANT) || !user || user.blocked) return linkUnusable(request, reply);
    if (!(await services.connections.enabledForUser(tenant.id, client, user))) return connectionDisabled(services, request, reply, { authId, client, userId: user.user_id });
    const interactionRequest: CibaInteractionRequest = {
      kind: 'ciba',
      // The hosted login offers the hinted user's own connection (not the tenant's default directory).
      authorization: storeRequest({ ...asAuthorizationRequest(entry.request, user.email), ...(user.identities[0] ? { connection: user.identities[0].connection } : {}) }),
      issuer: entry.request.issuer,
      ciba: { authId, userId: user.user_id, bindingMessage: entry.request.bindingMessage },
    };
    // Only the hinted user's own SSO session answers; with anyone else's the user logs in again.
    const sso = await ssoSessionFor(services, request, client);
    if (sso?.session.userId === user.user_id) return askApproval(services, request, reply, { client, user, session: sso.session, request: interactionRequest });
    const { id, browserSecret } = await services.interactions.open(tenant.id, interactionRequest);
    bindInteraction(request, reply, id, browserSecret, INTERACTION_TTL_SECONDS);
    return reply.redirect(pageFor('login_pending', id), 302);
  });
};

export function linkUnusable(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return renderErrorPage(reply, request.tenant, 'invalid_request', 'This approval link has expired or was already used.', 400);
}

/**
 * The hinted user is logged in: what the application would receive (the API's user policy, client
 * grant and RBAC, as at `/authorize`), asked on the consent page. A CIBA request always asks: the
 * user approves this one request, never a standing consent.
 */
export async function askApproval(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  context: { client: Client; user: User; session: Session; request: CibaInteractionRequest },
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const { user, session, client } = context;
  const requested = context.request.authorization;
  // Judged at /bc-authorize and when the link opened, judged again before the question: the connection may have been disabled since.
  if (!(await services.connections.enabledForUser(tenant.id, client, user))) return connectionDisabled(services, request, reply, { authId: context.request.ciba.authId, client, userId: user.user_id });
  const oidcScopes = requested.scope.filter((s) => OIDC_SCOPES.has(s));
  let scope = oidcScopes;
  let audience = '';
  let permissions: string[] | undefined;
  if (requested.audience) {
    try {
      const access = await userApiAccess(services, tenant.id, client, user.user_id, requested.audience, requested.scope);
      audience = access.api.identifier;
      scope = [...oidcScopes.filter((s) => s !== 'offline_access' || access.api.allow_offline_access), ...access.scopes];
      if (access.permissions && access.api.token_dialect.endsWith('_authz')) permissions = access.permissions;
      // Judged at /bc-authorize, judged again now: a type the API or client grant dropped since is never shown nor issued.
      if (requested.authorizationDetails?.some((detail) => !access.detailsTypes.has(detail.type))) throw new ApiAccessDenied('An authorization_details type is no longer allowed for this application and API');
    } catch (error) {
      if (!(error instanceof ApiAccessDenied)) throw error;
      await answerCibaRequest(services.ttl, tenant.id, context.request.ciba.authId, { denied: true });
      auditRefusal(request, { client, userId: user.user_id, reason: 'api_access_denied', description: `CIBA request denied at approval: ${error.message}`, details: { audience: requested.audience } });
      return renderErrorPage(reply, tenant, 'access_denied', error.message, 403);
    }
  }
  const interactionRequest: CibaInteractionRequest = { ...context.request, ciba: { ...context.request.ciba, ...(permissions ? { permissions } : {}) } };
  const { id, browserSecret } = await services.interactions.open(tenant.id, interactionRequest, {
    question: { audience, scope, ...(requested.authorizationDetails ? { authorizationDetails: requested.authorizationDetails } : {}) },
    result: { userId: session.userId, amr: session.amr, connection: session.connection ?? '', authTime: session.authTime },
  });
  bindInteraction(request, reply, id, browserSecret, INTERACTION_TTL_SECONDS);
  return reply.redirect(pageFor('consent_pending', id), 302);
}

/** The user's connection is no longer enabled for the application: the request is denied (the application learns it at its next poll). */
export async function connectionDisabled(services: Services, request: FastifyRequest, reply: FastifyReply, context: { authId: string; client: Client; userId: string }): Promise<FastifyReply> {
  await answerCibaRequest(services.ttl, request.tenant.id, context.authId, { denied: true });
  auditRefusal(request, { client: context.client, userId: context.userId, reason: 'connection_disabled', description: "CIBA request denied: the user's connection is not enabled for the application" });
  return renderErrorPage(reply, request.tenant, 'access_denied', "The user's connection is not enabled for this application.", 403);
}

/**
 * A CIBA request the user did not approve, audited with the user, the application and the reason.
 * Auth0 documents no log type for a CIBA user's answer (only ciba_start_* and ciba_exchange_*):
 * Tessera uses the device flow's `fdecc` ("user did not confirm"), the nearest Auth0 code for a user
 * refusing in a browser a request started on another device, with `details.flow: "ciba"`. Approvals
 * have no Auth0 code either; they show as ciba_exchange_succeeded when the application redeems them.
 */
export function auditRefusal(request: FastifyRequest, refusal: { client: Client; userId: string; reason: 'rejected' | 'api_access_denied' | 'connection_disabled' | 'wrong_user'; description: string; details?: Record<string, unknown> }): void {
  request.audit('fdecc', { description: refusal.description, client: refusal.client, userId: refusal.userId, details: { flow: 'ciba', reason: refusal.reason, ...refusal.details } });
}

export function approved(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return renderPage(reply, request.tenant, { title: 'Request approved', body: '<p>You approved the request. You can close this window and return to the application.</p>' });
}

export function rejected(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return renderPage(reply, request.tenant, { title: 'Request rejected', body: '<p>You rejected the request: the application was told.</p>' });
}
