/**
 * `/api/v2/logs`: search a tenant's log events (`q`, pages of `per_page`) or read them by
 * checkpoint (`from`/`take`), and get one by id.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Log } from '../domain/logs/log-search.js';
import { invalid } from '../domain/errors.js';
import { MAX_QUERY_LENGTH } from '../domain/search/caps.js';
import { DEFAULT_PER_PAGE, FieldsQuery, PaginationQuery, project } from './pagination.js';
import { OpenObject, type DeclaresAll } from './schema.js';
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

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * A log event (domain/logs/log-search.ts), in the order it is stored. `tenant_name` is always there
 * but declared optional: fast-json-stringify writes required properties first, and it comes last.
 * Open, like Auth0's log objects: whatever an event carries is shown.
 */
const LogResponse = Type.Object(
  {
    date: Type.String(),
    type: Type.String(),
    log_id: Type.String(),
    description: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    client_name: Type.Optional(Type.String()),
    user_id: Type.Optional(Type.String()),
    user_name: Type.Optional(Type.String()),
    ip: Type.Optional(Type.String()),
    user_agent: Type.Optional(Type.String()),
    audience: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    details: Type.Optional(OpenObject({ description: 'What happened, by event type (open-ended).' })),
    tenant_name: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
const _logDeclared: DeclaresAll<Log, Static<typeof LogResponse>> = true;

/** A search's entries as `fields`/`include_fields` may project them. */
const ProjectedLog = Type.Partial(LogResponse);

/** A search page or a checkpoint read (plain arrays), or a search page with totals. */
export const LogListResponse = Type.Union([
  Type.Array(ProjectedLog),
  Type.Object({ start: Type.Integer(), limit: Type.Integer(), length: Type.Integer(), total: Type.Integer(), logs: Type.Array(ProjectedLog) }),
]);

export const logRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/logs', { config: anyOf('read:logs'), schema: { querystring: ListQuery, response: { 200: LogListResponse } } }, async (request) => {
    const query = request.query;

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
    // The search counts (`total`) exactly when include_totals asks for the wrapper.
    if (total === undefined) return items;
    return { start: page * perPage, limit: perPage, length: items.length, total, logs: items };
  });

  app.get('/logs/:id', { config: anyOf('read:logs'), schema: { params: IdParams, response: { 200: LogResponse } } }, async (request) => {
    return services.logSearch.get(request.tenant, request.params.id);
  });
};
