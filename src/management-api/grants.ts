/**
 * `/api/v2/grants`: users' consent to applications (the SDKs' `userGrants` / `grants`). List with
 * filters `user_id`, `client_id`, `audience` and offset pagination; delete one by id, or all of a
 * user's with `DELETE /grants?user_id=`. A deleted grant makes the consent page appear again.
 * Grants of OpenID Connect scopes alone carry the tenant's `/userinfo` URL as audience, as in Auth0.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { toUserGrant, type UserGrant } from '../domain/consent/consent-service.js';
import { OffsetListSchema, PaginationQuery, pageOf, paginated } from './pagination.js';
import { NoContent, type DeclaresAll } from './schema.js';
import { anyOf } from './scopes.js';

const ListQuery = Type.Intersect([
  PaginationQuery,
  Type.Object({
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    audience: Type.Optional(Type.String({ minLength: 1, maxLength: 600 })),
  }),
]);

const DeleteByUserQuery = Type.Object({ user_id: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** A user's consent to an application (Auth0's field names, `clientID` included). */
const GrantResponse = Type.Object({ id: Type.String(), clientID: Type.String(), user_id: Type.String(), audience: Type.String(), scope: Type.Array(Type.String()) });
const _grantDeclared: DeclaresAll<UserGrant, Static<typeof GrantResponse>> = true;

const userinfoAudience = (request: FastifyRequest): string => `${request.issuer}userinfo`;

export const grantRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/grants', { config: anyOf('read:grants'), schema: { querystring: ListQuery, response: { 200: OffsetListSchema('grants', GrantResponse) } } }, async (request) => {
    const query = request.query;
    const userinfo = userinfoAudience(request);
    const grants = await services.consent.list(request.tenant.id, {
      ...(query.user_id !== undefined ? { userId: query.user_id } : {}),
      ...(query.client_id !== undefined ? { clientId: query.client_id } : {}),
      ...(query.audience !== undefined ? { audience: query.audience === userinfo ? '' : query.audience } : {}),
    });
    const { offset, limit } = pageOf(query);
    return paginated('grants', query, grants.slice(offset, offset + limit).map((grant) => toUserGrant(grant, userinfo)), grants.length);
  });

  app.delete('/grants/:id', { config: anyOf('delete:grants'), schema: { params: IdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await services.consent.delete(request.tenant.id, request.params.id);
    return reply.code(204).send();
  });

  app.delete('/grants', { config: anyOf('delete:grants'), schema: { querystring: DeleteByUserQuery, response: { 204: NoContent } } }, async (request, reply) => {
    await services.consent.deleteForUser(request.tenant.id, request.query.user_id);
    return reply.code(204).send();
  });
};
