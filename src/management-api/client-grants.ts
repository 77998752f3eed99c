/**
 * `/api/v2/client-grants`: create, list (filters audience, client_id, subject_type; offset or
 * checkpoint pagination), get, update, delete.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import { CheckpointQuery, OffsetOrCheckpointListSchema, PaginationQuery, checkpoint, pageOf, paginated, usesCheckpoint } from './pagination.js';
import { NoContent, Nullable, OneOf } from './schema.js';
import { ClientGrantResponse, GRANT_ORGANIZATION_USAGES, SUBJECT_TYPES } from './schemas/client-grants.js';
import { anyOf } from './scopes.js';

const SubjectType = OneOf(SUBJECT_TYPES);
const OrganizationUsage = OneOf(GRANT_ORGANIZATION_USAGES);
const Scopes = Type.Array(Type.String({ minLength: 1, maxLength: 280 }), { maxItems: 1000 });
const DetailsTypes = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 });

const CreateBody = Type.Object(
  {
    client_id: Type.String({ minLength: 1, maxLength: 64 }),
    audience: Type.String({ minLength: 1, maxLength: 600 }),
    scope: Type.Optional(Scopes),
    subject_type: Type.Optional(SubjectType),
    allow_all_scopes: Type.Optional(Type.Boolean()),
    organization_usage: Type.Optional(OrganizationUsage),
    allow_any_organization: Type.Optional(Type.Boolean()),
    authorization_details_types: Type.Optional(DetailsTypes),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    scope: Type.Optional(Nullable(Scopes)),
    allow_all_scopes: Type.Optional(Nullable(Type.Boolean())),
    organization_usage: Type.Optional(Nullable(OrganizationUsage)),
    allow_any_organization: Type.Optional(Nullable(Type.Boolean())),
    authorization_details_types: Type.Optional(DetailsTypes),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ListQuery = Type.Intersect([
  PaginationQuery,
  CheckpointQuery,
  Type.Object({
    audience: Type.Optional(Type.String({ maxLength: 600 })),
    client_id: Type.Optional(Type.String({ maxLength: 64 })),
    subject_type: Type.Optional(SubjectType),
  }),
]);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const clientGrantRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post('/client-grants', { config: anyOf('create:client_grants'), schema: { body: CreateBody, response: { 201: ClientGrantResponse } } }, async (request, reply) => {
    const body = request.body;
    const grant = await services.clientGrants.create(request.tenant.id, { ...body, scope: body.scope ?? [] });
    return reply.code(201).send(grant);
  });

  app.get('/client-grants', { config: anyOf('read:client_grants'), schema: { querystring: ListQuery, response: { 200: OffsetOrCheckpointListSchema('client_grants', ClientGrantResponse) } } }, async (request) => {
    const query = request.query;
    const grants = await services.clientGrants.list(request.tenant.id, {
      ...(query.audience !== undefined ? { audience: query.audience } : {}),
      ...(query.client_id !== undefined ? { clientId: query.client_id } : {}),
      ...(query.subject_type !== undefined ? { subjectType: query.subject_type } : {}),
    });
    if (usesCheckpoint(query)) return checkpoint('client_grants', grants, (g) => g.id, query);
    const { offset, limit } = pageOf(query);
    return paginated('client_grants', query, grants.slice(offset, offset + limit), grants.length);
  });

  app.get('/client-grants/:id', { config: anyOf('read:client_grants'), schema: { params: IdParams, response: { 200: ClientGrantResponse } } }, async (request) => {
    return services.clientGrants.get(request.tenant.id, request.params.id);
  });

  app.patch('/client-grants/:id', { config: anyOf('update:client_grants'), schema: { params: IdParams, body: UpdateBody, response: { 200: ClientGrantResponse } } }, async (request) => {
    return services.clientGrants.update(request.tenant.id, request.params.id, request.body);
  });

  app.delete('/client-grants/:id', { config: anyOf('delete:client_grants'), schema: { params: IdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await services.clientGrants.delete(request.tenant.id, request.params.id);
    return reply.code(204).send();
  });
};
