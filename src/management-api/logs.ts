/**
 * `/api/v2/logs`: search a tenant's log events (`q`, pages of `per_page`) or read them by
 * checkpoint (`from`/`take`), and get one by id.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { invalid } from '../domain/errors.js';
import { MAX_QUERY_LENGTH } from '../domain/search/caps.js';
import { DEFAULT_PER_PAGE, FieldsQuery, PaginationQuery, project } from './pagination.js';
import { anyOf } from './scopes.js';

const DEFAULT_TAKE = 50;

const ListQuery = Type.Intersect([
  PaginationQuery,
  FieldsQuery,
  Type.Object({
    q: Type.Optional(Type.String({ maxLength: MAX_QUERY_LENGTH })),
    // The v7 SDK's `logs.list()` sends the query as `search` (its typings have no `q`).
    search: Type.Optional(Type.String({ maxLength: MAX_QUERY_LENGTH })),
    sort: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ maxLength: 200 })),
    take: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  }),
]);

interface ListQuery {
  page?: number;
  per_page?: number;
  include_totals?: boolean;
  fields?: string;
  include_fields?: boolean;
  q?: string;
  search?: string;
  sort?: string;
  from?: string;
  take?: number;
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const logRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/logs', { config: anyOf('read:logs'), schema: { querystring: ListQuery } }, async (request) => {
    const query = request.query as ListQuery;

    // Checkpoint reading: as in Auth0, every other parameter is ignored and the answer is a plain array.
    if (query.from !== undefined || query.take !== undefined) {
      return services.logSearch.checkpoint(request.tenant, query.from, query.take ?? DEFAULT_TAKE);
    }

    if (query.q !== undefined && query.search !== undefined && query.q !== query.search) {
      throw invalid('Send the log search query as q or as search, not both.', 'invalid_query_string');
    }
    const page = query.page ?? 0;
    const perPage = query.per_page ?? DEFAULT_PER_PAGE;
    const q = query.q ?? query.search;
    const { logs, total } = await services.logSearch.search(request.tenant, {
      ...(q !== undefined ? { q } : {}),
      ...(query.sort !== undefined ? { sort: query.sort } : {}),
      page,
      perPage,
      withTotal: query.include_totals === true,
    });
    const items = logs.map((log) => project(log, query.fields, query.include_fields));
    if (!query.include_totals) return items;
    return { start: page * perPage, limit: perPage, length: items.length, total, logs: items };
  });

  app.get('/logs/:id', { config: anyOf('read:logs'), schema: { params: IdParams } }, async (request) => {
    return services.logSearch.get(request.tenant, (request.params as { id: string }).id);
  });
};
