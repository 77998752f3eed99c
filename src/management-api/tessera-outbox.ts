/**
 * `GET /api/v2/tessera/outbox` — a TESSERA EXTENSION, not part of Auth0's Management API.
 * Without `SMTP_URL`, the emails the server sends (password reset links...) are kept in the
 * database instead; this lists them, newest first, optionally only those `to` one address, for
 * tests and local development. Needs `read:email_provider` (whoever may read the email set-up may
 * read what it would have sent). With SMTP configured, nothing is kept and the list is empty.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { readOutbox } from '../domain/delivery/outbox-sender.js';
import { PaginationQuery, pageOf, paginated } from './pagination.js';
import { anyOf } from './scopes.js';

const ListQuery = Type.Intersect([PaginationQuery, Type.Object({ to: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })) })]);

export const tesseraOutboxRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/tessera/outbox', { config: anyOf('read:email_provider'), schema: { querystring: ListQuery } }, async (request) => {
    const query = request.query as PaginationQuery & { to?: string };
    const { items, total } = await readOutbox(services.storage, request.tenant.id, query.to, pageOf(query));
    return paginated('messages', query, items, total);
  });
};
