/**
 * Writes Management API responses with the route's response schema, minus its `enum` lists.
 *
 * A response schema describes (for /api/v2/openapi.json and the field list the serializer writes);
 * it must never refuse an answer. fast-json-stringify picks a union's branch (a list as an array, or
 * with totals, or a checkpoint page) by validating the whole value against each branch, enums
 * included, so one stored value outside a documented enum would turn the whole list into a 500.
 * The documented schema keeps its enums; only the copy compiled for serialization loses them.
 */
import type { FastifyInstance } from 'fastify';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { DeferredCompilations } from '../http/deferred-compilation.js';

const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SUBSCHEMAS = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'] as const;
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs'] as const;

/** A copy of the schema without `enum` keywords (property names called "enum" are kept). */
export function withoutEnums(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const source = schema as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(source)) {
    if (keyword === 'enum') continue;
    if ((SUBSCHEMA_LISTS as readonly string[]).includes(keyword) && Array.isArray(value)) copy[keyword] = value.map(withoutEnums);
    else if ((SUBSCHEMAS as readonly string[]).includes(keyword)) copy[keyword] = withoutEnums(value);
    else if ((SUBSCHEMA_MAPS as readonly string[]).includes(keyword) && value && typeof value === 'object') {
      copy[keyword] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, withoutEnums(sub)]));
    } else copy[keyword] = value;
  }
  return copy;
}

/** For every route registered after it in this context (the Management API's resources). */
export function registerResponseSerializer(app: FastifyInstance, compilations: DeferredCompilations): void {
  const compile = SerializerSelector()(undefined, {});
  // Compiled at a route's first response rather than at startup, like the validators (http/deferred-compilation.ts).
  app.setSerializerCompiler(({ method, url, httpStatus, schema }) =>
    compilations.defer(`${method} ${url} ${httpStatus ?? 'default'} response schema`, () =>
      compile({ method, url, httpStatus: httpStatus ?? 'default', schema: withoutEnums(schema) }),
    ),
  );
}
