/**
 * Building blocks for the routes' `schema.response`, which documents each answer in
 * `/api/v2/openapi.json` (a Dashboard client is generated from it).
 *
 * A response schema is not documentation only: Fastify then serializes the answer with
 * fast-json-stringify, which writes the declared properties alone (required ones first, then the
 * others in declared order) and coerces each value to its declared type. So a response schema must
 * declare every property the answer has, in the order the domain builds them, with its real type
 * (a `null` type where null occurs); objects whose keys are the caller's own (metadata, log details)
 * are `OpenObject`s, written as they are. Union schemas (`PageOf`) are chosen by validating the
 * value against each member in turn, so their members must describe the value exactly.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { pageOf, type PaginationQuery } from './pagination.js';

/**
 * An answer without a body: 204, and the empty 200/201 answers some Auth0 routes give. `type: null`
 * is how @fastify/swagger writes a response without content; typed `undefined`, so the handler's
 * `reply.send()` stays argument-less (no body is serialized at all).
 */
export const NoBody = Type.Unsafe<undefined>({ type: 'null', description: 'No body.' });

/** An object whose keys are open-ended (metadata, log details): written as it is. */
export const OpenObject = (description?: string) => Type.Object({}, { additionalProperties: true, ...(description ? { description } : {}) });

/** A `<collection>` key with the page's items: the typed form of `{ [collection]: items }`. */
type Collection<K extends string, T> = { [P in K]: T };
const collectionOf = <K extends string, T>(collection: K, value: T): Collection<K, T> => ({ [collection]: value }) as Collection<K, T>;

/** The `include_totals` form of an offset-paginated list: `{ <collection>: [...], start, limit, total }`. */
export const WithTotals = <K extends string, T extends TSchema>(collection: K, item: T) =>
  Type.Object({ ...collectionOf(collection, Type.Array(item)), start: Type.Integer(), limit: Type.Integer(), total: Type.Integer() });

/** Auth0's offset-paginated list: the bare array, or `WithTotals` when `include_totals` is true. */
export const PageOf = <K extends string, T extends TSchema>(collection: K, item: T) => Type.Union([Type.Array(item), WithTotals(collection, item)]);

export type Totals<K extends string, T> = Collection<K, T[]> & { start: number; limit: number; total: number };

/** The answer `PageOf` describes (what `paginated` in pagination.ts builds, typed). */
export function page<K extends string, T>(collection: K, query: PaginationQuery, items: T[], total: number): T[] | Totals<K, T> {
  if (!query.include_totals) return items;
  const { offset, limit } = pageOf(query);
  return { ...collectionOf(collection, items), start: offset, limit, total };
}

/**
 * Compile-time guard that a response schema declares every property of the domain object it
 * answers with (fast-json-stringify would silently drop one that is missing):
 * `const _: DeclaresAll<User, Static<typeof UserResponse>> = true;`
 */
export type DeclaresAll<Domain, Declared> = [Exclude<keyof Domain, keyof Declared>] extends [never] ? true : { undeclared: Exclude<keyof Domain, keyof Declared> };
