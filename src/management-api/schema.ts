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
 * Response schemas. Fastify serializes a response that has a schema with fast-json-stringify,
 * which writes only the declared properties and converts values to the declared types (null
 * becomes "" for a string, false for a boolean). So a response schema must declare every
 * property the object can have, say which ones may be null, and stay open
 * (`additionalProperties: true`) where the object is (Auth0's documents, options, metadata).
 * Validation keywords (formats, patterns, lengths) are left to the request schemas: a response
 * schema only describes.
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

/** An object whose properties are not ours to enumerate (Auth0 settings, options, metadata): written as given. */
export const OpenObject = (options: { description?: string } = {}) => Type.Object({}, { additionalProperties: true, ...options });

/**
 * A 204 answer: no body. Typed `void` so that handlers keep answering with `reply.code(204).send()`
 * (a `null` payload would run the serializer and the preSerialization/onSend hooks with a body).
 */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No content' });
