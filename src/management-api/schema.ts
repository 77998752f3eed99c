/** Schema helpers shared by the Management API routes. */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * One of a fixed set of strings, as a JSON-schema `enum` rather than a union of literals, so a
 * wrong value is answered with the allowed values instead of "must be equal to constant".
 */
export const OneOf = <const T extends readonly string[]>(values: T): TUnsafe<T[number]> => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

/** Auth0 lets a PATCH send null to clear an optional setting. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/*
 * Response schemas. They document each answer in `/api/v2/openapi.json` (a Dashboard client is
 * generated from it), and they are not documentation only: Fastify serializes a response that has a
 * schema with fast-json-stringify, which writes only the declared properties (required ones first,
 * then the others in declared order) and converts values to the declared types (null becomes ""
 * for a string, false for a boolean). So a response schema must declare every property the object
 * can have, in the order the domain builds them, say which ones may be null, and stay open
 * (`additionalProperties: true`) where the object is (Auth0's documents, options, metadata, log
 * details). Union schemas (the list shapes of pagination.ts) are chosen by validating the value
 * against each member in turn, so their members must describe the value exactly. Validation
 * keywords (formats, patterns, lengths) are left to the request schemas: a response schema only
 * describes.
 */

/**
 * A response value that may be null, as `type: [T, 'null']`: fast-json-stringify picks the branch
 * by `typeof` (an `anyOf` would make it validate every value against each branch), and
 * @fastify/swagger writes it as OpenAPI 3.0's `nullable: true`.
 */
export const NullableOut = <T extends TSchema>(schema: T): TUnsafe<Static<T> | null> => {
  const { type, enum: values } = schema as { type?: unknown; enum?: unknown[] };
  if (typeof type !== 'string') throw new Error('NullableOut needs a schema with a single type');
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'], ...(values ? { enum: [...values, null] } : {}) });
};

/**
 * A string with its known values listed (`enum`) for the document, typed `string` where the
 * domain type is: the values were checked against the same list when they were written.
 */
export const KnownValues = <const T extends readonly string[]>(values: T): TUnsafe<string> => Type.Unsafe<string>({ type: 'string', enum: [...values] });

/** An object whose properties are not ours to enumerate (Auth0 settings, options, metadata, log details): written as given. */
export const OpenObject = (options: { description?: string } = {}) => Type.Object({}, { additionalProperties: true, ...options });

/**
 * An answer without a body: 204, and the empty 200/201 answers some Auth0 routes give. `type: null`
 * is how @fastify/swagger writes a response without content. Typed `void` so that handlers keep
 * answering with an argument-less `reply.send()` (a `null` payload would run the serializer and
 * the preSerialization/onSend hooks with a body).
 */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No body.' });

/**
 * Compile-time guard that a response schema declares every property of the domain object it
 * answers with (fast-json-stringify would silently drop one that is missing):
 * `const _: DeclaresAll<User, Static<typeof UserResponse>> = true;`
 */
export type DeclaresAll<Domain, Declared> = [Exclude<keyof Domain, keyof Declared>] extends [never] ? true : { undeclared: Exclude<keyof Domain, keyof Declared> };
