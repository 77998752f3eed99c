/** `/api/v2/resource-servers`: create, list, get (by id or identifier), delete. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NoContent, Nullable, OneOf } from './schema.js';
import type { Services } from '../domain/services.js';
import { FieldsQuery, OffsetListSchema, PaginationQuery, pageOf, paginated, project } from './pagination.js';
import { CLIENT_POLICIES, CONSENT_POLICIES, ResourceServerResponse, SIGNING_ALGS, TOKEN_DIALECTS, USER_POLICIES } from './schemas/resource-servers.js';
import { presentResourceServer } from '../domain/resource-servers/resource-server.js';
import {
  JWE_KEY_ALGS,
  MAX_JWE_KEY_NAME_LENGTH,
  MAX_JWE_KID_LENGTH,
  MAX_JWE_PEM_LENGTH,
  TOKEN_ENCRYPTION_FORMATS,
} from '../domain/resource-servers/token-encryption.js';
import { anyOf } from './scopes.js';
import { DETAILS_TYPE_PATTERN, MAX_DETAILS_TYPE_LENGTH, MAX_REGISTERED_DETAILS_TYPES } from '../domain/oidc/authorization-details.js';

const ScopeEntry = Type.Object(
  { value: Type.String({ minLength: 1, maxLength: 280 }), description: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

/** Fields a create and an update share (see the SDK's CreateResourceServerRequestContent). */
const apiFields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^<>]+$' }),
  scopes: Type.Array(ScopeEntry, { maxItems: 1000 }),
  signing_alg: OneOf(SIGNING_ALGS),
  signing_secret: Type.String({ minLength: 16, maxLength: 1000 }),
  token_lifetime: Type.Integer({ minimum: 0, maximum: 2_592_000 }),
  token_lifetime_for_web: Type.Integer({ minimum: 0, maximum: 2_592_000 }),
  allow_offline_access: Type.Boolean(),
  allow_online_access: Type.Boolean(),
  skip_consent_for_verifiable_first_party_clients: Type.Boolean(),
  enforce_policies: Type.Boolean(),
  token_dialect: OneOf(TOKEN_DIALECTS),
  subject_type_authorization: Type.Object(
    {
      user: Type.Optional(Type.Object({ policy: OneOf(USER_POLICIES) }, { additionalProperties: false })),
      client: Type.Optional(Type.Object({ policy: OneOf(CLIENT_POLICIES) }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
  // JWE access tokens (domain/resource-servers/token-encryption.ts): Auth0's schema, closed; the
  // whole object in every write (or the answer sent back unchanged). Transactional consent is refused
  // by domain/unsupported-settings.ts.
  token_encryption: Nullable(
    Type.Object(
      {
        format: OneOf(TOKEN_ENCRYPTION_FORMATS),
        encryption_key: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_JWE_KEY_NAME_LENGTH })),
            alg: OneOf(JWE_KEY_ALGS),
            kid: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_JWE_KID_LENGTH })),
            // Required but in an unchanged copy of the answer, which carries the computed thumbprint instead.
            pem: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_JWE_PEM_LENGTH })),
            thumbprint_sha256: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  ),
  consent_policy: Nullable(OneOf(CONSENT_POLICIES)),
  // The types of rich authorization requests the API accepts (domain/oidc/authorization-details.ts);
  // the whole list in every write, each entry only its type.
  authorization_details: Nullable(
    Type.Array(
      Type.Object({ type: Type.String({ minLength: 1, maxLength: MAX_DETAILS_TYPE_LENGTH, pattern: DETAILS_TYPE_PATTERN }) }, { additionalProperties: false }),
      { maxItems: MAX_REGISTERED_DETAILS_TYPES },
    ),
  ),
  proof_of_possession: Nullable(Type.Object({}, { additionalProperties: true })),
};

const CreateBody = Type.Object(
  { identifier: Type.String({ minLength: 1, maxLength: 600 }), ...Type.Partial(Type.Object(apiFields)).properties },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(Type.Partial(Type.Object(apiFields)).properties, { additionalProperties: false, minProperties: 1 });

const ListQuery = Type.Intersect([PaginationQuery, FieldsQuery, Type.Object({ identifiers: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })) })]);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 600 }) });

export const resourceServerRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post('/resource-servers', { config: anyOf('create:resource_servers'), schema: { body: CreateBody, response: { 201: ResourceServerResponse } } }, async (request, reply) => {
    const api = await services.resourceServers.create(request.tenant.id, request.tenant.domain, request.body);
    return reply.code(201).send(presentResourceServer(api));
  });

  app.get('/resource-servers', { config: anyOf('read:resource_servers'), schema: { querystring: ListQuery, response: { 200: OffsetListSchema('resource_servers', ResourceServerResponse) } } }, async (request) => {
    const query = request.query;
    const { items, total } = await services.resourceServers.list(request.tenant.id, pageOf(query), query.identifiers);
    return paginated('resource_servers', query, items.map((api) => project(presentResourceServer(api), query.fields, query.include_fields)), total);
  });

  app.get('/resource-servers/:id', { config: anyOf('read:resource_servers'), schema: { params: IdParams, querystring: FieldsQuery, response: { 200: ResourceServerResponse } } }, async (request) => {
    const api = await services.resourceServers.get(request.tenant.id, request.params.id);
    return project(presentResourceServer(api), request.query.fields, request.query.include_fields);
  });

  app.patch('/resource-servers/:id', { config: anyOf('update:resource_servers'), schema: { params: IdParams, body: UpdateBody, response: { 200: ResourceServerResponse } } }, async (request) => {
    return presentResourceServer(await services.resourceServers.update(request.tenant.id, request.tenant.domain, request.params.id, request.body));
  });

  app.delete('/resource-servers/:id', { config: anyOf('delete:resource_servers'), schema: { params: IdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await services.resourceServers.delete(request.tenant.id, request.params.id);
    return reply.code(204).send();
  });
};
