/**
 * Asking for consent: an authorization that is complete except for the user's consent opens an
 * interaction at consent_pending (domain/interactions), bound to this browser by its own cookie and
 * CSRF token, and sends the browser to the hosted consent page. Its answer comes back through
 * resume.ts; the user's live session must still be there then.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Session } from '../../domain/sessions/session-service.js';
import type { AuthorizationRequest } from '../../domain/oidc/authorization-request.js';
import { INTERACTION_TTL_SECONDS, pageFor, storeRequest, type ConsentQuestion } from '../../domain/interactions/interaction.js';
import { bindInteraction } from '../../http/login-cookies.js';

export async function askConsent(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  consent: { authorization: AuthorizationRequest; issuer: string; session: Session; question: ConsentQuestion },
): Promise<FastifyReply> {
  const { session } = consent;
  const { id, browserSecret } = await services.interactions.open(
    request.tenant.id,
    { kind: 'authorize', authorization: storeRequest(consent.authorization), issuer: consent.issuer },
    // A session that recorded no connection (older ones) still names its user, which is what consent needs.
    { question: consent.question, result: { userId: session.userId, amr: session.amr, connection: session.connection ?? '', authTime: session.authTime } },
  );
  bindInteraction(request, reply, id, browserSecret, INTERACTION_TTL_SECONDS);
  return reply.redirect(pageFor('consent_pending', id), 302);
}
