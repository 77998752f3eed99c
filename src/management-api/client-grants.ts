/** `/api/v2/client-grants`: create, list (filters audience, client_id, subject_type), delete. */
import { Type } from '@sinclair/typebox';
import { OneOf } from './schema.js';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { CreateClientGrantInput } from '../domain/client-grants/client-grant-service.js';
import { PaginationQuery, pageOf, paginated } from './pagination.js';
import { anyOf } from './scopes.js';

const SubjectType = OneOf(['client', 'user'] as const);

const CreateBody = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 64 }),
    audience: Type.String({ minLength: 1, maxLength: 600 }),
    scope: Type.Array(Type.String({ minLength: 1, maxLength: 280 }), { maxItems: 1000 }),
    subject_type: Type.Optional(SubjectType),
    allow_all_scopes: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Intersect([
  PaginationQuery,
  Type.Object({ audience: Type.Optional(Type.String({ maxLength: 600 })), client_id: Type.Optional(Type.String({ maxLength: 64 })), subject_type: Type.Optional(SubjectType) }),
]);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const clientGrantRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/client-grants', { config: anyOf('create:client_grants'), schema: { body: CreateBody } }, async (request, reply) => {
    const grant = await services.clientGrants.create(request.tenant.id, request.body as CreateClientGrantInput);
    return reply.code(201).send(grant);
  });

  app.get('/client-grants', { config: anyOf('read:client_grants'), schema: { querystring: ListQuery } }, async (request) => {
    const query = request.query as PaginationQuery & { audience?: string; client_id?: string; subject_type?: 'client' | 'user' };
    const filter = {
      ...(query.audience !== undefined ? { audience: query.audience } : {}),
      ...(query.client_id !== undefined ? { clientId: query.client_id } : {}),
      ...(query.subject_type !== undefined ? { subjectType: query.subject_type } : {}),
    };
    const { items, total } = await services.clientGrants.list(request.tenant.id, filter, pageOf(query));
    return paginated('client_grants', query, items, total);
  });

  app.delete('/client-grants/:id', { config: anyOf('delete:client_grants'), schema: { params: IdParams } }, async (request, reply) => {
    await services.clientGrants.delete(request.tenant.id, (request.params as { id: string }).id);
    return reply.code(204).send();
  });
};
