/**
 * `/api/v2/clients`: create, list, get, update, delete, rotate-secret. Secrets are shown only to
 * tokens with `read:client_keys` (and once, in the creation response); setting one needs
 * `update:client_keys`. Every application is answered with Auth0's read-only `signing_keys`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { APP_TYPES, ASYNC_APPROVAL_CHANNELS, GRANT_TYPES, type Client } from '../domain/clients/client.js';
import type { ClientFilter } from '../domain/clients/client-service.js';
import { enableAllConnectionsForClient } from '../domain/connections/connection-service.js';
import { ManagementApiError } from '../http/errors.js';
import { FieldsQuery, OffsetListSchema, PaginationQuery, pageOf, paginated, project } from './pagination.js';
import { NoContent, Nullable, OneOf } from './schema.js';
import { COMPLIANCE_LEVELS, ClientResponse, ClientSigningKeyOut, ORGANIZATION_REQUIRE_BEHAVIORS, ORGANIZATION_USAGES, TOKEN_ENDPOINT_AUTH_METHODS } from './schemas/clients.js';
import { anyOf } from './scopes.js';
import { authenticationMethodsOf } from '../domain/clients/authentication-methods.js';
import { PUSHED_AUTHORIZATION_SETTINGS, checkPushedAuthorizationSetting } from '../domain/clients/client-rules.js';
import { tenantFeatures } from '../domain/tenants/features.js';
import { CreateAuthenticationMethods, CreateSignedRequestObject, UpdateAuthenticationMethods, UpdateSignedRequestObject } from './schemas/client-credentials.js';

const Url = Type.String({ minLength: 1, maxLength: 2000 });
const UrlList = Type.Array(Url, { maxItems: 200 });
const Bool = Type.Boolean();
/**
 * Auth0 objects whose inner shape is Auth0's to define. Those Tessera does not implement are accepted
 * only empty or off: domain/unsupported-settings.ts refuses anything else.
 */
const OpaqueObject = Type.Object({}, { additionalProperties: true });

const JwtConfiguration = Type.Object(
  {
    alg: Type.Optional(OneOf(['HS256', 'RS256', 'PS256', 'RS512'] as const)),
    lifetime_in_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })),
    secret_encoded: Type.Optional(Bool),
    scopes: Type.Optional(OpaqueObject),
  },
  { additionalProperties: false },
);

const RefreshToken = Type.Object(
  {
    rotation_type: Type.Optional(OneOf(['rotating', 'non-rotating'] as const)),
    expiration_type: Type.Optional(OneOf(['expiring', 'non-expiring'] as const)),
    leeway: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    token_lifetime: Type.Optional(Type.Integer({ minimum: 1, maximum: 157_788_000 })),
    infinite_token_lifetime: Type.Optional(Bool),
    idle_token_lifetime: Type.Optional(Type.Integer({ minimum: 1, maximum: 157_788_000 })),
    infinite_idle_token_lifetime: Type.Optional(Bool),
    policies: Type.Optional(Nullable(Type.Array(Type.Object({ audience: Type.String(), scope: Type.Array(Type.String()) }, { additionalProperties: false })))),
  },
  { additionalProperties: false },
);

