/** `/api/v2/resource-servers`: create, list, get (by id or identifier), delete. */
import { Type } from '@sinclair/typebox';
import { OneOf } from './schema.js';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { CreateResourceServerInput } from '../domain/resource-servers/resource-server-service.js';
import { FieldsQuery, PaginationQuery, pageOf, paginated, project } from './pagination.js';
import { anyOf } from './scopes.js';

const ScopeEntry = Type.Object(
  { value: Type.String({ minLength: 1, maxLength: 280 }), description: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

const CreateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^<>]+$' })),
    identifier: Type.String({ minLength: 1, maxLength: 600 }),
    scopes: Type.Optional(Type.Array(ScopeEntry, { maxItems: 1000 })),
    signing_alg: Type.Optional(OneOf(['HS256', 'RS256', 'PS256', 'ES256'] as const)),
    signing_secret: Type.Optional(Type.String({ minLength: 16, maxLength: 1000 })),
    token_lifetime: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })),
    token_lifetime_for_web: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })),
    allow_offline_access: Type.Optional(Type.Boolean()),
    skip_consent_for_verifiable_first_party_clients: Type.Optional(Type.Boolean()),
    enforce_policies: Type.Optional(Type.Boolean()),
    token_dialect: Type.Optional(OneOf(['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'] as const)),
    subject_type_authorization: Type.Optional(
      Type.Object(
        {
          user: Type.Optional(Type.Object({ policy: OneOf(['allow_all', 'require_client_grant', 'deny_all'] as const) }, { additionalProperties: false })),
          client: Type.Optional(Type.Object({ policy: OneOf(['require_client_grant', 'deny_all'] as const) }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Intersect([PaginationQuery, FieldsQuery, Type.Object({ identifiers: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })) })]);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 600 }) });

export const resourceServerRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/resource-servers', { config: anyOf('create:resource_servers'), schema: { body: CreateBody } }, async (request, reply) => {
    const api = await services.resourceServers.create(request.tenant.id, request.tenant.domain, request.body as CreateResourceServerInput);
    return reply.code(201).send(api);
  });

  app.get('/resource-servers', { config: anyOf('read:resource_servers'), schema: { querystring: ListQuery } }, async (request) => {
    const query = request.query as PaginationQuery & { fields?: string; include_fields?: boolean; identifiers?: string[] };
    const { items, total } = await services.resourceServers.list(request.tenant.id, pageOf(query), query.identifiers);
    return paginated('resource_servers', query, items.map((api) => project(api, query.fields, query.include_fields)), total);
  });

  app.get('/resource-servers/:id', { config: anyOf('read:resource_servers'), schema: { params: IdParams, querystring: FieldsQuery } }, async (request) => {
    const query = request.query as { fields?: string; include_fields?: boolean };
    const api = await services.resourceServers.get(request.tenant.id, (request.params as { id: string }).id);
    return project(api, query.fields, query.include_fields);
  });

  app.delete('/resource-servers/:id', { config: anyOf('delete:resource_servers'), schema: { params: IdParams } }, async (request, reply) => {
    await services.resourceServers.delete(request.tenant.id, (request.params as { id: string }).id);
    return reply.code(204).send();
  });
};
