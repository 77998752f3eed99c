/**
 * `x-fapi-interaction-id` (FAPI 1 Baseline §6.2.1 item 11, for the FAPI 1 compliance levels,
 * compliance-levels.ts `fapiInteractionId`): the answer carries the client's correlation id when it
 * sent an RFC 4122 UUID, else a fresh one. The header is the client's to send (§6.2.2: "may"), so a
 * request without it, or with a value that is not a UUID, is answered, never refused; a value that
 * is not a UUID is not echoed (it would carry whatever the caller put in a header into our answer).
 * The other x-fapi-* headers (auth-date, customer-ip-address) travel from client to resource server
 * and have no role at the authorization server. Set once the application is known: token and PAR
 * after client authentication (so its own errors carry it too), userinfo once the token names it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { complianceProfileOf } from '../domain/clients/compliance-levels.js';

export const FAPI_INTERACTION_ID = 'x-fapi-interaction-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function answerFapiInteractionId(request: FastifyRequest, reply: FastifyReply, client: object | null | undefined): void {
  if (!complianceProfileOf(client)?.fapiInteractionId) return;
  const given = request.headers[FAPI_INTERACTION_ID];
  reply.header(FAPI_INTERACTION_ID, typeof given === 'string' && UUID.test(given) ? given : randomUUID());
}