const Mobile = Type.Object(
  {
    android: Type.Optional(
      Type.Object(
        { app_package_name: Type.Optional(Type.String({ maxLength: 255 })), sha256_cert_fingerprints: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 20 })) },
        { additionalProperties: false },
      ),
    ),
    ios: Type.Optional(
      Type.Object({ team_id: Type.Optional(Type.String({ maxLength: 255 })), app_bundle_identifier: Type.Optional(Type.String({ maxLength: 255 })) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

/** The fields a create and an update share: Auth0's client object (see the SDK's CreateClientRequestContent). */
const clientFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.String({ maxLength: 140 }),
  logo_uri: Type.String({ format: 'uri', maxLength: 2000 }),
  app_type: OneOf(APP_TYPES),
  is_first_party: Bool,
  oidc_conformant: Bool,
  callbacks: UrlList,
  allowed_origins: UrlList,
  web_origins: UrlList,
  allowed_logout_urls: UrlList,
  client_aliases: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 }),
  allowed_clients: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }),
  grant_types: Type.Array(OneOf(GRANT_TYPES), { uniqueItems: true }),
  token_endpoint_auth_method: Nullable(OneOf(TOKEN_ENDPOINT_AUTH_METHODS)),
  is_token_endpoint_ip_header_trusted: Bool,
  jwt_configuration: JwtConfiguration,
  client_metadata: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 255 })),
  mobile: Mobile,
  initiate_login_uri: Type.String({ maxLength: 2000 }),
  sso: Bool,
  sso_disabled: Bool,
  cross_origin_authentication: Bool,
  cross_origin_loc: Type.String({ maxLength: 2000 }),
  custom_login_page_on: Bool,
  custom_login_page: Type.String({ maxLength: 1_000_000 }),
  custom_login_page_preview: Type.String({ maxLength: 1_000_000 }),
  form_template: Type.String({ maxLength: 1_000_000 }),
  addons: OpaqueObject,
  refresh_token: Nullable(RefreshToken),
  organization_usage: OneOf(ORGANIZATION_USAGES),
  organization_require_behavior: OneOf(ORGANIZATION_REQUIRE_BEHAVIORS),
  require_pushed_authorization_requests: Bool,
  require_proof_of_possession: Bool,
  par_request_expiry: Nullable(Type.Integer({ minimum: 5, maximum: 600 })),
  async_approval_notification_channels: Nullable(Type.Array(OneOf(ASYNC_APPROVAL_CHANNELS), { uniqueItems: true, maxItems: ASYNC_APPROVAL_CHANNELS.length })),
  compliance_level: Nullable(OneOf(COMPLIANCE_LEVELS)),
  skip_non_verifiable_callback_uri_confirmation_prompt: Nullable(Bool),
  native_social_login: OpaqueObject,
  oidc_logout: OpaqueObject,
  oidc_backchannel_logout: OpaqueObject,
  default_organization: Nullable(OpaqueObject),
  encryption_key: Nullable(OpaqueObject),
  session_transfer: Nullable(OpaqueObject),
} satisfies Record<string, TSchema>;

