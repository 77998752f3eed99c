/**
 * `/api/v2/grants`: users' consent to applications (the SDKs' `userGrants` / `grants`). List with
 * filters `user_id`, `client_id`, `audience` and offset pagination; delete one by id, or all of a
 * user's with `DELETE /grants?user_id=`. A deleted grant makes the consent page appear again.
 * Grants of OpenID Connect scopes alone carry the tenant's `/userinfo` URL as audience, as in Auth0.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { toUserGrant } from '../domain/consent/consent-service.js';
import { PaginationQuery, pageOf, paginated } from './pagination.js';
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

const userinfoAudience = (request: FastifyRequest): string => `${request.issuer}userinfo`;

export const grantRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/grants', { config: anyOf('read:grants'), schema: { querystring: ListQuery } }, async (request) => {
    const query = request.query as PaginationQuery & { user_id?: string; client_id?: string; audience?: string };
    const userinfo = userinfoAudience(request);
    const grants = await services.consent.list(request.tenant.id, {
      ...(query.user_id !== undefined ? { userId: query.user_id } : {}),
      ...(query.client_id !== undefined ? { clientId: query.client_id } : {}),
      ...(query.audience !== undefined ? { audience: query.audience === userinfo ? '' : query.audience } : {}),
    });
    const { offset, limit } = pageOf(query);
    return paginated('grants', query, grants.slice(offset, offset + limit).map((grant) => toUserGrant(grant, userinfo)), grants.length);
  });

  app.delete('/grants/:id', { config: anyOf('delete:grants'), schema: { params: IdParams } }, async (request, reply) => {
    await services.consent.delete(request.tenant.id, (request.params as { id: string }).id);
    return reply.code(204).send();
  });

  app.delete('/grants', { config: anyOf('delete:grants'), schema: { querystring: DeleteByUserQuery } }, async (request, reply) => {
    await services.consent.deleteForUser(request.tenant.id, (request.query as { user_id: string }).user_id);
    return reply.code(204).send();
  });
};
