/**
 * Where `/authorize` takes an interaction back from the hosted pages (domain/interactions). The
 * page that finished the interaction hands over its own request: the protocol resumes in-process,
 * so the browser gets the application's answer (a redirect with the code, a form_post or
 * web_message page, the consent page) in reply to the form it posted, exactly as before the
 * boundary existed, and the interaction's binding cookie — scoped to the hosted pages' path —
 * is there to be checked.
 *
 * The interaction is taken once, for this browser only (its binding cookie), and the cookie is
 * cleared. Then, by the state the page left it in:
 * - authenticated (a hosted login): the SSO session starts and the request completes, which may
 *   still ask for consent;
 * - done (consent given): the user's session must still be live and the same user's; the grant is
 *   recorded and the request completes with no more than the consented scopes;
 * - failed (consent declined): the application gets access_denied, in its response mode.
 * A WS-Fed login (kind `wsfed`) is answered by its own protocol (auth-api/wsfed/).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import { restoreRequest, type Interaction } from '../../domain/interactions/interaction.js';
import { resumeDevice } from '../device/resume.js';
import { resumeCiba } from '../ciba/resume.js';
import { readCookie } from '../../http/cookies.js';
import { SESSION_COOKIE, browserInteraction, unbindInteraction } from '../../http/login-cookies.js';
import { expired, unknownClient } from '../../pages/refusals.js';
import { completeAuthorization } from './complete.js';
import { deliver } from './response-modes.js';
import { redirectTarget } from './authorization-requests.js';
import { startSession } from './session-start.js';
import { resumeWsFed } from '../wsfed/wsfed-endpoint.js';

export const DECLINED = 'User did not authorize the request';

/**
 * Takes the interaction back and hands it to the protocol that opened it: `/authorize`'s (below)
 * the device flow's (device/resume.ts) or CIBA's (ciba/resume.ts).
 */
export function resumeInteraction(services: Services) {
  return async (request: FastifyRequest, reply: FastifyReply, interactionId: string): Promise<FastifyReply> => {
    const interaction = await services.interactions.take(request.tenant.id, browserInteraction(request, interactionId));
    if (!interaction) return expired(reply, request);
    if (interaction.request.kind === 'device') return resumeDevice(services, request, reply, interactionId, interaction);
    if (interaction.request.kind === 'ciba') return resumeCiba(services, request, reply, interactionId, interaction);
    if (interaction.request.kind === 'wsfed') {
      unbindInteraction(request, reply, interactionId);
      return resumeWsFed(services, request, reply, { ...interaction, request: interaction.request });
    }
    return resumeAuthorization(services, request, reply, interactionId, interaction);
  };
}

async function resumeAuthorization(services: Services, request: FastifyRequest, reply: FastifyReply, interactionId: string, interaction: Interaction): Promise<FastifyReply> {
  const tenant = request.tenant;
  unbindInteraction(request, reply, interactionId);
  const authorization = restoreRequest(interaction.request.authorization);
  const { issuer } = interaction.request;
  const result = interaction.result!;

  const client = await services.clients.find(tenant.id, tenant.name, authorization.clientId);
  if (!client) return unknownClient(reply, request, authorization.clientId);
  if (interaction.state === 'failed') {
    return deliver(reply, tenant, redirectTarget(authorization, client), { error: 'access_denied', error_description: DECLINED, ...(authorization.state !== undefined ? { state: authorization.state } : {}) });
  }

  if (interaction.state === 'authenticated') {
    const user = await services.users.get(tenant.id, result.userId).catch(() => undefined);
    // Blocked between the password check and here: no session (the consent branch checks the same).
    if (!user || user.blocked) return expired(reply, request);
    return startSession(services, request, reply, { client, user, connection: result.connection, amr: result.amr, authorization, issuer });
  }

  // done: consent given. A session ended (logout, password reset) or replaced by another user's
  // since the question was asked voids the answer.
  const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
  const user = session?.userId === result.userId ? await services.users.get(tenant.id, session.userId).catch(() => undefined) : undefined;
  if (!session || !user || user.blocked) return expired(reply, request);
  const consented = result.consented ?? [];
  await services.consent.grant(tenant.id, { userId: user.user_id, clientId: client.client_id, audience: interaction.consent!.audience, scope: consented });
  return completeAuthorization(services, request, reply, client, authorization, issuer, session, user, {
    scope: consented,
    ...(result.consentedDetails ? { authorizationDetails: result.consentedDetails } : {}),
  });
}
