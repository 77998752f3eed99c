/**
 * `GET /api/v2/tessera/outbox` — a TESSERA EXTENSION, not part of Auth0's Management API.
 * Without `SMTP_URL`, the emails the server sends (password reset links...) are kept in the
 * database instead, and so are text messages (passwordless SMS codes) without an SMS provider; this
 * lists them, newest first, optionally only those `to` one address or phone number, or of one
 * `channel` (`email`, `sms`), for tests and local development. Needs `read:dev_outbox`, a Tessera
 * scope only the bootstrap application holds by default: the messages hold live password reset
 * links, so the common `read:email_provider` must not read them. With SMTP configured, or with
 * `NODE_ENV=production`, nothing is kept and the list is empty.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { readOutbox, type OutboxMessage } from '../domain/delivery/outbox-sender.js';
import { OffsetListSchema, PaginationQuery, pageOf, paginated } from './pagination.js';
import { OneOf, type DeclaresAll } from './schema.js';
import { anyOf } from './scopes.js';

const ListQuery = Type.Intersect([
  PaginationQuery,
  Type.Object({
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'An email address, or a phone number for text messages' })),
    channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms')])),
  }),
]);

/** A kept message; a text message (`sms`) has its content in `text`, and empty `subject` and `html`. */
const MessageResponse = Type.Object({
  id: Type.String(),
  channel: OneOf(['email', 'sms'] as const),
  to: Type.String(),
  from: Type.String({ description: "The From when it is not the server's own sender (a passwordless connection's `options.email.from`); empty otherwise" }),
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
  created_at: Type.String(),
});
const _messageDeclared: DeclaresAll<OutboxMessage, Static<typeof MessageResponse>> = true;

export const tesseraOutboxRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/tessera/outbox', { config: anyOf('read:dev_outbox'), schema: { querystring: ListQuery, response: { 200: OffsetListSchema('messages', MessageResponse) } } }, async (request) => {
    const query = request.query;
    const { items, total } = await readOutbox(services.storage, request.tenant.id, { to: query.to, channel: query.channel }, pageOf(query));
    return paginated('messages', query, items, total);
  });
};
