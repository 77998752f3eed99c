/** Schema helpers shared by the Management API routes. */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * One of a fixed set of strings, as a JSON-schema `enum` rather than a union of literals, so a
 * wrong value is answered with the allowed values instead of "must be equal to constant".
 */
export const OneOf = <const T extends readonly string[]>(values: T): TUnsafe<T[number]> => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

/** Auth0 lets a PATCH send null to clear an optional setting. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
