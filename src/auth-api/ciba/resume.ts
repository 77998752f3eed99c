/**
 * Where a CIBA approval takes its interaction back from the hosted pages (as device/resume.ts for
 * the device flow). Taken once, for this browser only; then, by the state the page left it in:
 * - authenticated (a hosted login): only the hinted user may go on — a login as anyone else is
 *   refused and the request stays pending for its user; the SSO session starts and the approval
 *   is asked;
 * - done (approved): the session must still be live and the hinted user's; the approval is
 *   written once (a request answered or expired meanwhile approves nothing);
 * - failed (rejected): the application gets access_denied at its next poll.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Interaction } from '../../domain/interactions/interaction.js';
import { answerCibaRequest } from '../../domain/oidc/backchannel-authentication.js';
import { readCookie } from '../../http/cookies.js';
import { SESSION_COOKIE, unbindInteraction } from '../../http/login-cookies.js';
import { renderErrorPage } from '../../pages/html.js';
import { expired, unknownClient } from '../../pages/refusals.js';
import { openSession } from '../authorize/session-start.js';
import { approved, askApproval, auditRefusal, connectionDisabled, linkUnusable, rejected, type CibaInteractionRequest } from './approve.js';

export async function resumeCiba(services: Services, request: FastifyRequest, reply: FastifyReply, interactionId: string, interaction: Interaction): Promise<FastifyReply> {
  const tenant = request.tenant;
  unbindInteraction(request, reply, interactionId);
  const cibaRequest = interaction.request as CibaInteractionRequest;
  const { ciba } = cibaRequest;
  const clientId = cibaRequest.authorization.clientId;
  const client = await services.clients.find(tenant.id, tenant.name, clientId);
  if (!client) return unknownClient(reply, request, clientId);
  const result = interaction.result!;

  if (interaction.state === 'failed') {
    if (!(await answerCibaRequest(services.ttl, tenant.id, ciba.authId, { denied: true }))) return linkUnusable(request, reply);
    auditRefusal(request, { client, userId: ciba.userId, reason: 'rejected', description: 'The user rejected the CIBA request' });
    return rejected(request, reply);
  }

  if (interaction.state === 'authenticated') {
    if (result.userId !== ciba.userId) {
      // The request stays pending for its user; logged against the user who logged in (the hinted one in details).
      auditRefusal(request, { client, userId: result.userId, reason: 'wrong_user', description: 'The CIBA approval link was followed by a login as another user', details: { hinted_user_id: ciba.userId } });
      return renderErrorPage(reply, tenant, 'access_denied', 'This request is for another user: log in as the user it was sent to.', 403);
    }
    const user = await services.users.get(tenant.id, result.userId).catch(() => undefined);
    if (!user || user.blocked) return expired(reply, request);
    const session = await openSession(services, request, reply, { client, user, connection: result.connection, amr: result.amr });
    return askApproval(services, request, reply, { client, user, session, request: cibaRequest });
  }

  // done: approved. A session ended or replaced by another user's since the question voids the answer.
  const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
  if (!session || session.userId !== result.userId || session.userId !== ciba.userId) return expired(reply, request);
  const user = await services.users.get(tenant.id, session.userId).catch(() => undefined);
  if (!user || user.blocked) return expired(reply, request);
  if (!(await services.connections.enabledForUser(tenant.id, client, user))) return connectionDisabled(services, request, reply, { authId: ciba.authId, client, userId: user.user_id });
  const question = interaction.consent!;
  const answered = await answerCibaRequest(services.ttl, tenant.id, ciba.authId, {
    approved: {
      scope: result.consented ?? [],
      authTime: session.authTime,
      sid: session.sid,
      ...(question.audience ? { audience: question.audience } : {}),
      ...(ciba.permissions ? { permissions: ciba.permissions } : {}),
      ...(result.consentedDetails ? { authorizationDetails: result.consentedDetails } : {}),
    },
  });
  if (!answered) return linkUnusable(request, reply);
  return approved(request, reply);
}
