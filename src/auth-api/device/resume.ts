/**
 * Where the device flow takes an interaction back from the hosted pages (see authorize/resume.ts
 * for `/authorize`'s). Taken once, for this browser only; then, by the state the page left it in:
 * - authenticated (a hosted login): the SSO session starts and the confirmation is asked;
 * - done (confirmed): the session must still be live and the same user's; the approval is recorded
 *   and then, once it was accepted, the consent (when the application needed it); the browser gets
 *   "device connected";
 * - failed (cancelled): the device gets access_denied at its next poll; logged `fdecc`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Interaction, InteractionRequest } from '../../domain/interactions/interaction.js';
import { answerUserCode } from '../../domain/oidc/device-authorization.js';
import { readCookie } from '../../http/cookies.js';
import { SESSION_COOKIE, unbindInteraction } from '../../http/login-cookies.js';
import { expired, unknownClient } from '../../pages/refusals.js';
import { openSession } from '../authorize/session-start.js';
import { askConfirmation, deviceConnected, deviceDenied } from './activate.js';

export async function resumeDevice(services: Services, request: FastifyRequest, reply: FastifyReply, interactionId: string, interaction: Interaction): Promise<FastifyReply> {
  const tenant = request.tenant;
  unbindInteraction(request, reply, interactionId);
  const deviceRequest = interaction.request as Extract<InteractionRequest, { kind: 'device' }>;
  const { device } = deviceRequest;
  const clientId = deviceRequest.authorization.clientId;
  const client = await services.clients.find(tenant.id, tenant.name, clientId);
  if (!client) return unknownClient(reply, request, clientId);
  const result = interaction.result!;

  if (interaction.state === 'failed') {
    await answerUserCode(services.ttl, tenant.id, device.userCodeKey, { denied: true });
    request.audit('fdecc', { description: 'User canceled the device confirmation', client, userId: result.userId });
    return deviceDenied(request, reply);
  }

  if (interaction.state === 'authenticated') {
    const user = await services.users.get(tenant.id, result.userId).catch(() => undefined);
    if (!user || user.blocked) return expired(reply, request);
    const session = await openSession(services, request, reply, { client, user, connection: result.connection, amr: result.amr });
    return askConfirmation(services, request, reply, { client, user, session, request: deviceRequest });
  }

  // done: confirmed. A session ended or replaced by another user's since the question voids the answer.
  const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
  const user = session?.userId === result.userId ? await services.users.get(tenant.id, session.userId).catch(() => undefined) : undefined;
  if (!session || !user || user.blocked) return expired(reply, request);
  const question = interaction.consent!;
  const scope = result.consented ?? [];
  const answered = await answerUserCode(services.ttl, tenant.id, device.userCodeKey, {
    approved: {
      userId: user.user_id,
      scope,
      authTime: session.authTime,
      sid: session.sid,
      ...(question.audience ? { audience: question.audience } : {}),
      ...(device.permissions ? { permissions: device.permissions } : {}),
    },
  });
  // The code expired (or was answered in another tab) while the user was confirming.
  if (!answered) return expired(reply, request);
  // Only an accepted answer is consent: a confirmation of an expired or answered code grants nothing.
  if (device.recordConsent) await services.consent.grant(tenant.id, { userId: user.user_id, clientId: client.client_id, audience: question.audience, scope });
  return deviceConnected(request, reply);
}
