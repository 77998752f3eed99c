/**
 * Auth0's offset pagination: `page` (0-based), `per_page` (1–100, default 50) and `include_totals`
 * (bare array, or `{ <collection>: [...], start, limit, total }`).
 */
import { Type, type Static } from '@sinclair/typebox';

export const PaginationQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  include_totals: Type.Optional(Type.Boolean()),
});
export type PaginationQuery = Static<typeof PaginationQuery>;

export const DEFAULT_PER_PAGE = 50;

export function pageOf(query: PaginationQuery): { offset: number; limit: number } {
  const limit = query.per_page ?? DEFAULT_PER_PAGE;
  return { offset: (query.page ?? 0) * limit, limit };
}

export function paginated<T>(collection: string, query: PaginationQuery, items: T[], total: number): T[] | Record<string, unknown> {
  if (!query.include_totals) return items;
  const { offset, limit } = pageOf(query);
  return { [collection]: items, start: offset, limit, total };
}

/** Auth0's `fields` / `include_fields` projection of a response object. */
export function project<T extends object>(value: T, fields: string | undefined, includeFields: boolean | undefined): Partial<T> {
  if (!fields) return value;
  const names = new Set(fields.split(',').map((f) => f.trim()).filter(Boolean));
  const include = includeFields !== false;
  return Object.fromEntries(Object.entries(value).filter(([key]) => names.has(key) === include)) as Partial<T>;
}

export const FieldsQuery = Type.Object({
  fields: Type.Optional(Type.String({ maxLength: 2000 })),
  include_fields: Type.Optional(Type.Boolean()),
});

/**
 * Auth0's checkpoint pagination (`from` + `take`): stable under inserts, answered as
 * `{ <collection>: [...], next }` where `next` is the cursor for the following page (absent at the end).
 */
export const CheckpointQuery = Type.Object({
  from: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  take: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type CheckpointQuery = Static<typeof CheckpointQuery>;

export const usesCheckpoint = (query: CheckpointQuery): boolean => query.from !== undefined || query.take !== undefined;

/** Pages a stably ordered list by item id; the cursor is the last returned id, opaque to clients. */
export function checkpoint<T>(collection: string, items: T[], idOf: (item: T) => string, query: CheckpointQuery): Record<string, unknown> {
  const take = query.take ?? DEFAULT_PER_PAGE;
  let start = 0;
  if (query.from !== undefined) {
    const afterId = Buffer.from(query.from, 'base64url').toString('utf8');
    start = items.findIndex((item) => idOf(item) === afterId) + 1;
    if (start === 0) start = items.length; // an unknown or deleted cursor ends the listing rather than restarting it
  }
  const page = items.slice(start, start + take);
  const more = start + take < items.length;
  return { [collection]: page, ...(more && page.length ? { next: Buffer.from(idOf(page[page.length - 1]!)).toString('base64url') } : {}) };
}
