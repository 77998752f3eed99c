/**
 * `/api/v2/custom-domains`: list, create, get, update, delete and verify the tenant's custom domains
 * (domain/tenants/custom-domains.ts holds the rules: self-managed certificates only, DNS TXT
 * verification, only a ready domain serves the tenant).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import { CLIENT_IP_HEADERS, CUSTOM_DOMAIN_TYPES, METADATA_LIMITS, TLS_POLICIES, type CustomDomain } from '../domain/tenants/custom-domains.js';
import { NoContent, Nullable, OneOf } from './schema.js';
import { FieldsQuery, project } from './pagination.js';
import { CustomDomainResponse } from './schemas/custom-domains.js';
import { anyOf } from './scopes.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
/** Key and value limits are checked by the service (after a PATCH's merge), with messages naming the key. */
const Metadata = Type.Record(Type.String(), Nullable(Type.String()), { maxProperties: METADATA_LIMITS.keys });
const ClientIpHeader = Nullable(OneOf(CLIENT_IP_HEADERS));

const CreateBody = Type.Object(
  {
    // A host name has at most 253 characters; the service checks its form.
    domain: Type.String({ minLength: 1, maxLength: 253 }),
    type: OneOf(CUSTOM_DOMAIN_TYPES),
    verification_method: Type.Optional(OneOf(['txt'])),
    tls_policy: Type.Optional(OneOf(TLS_POLICIES)),
    custom_client_ip_header: Type.Optional(ClientIpHeader),
    domain_metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    tls_policy: Type.Optional(OneOf(TLS_POLICIES)),
    custom_client_ip_header: Type.Optional(ClientIpHeader),
    domain_metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object({
  ...FieldsQuery.properties,
  /** Auth0: only `domain:1` (ascending) is supported; `domain:-1` is its reverse. */
  sort: Type.Optional(OneOf(['domain:1', 'domain:-1'])),
});

export const customDomainRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/custom-domains', { config: anyOf('read:custom_domains'), schema: { querystring: ListQuery, response: { 200: Type.Array(CustomDomainResponse) } } }, async (request) => {
    const { fields, include_fields, sort } = request.query;
    const domains = await services.customDomains.list(request.tenant.id);
    if (sort === 'domain:-1') domains.reverse();
    return domains.map((d) => project<CustomDomain>(d, fields, include_fields));
  });

  app.post('/custom-domains', { config: anyOf('create:custom_domains'), schema: { body: CreateBody, response: { 201: CustomDomainResponse } } }, async (request, reply) => {
    return reply.code(201).send(await services.customDomains.create(request.tenant, request.body));
  });

  app.get('/custom-domains/:id', { config: anyOf('read:custom_domains'), schema: { params: IdParams, response: { 200: CustomDomainResponse } } }, async (request) =>
    services.customDomains.get(request.tenant.id, request.params.id),
  );

  app.patch('/custom-domains/:id', { config: anyOf('update:custom_domains'), schema: { params: IdParams, body: UpdateBody, response: { 200: CustomDomainResponse } } }, async (request) =>
    services.customDomains.update(request.tenant.id, request.params.id, request.body),
  );

  app.delete('/custom-domains/:id', { config: anyOf('delete:custom_domains'), schema: { params: IdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await services.customDomains.delete(request.tenant.id, request.params.id);
    return reply.code(204).send();
  });

  app.post('/custom-domains/:id/verify', { config: anyOf('create:custom_domains'), schema: { params: IdParams, response: { 200: CustomDomainResponse } } }, async (request) =>
    services.customDomains.verify(request.tenant.id, request.params.id),
  );
};