const { name, ...createOptional } = clientFields;
const CreateBody = Type.Object(
  { name, ...Type.Partial(Type.Object(createOptional)).properties, client_authentication_methods: Type.Optional(Nullable(CreateAuthenticationMethods)), signed_request_object: Type.Optional(Nullable(CreateSignedRequestObject)) },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  { ...Type.Partial(Type.Object(clientFields)).properties, client_authentication_methods: Type.Optional(Nullable(UpdateAuthenticationMethods)), signed_request_object: Type.Optional(Nullable(UpdateSignedRequestObject)), client_secret: Type.Optional(Type.String({ minLength: 32, maxLength: 255 })) },
  { additionalProperties: false, minProperties: 1 },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const ListQuery = Type.Intersect([
  PaginationQuery,
  FieldsQuery,
  Type.Object({ app_type: Type.Optional(Type.String({ maxLength: 500 })), is_first_party: Type.Optional(Bool), is_global: Type.Optional(Bool) }),
]);

type ClientView = Partial<Client> & { signing_keys?: Array<Static<typeof ClientSigningKeyOut>> };

/**
 * Auth0's `signing_keys` on every application it answers with: the certificate its tokens are
 * signed with, which is the tenant's application signing key (the current RS256 key) for all of them.
 */
async function signingKeysOf(services: Services, tenantId: string): Promise<Array<Static<typeof ClientSigningKeyOut>>> {
  const certificate = (await services.keys.keyRing(tenantId)).applicationCertificate();
  return certificate ? [{ cert: certificate.pem, pkcs7: certificate.pkcs7, subject: certificate.subject }] : [];
}

/**
 * Secrets need `read:client_keys`; without it the client is shown without them. An application that
 * authenticates with credentials (client_authentication_methods) shows no secret at all until it is
 * reverted to a secret method (docs: "The client_secret parameter will be hidden once the Private
 * Key JWT configuration is complete").
 */
function visible(request: FastifyRequest, client: Client, signingKeys: ClientView['signing_keys']): ClientView {
  if (request.grantedScopes?.has('read:client_keys') && !authenticationMethodsOf(client)) return { ...client, signing_keys: signingKeys };
  const { client_secret: _secret, ...rest } = client;
  return { ...rest, signing_keys: signingKeys };
}

export const clientRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post('/clients', { config: anyOf('create:clients'), schema: { body: CreateBody, response: { 201: ClientResponse } } }, async (request, reply) => {
    // Auth0 ("Create a client"): configuring client_authentication_methods (credentials given inline) needs create:client_credentials.
    if (request.body.client_authentication_methods != null && !request.grantedScopes?.has('create:client_credentials')) throw insufficientScope('create:client_credentials');
    for (const field of PUSHED_AUTHORIZATION_SETTINGS) checkPushedAuthorizationSetting(field, request.body, tenantFeatures(request.tenant.settings).pushedAuthorizationRequests);
    // signed_request_object (JAR) associates credentials the same way (docs: "behaves similarly to ... private_key_jwt.credentials").
    if (request.body.signed_request_object != null && !request.grantedScopes?.has('create:client_credentials')) throw insufficientScope('create:client_credentials');
    // Tenant flag enable_client_connections (default on): the new application gets every existing connection.
    const enableConnections = request.tenant.settings.flags.enable_client_connections !== false;
    const client = await services.clients.create(request.tenant.id, request.tenant.name, request.body, enableConnections ? { afterInsert: (repos, created) => enableAllConnectionsForClient(repos, request.tenant.id, created.client_id) } : {});
    // Like Auth0, the creation response shows the new secret once, whatever the caller's read scopes.
    return reply.code(201).send({ ...client, signing_keys: await signingKeysOf(services, request.tenant.id) });
  });

  app.get('/clients', { config: anyOf('read:clients', 'read:client_keys'), schema: { querystring: ListQuery, response: { 200: OffsetListSchema('clients', ClientResponse) } } }, async (request) => {
    const query = request.query;
    const filter: ClientFilter = {
      ...(query.app_type ? { appTypes: query.app_type.split(',').map((t) => t.trim()) } : {}),
      ...(query.is_first_party !== undefined ? { isFirstParty: query.is_first_party } : {}),
      ...(query.is_global !== undefined ? { isGlobal: query.is_global } : {}),
    };
    const { items, total } = await services.clients.list(request.tenant.id, request.tenant.name, filter, pageOf(query));
    const signingKeys = await signingKeysOf(services, request.tenant.id);
    return paginated('clients', query, items.map((c) => project(visible(request, c, signingKeys), query.fields, query.include_fields)), total);
  });

  app.get('/clients/:id', { config: anyOf('read:clients', 'read:client_keys'), schema: { params: IdParams, querystring: FieldsQuery, response: { 200: ClientResponse } } }, async (request) => {
    const client = await services.clients.get(request.tenant.id, request.tenant.name, request.params.id);
    return project(visible(request, client, await signingKeysOf(services, request.tenant.id)), request.query.fields, request.query.include_fields);
  });

  app.patch('/clients/:id', { config: anyOf('update:clients', 'update:client_keys'), schema: { params: IdParams, body: UpdateBody, response: { 200: ClientResponse } } }, async (request) => {
    const patch = request.body;
    const granted = request.grantedScopes!;
    if (patch.client_secret !== undefined && !granted.has('update:client_keys')) throw insufficientScope('update:client_keys');
    if (Object.keys(patch).some((field) => field !== 'client_secret') && !granted.has('update:clients')) throw insufficientScope('update:clients');
    // Auth0 ("Update a client"): configuring client_authentication_methods (null included) needs update:client_credentials.
    if (patch.client_authentication_methods !== undefined && !granted.has('update:client_credentials')) throw insufficientScope('update:client_credentials');
    for (const field of PUSHED_AUTHORIZATION_SETTINGS) checkPushedAuthorizationSetting(field, patch, tenantFeatures(request.tenant.settings).pushedAuthorizationRequests);
    if (patch.signed_request_object !== undefined && !granted.has('update:client_credentials')) throw insufficientScope('update:client_credentials');
    const client = await services.clients.update(request.tenant.id, request.tenant.name, request.params.id, patch);
    return visible(request, client, await signingKeysOf(services, request.tenant.id));
  });

  app.post('/clients/:id/rotate-secret', { config: anyOf('update:client_keys'), schema: { params: IdParams, response: { 200: ClientResponse } } }, async (request) => {
    const client = await services.clients.rotateSecret(request.tenant.id, request.tenant.name, request.params.id);
    return { ...client, signing_keys: await signingKeysOf(services, request.tenant.id) };
  });

  app.delete('/clients/:id', { config: anyOf('delete:clients'), schema: { params: IdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await services.clients.delete(request.tenant.id, request.params.id);
    return reply.code(204).send();
  });
};

const insufficientScope = (scope: string) => new ManagementApiError(403, `Insufficient scope; expected any of: ${scope}.`, 'insufficient_scope');
