/** `/api/v2/clients`: create, list, get, delete. Secrets are shown only to tokens with `read:client_keys`. */
import { Type } from '@sinclair/typebox';
import { OneOf } from './schema.js';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import type { CreateClientInput } from '../domain/clients/client-service.js';
import { FieldsQuery, PaginationQuery, pageOf, paginated, project } from './pagination.js';
import { anyOf } from './scopes.js';

/** Every grant type an application may list (docs: application grant types). */
const GRANT_TYPES = [
  'implicit', 'authorization_code', 'client_credentials', 'password', 'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code', 'http://auth0.com/oauth/grant-type/password-realm',
  'http://auth0.com/oauth/grant-type/mfa-oob', 'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-recovery-code', 'http://auth0.com/oauth/grant-type/passwordless/otp',
  'urn:openid:params:grant-type:ciba',
] as const;

const UrlList = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 100 });

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^<>]+$' }),
    description: Type.Optional(Type.String({ maxLength: 140 })),
    app_type: Type.Optional(OneOf(['native', 'spa', 'regular_web', 'non_interactive'] as const)),
    logo_uri: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
    is_first_party: Type.Optional(Type.Boolean()),
    oidc_conformant: Type.Optional(Type.Boolean()),
    callbacks: Type.Optional(UrlList),
    allowed_origins: Type.Optional(UrlList),
    web_origins: Type.Optional(UrlList),
    allowed_logout_urls: Type.Optional(UrlList),
    grant_types: Type.Optional(Type.Array(OneOf(GRANT_TYPES), { uniqueItems: true })),
    token_endpoint_auth_method: Type.Optional(OneOf(['none', 'client_secret_post', 'client_secret_basic'] as const)),
    jwt_configuration: Type.Optional(
      Type.Object(
        {
          alg: Type.Optional(OneOf(['HS256', 'RS256', 'PS256'] as const)),
          lifetime_in_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })),
          secret_encoded: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    client_metadata: Type.Optional(Type.Record(Type.String({ maxLength: 255 }), Type.String({ maxLength: 255 }), { maxProperties: 10 })),
    cross_origin_authentication: Type.Optional(Type.Boolean()),
    is_token_endpoint_ip_header_trusted: Type.Optional(Type.Boolean()),
    client_secret: Type.Optional(Type.String({ minLength: 32, maxLength: 255 })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const ListQuery = Type.Intersect([PaginationQuery, FieldsQuery]);

/** Secrets need `read:client_keys`; without it the client is shown without them. */
function visible(request: FastifyRequest, client: Client): Partial<Client> {
  if (request.grantedScopes?.has('read:client_keys')) return client;
  const { client_secret: _secret, ...rest } = client;
  return rest;
}

export const clientRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/clients', { config: anyOf('create:clients'), schema: { body: CreateBody } }, async (request, reply) => {
    const client = await services.clients.create(request.tenant.id, request.tenant.name, request.body as CreateClientInput);
    // Like Auth0, the creation response shows the new secret once, whatever the caller's read scopes.
    return reply.code(201).send(client);
  });

  app.get('/clients', { config: anyOf('read:clients', 'read:client_keys'), schema: { querystring: ListQuery } }, async (request) => {
    const query = request.query as PaginationQuery & { fields?: string; include_fields?: boolean };
    const { items, total } = await services.clients.list(request.tenant.id, request.tenant.name, pageOf(query));
    return paginated('clients', query, items.map((c) => project(visible(request, c), query.fields, query.include_fields)), total);
  });

  app.get('/clients/:id', { config: anyOf('read:clients', 'read:client_keys'), schema: { params: IdParams, querystring: FieldsQuery } }, async (request) => {
    const query = request.query as { fields?: string; include_fields?: boolean };
    const client = await services.clients.get(request.tenant.id, request.tenant.name, (request.params as { id: string }).id);
    return project(visible(request, client), query.fields, query.include_fields);
  });

  app.delete('/clients/:id', { config: anyOf('delete:clients'), schema: { params: IdParams } }, async (request, reply) => {
    await services.clients.delete(request.tenant.id, (request.params as { id: string }).id);
    return reply.code(204).send();
  });
};
