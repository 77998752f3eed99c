/**
 * `GET /api/v2/users/{id}/logs`: one user's log events, as Auth0 answers them (`read:logs` or
 * `read:logs_users`): newest first unless `sort` says otherwise, pages of `per_page` (at most 100)
 * within the first 1,000 results, a plain array or, with `include_totals`, `{logs, start, limit,
 * length, total}`. Only the request tenant's logs are searched.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { DEFAULT_PER_PAGE, PaginationQuery } from './pagination.js';
import { LogListResponse } from './logs.js';
import { UserId } from './roles.js';
import { anyOf } from './scopes.js';

const UserParams = Type.Object({ id: UserId });
const ListQuery = Type.Intersect([PaginationQuery, Type.Object({ sort: Type.Optional(Type.String({ maxLength: 100 })) })]);

export const userLogRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/users/:id/logs',
    { config: anyOf('read:logs', 'read:logs_users'), schema: { params: UserParams, querystring: ListQuery, response: { 200: LogListResponse } } },
    async (request) => {
      const query = request.query;
      const page = query.page ?? 0;
      const perPage = query.per_page ?? DEFAULT_PER_PAGE;
      const { logs, total } = await services.logSearch.forUser(request.tenant, request.params.id, {
        ...(query.sort !== undefined ? { sort: query.sort } : {}),
        page,
        perPage,
        withTotal: query.include_totals === true,
      });
      if (total === undefined) return logs;
      return { start: page * perPage, limit: perPage, length: logs.length, total, logs };
    },
  );
};
