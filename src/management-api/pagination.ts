/**
 * Auth0's offset pagination: `page` (0-based), `per_page` (1–100, default 50) and `include_totals`
 * (bare array, or `{ <collection>: [...], start, limit, total }`).
 */
import { Type, type Static, type TArray, type TSchema } from '@sinclair/typebox';

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

/** A page object: the items under the collection's name (`clients`, `connections`, ...). */
export type Collection<C extends string, T> = { [K in C]: T[] };
export type PageWithTotals<C extends string, T> = Collection<C, T> & { start: number; limit: number; total: number };
export type CheckpointPage<C extends string, T> = Collection<C, T> & { next?: string };

export function paginated<T, C extends string = string>(collection: C, query: PaginationQuery, items: T[], total: number): T[] | PageWithTotals<C, T> {
  if (!query.include_totals) return items;
  const { offset, limit } = pageOf(query);
  return { ...collectionOf(collection, items), start: offset, limit, total };
}

/** `{ [collection]: items }`: TypeScript types a computed key as `string`, so the literal key is restored here, once. */
const collectionOf = <C extends string, T>(collection: C, items: T[]): Collection<C, T> => ({ [collection]: items }) as Collection<C, T>;

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
export function checkpoint<T, C extends string = string>(collection: C, items: T[], idOf: (item: T) => string, query: CheckpointQuery): CheckpointPage<C, T> {
  const take = query.take ?? DEFAULT_PER_PAGE;
  let start = 0;
  if (query.from !== undefined) {
    const afterId = Buffer.from(query.from, 'base64url').toString('utf8');
    start = items.findIndex((item) => idOf(item) === afterId) + 1;
    if (start === 0) start = items.length; // an unknown or deleted cursor ends the listing rather than restarting it
  }
  const page = items.slice(start, start + take);
  const more = start + take < items.length;
  return { ...collectionOf(collection, page), ...(more && page.length ? { next: Buffer.from(idOf(page[page.length - 1]!)).toString('base64url') } : {}) };
}

/*
 * Response schemas of the list shapes above. Both page objects are closed, and the page with
 * totals comes before the checkpoint page, so that fast-json-stringify (which tries the branches
 * of a union in order) never writes a page with totals as a checkpoint page, dropping its totals.
 */
const collectionSchema = <C extends string, T extends TSchema>(collection: C, item: T) => ({ [collection]: Type.Array(item) }) as { [K in C]: TArray<T> };

/** A page with `include_totals`: `{ <collection>: [...], start, limit, total }`. */
export const PageWithTotalsSchema = <C extends string, T extends TSchema>(collection: C, item: T) =>
  Type.Object({ ...collectionSchema(collection, item), start: Type.Integer(), limit: Type.Integer(), total: Type.Integer() }, { additionalProperties: false });

/** A checkpoint page: `{ <collection>: [...], next? }`, `next` absent on the last page. */
export const CheckpointPageSchema = <C extends string, T extends TSchema>(collection: C, item: T) =>
  Type.Object({ ...collectionSchema(collection, item), next: Type.Optional(Type.String({ description: 'Cursor for the following page (`from`); absent on the last page.' })) }, { additionalProperties: false });

/** The answer of an offset-paginated list: the bare array, or the page with its totals. */
export const OffsetListSchema = <C extends string, T extends TSchema>(collection: C, item: T) => Type.Union([Type.Array(item), PageWithTotalsSchema(collection, item)]);

/** The answer of a list that also takes checkpoint pagination (`from`/`take`). */
export const OffsetOrCheckpointListSchema = <C extends string, T extends TSchema>(collection: C, item: T) =>
  Type.Union([Type.Array(item), PageWithTotalsSchema(collection, item), CheckpointPageSchema(collection, item)]);
