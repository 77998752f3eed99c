/**
 * `x-fapi-interaction-id` (FAPI 1 Baseline §6.2.1 item 11, for the FAPI 1 compliance levels,
 * compliance-levels.ts `fapiInteractionId`): the answer carries the client's correlation id when it
 * sent an RFC 4122 UUID, else a fresh one. The header is the client's to send (§6.2.2: "may"), so a
 * request without it, or with a value that is not a UUID, is answered, never refused; a value that
 * is not a UUID is not echoed (it would carry whatever the caller put in a header into our answer).
 * The other x-fapi-* headers (auth-date, customer-ip-address) travel from client to resource server
 * and have no role at the authorization server.
 *
 * Decided once the application is known: token and PAR right after client authentication,
 * userinfo as soon as the token names it (before the certificate and user checks), so every later
 * answer, errors included, carries it. An answer given before the application is known (client
 * authentication failed, no token or an unreadable one: 401s) cannot tell a FAPI client from
 * another, so `echoFapiInteractionId` (an onSend hook of those three endpoints) echoes a UUID the
 * caller sent and mints none: a FAPI client always correlates its own failures; other callers are
 * told nothing new. An application known to have no FAPI 1 level gets no header, sent or not.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { complianceProfileOf } from '../domain/clients/compliance-levels.js';

export const FAPI_INTERACTION_ID = 'x-fapi-interaction-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Requests whose application is known: the header was decided by its level. */
const decided = new WeakSet<FastifyRequest>();

const givenUuid = (request: FastifyRequest): string | undefined => {
  const given = request.headers[FAPI_INTERACTION_ID];
  return typeof given === 'string' && UUID.test(given) ? given : undefined;
};

export function answerFapiInteractionId(request: FastifyRequest, reply: FastifyReply, client: object | null | undefined): void {
  decided.add(request);
  if (!complianceProfileOf(client)?.fapiInteractionId) return;
  reply.header(FAPI_INTERACTION_ID, givenUuid(request) ?? randomUUID());
}

/** For the token, userinfo and PAR plugins: an answer sent before the application was known echoes the caller's UUID. */
export function echoFapiInteractionId(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!decided.has(request) && !reply.hasHeader(FAPI_INTERACTION_ID)) {
      const given = givenUuid(request);
      if (given) reply.header(FAPI_INTERACTION_ID, given);
    }
    return payload;
  });
}
