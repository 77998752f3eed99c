/**
 * JSON-schema validation for routes. Two Ajv instances: query strings and path params are text on
 * the wire, so they are coerced to the declared types; bodies are not, so `"true"` for a boolean
 * or `"5"` for a number is an error, as in Auth0's Management API. Unknown body fields are
 * rejected (schemas say additionalProperties: false), never silently dropped.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { DeferredCompilations } from '../http/deferred-compilation.js';
import { isEmailAddress } from '../domain/validation/email.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ coerceTypes, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });
  addFormats(ajv);
  // Replaces ajv-formats' email regex: every email field goes through the code base's one check.
  ajv.addFormat('email', { type: 'string', validate: isEmailAddress });
  return ajv;
}

const bodyAjv = makeAjv(false);
const textAjv = makeAjv('array');

/**
 * Each route's validator is compiled at its first request, not when the server starts
 * (http/deferred-compilation.ts says why, and what keeps a broken schema from reaching production).
 */
export const validatorCompiler =
  (compilations: DeferredCompilations): FastifySchemaCompiler<unknown> =>
  ({ schema, httpPart, method, url }) =>
    compilations.defer(`${method} ${url} ${httpPart ?? 'body'} schema`, () => {
      const validate: ValidateFunction = (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);
      return (data: unknown) => (validate(data) ? { value: data } : { error: validationError(validate, httpPart, data) });
    });

export class RequestValidationError extends Error {
  constructor(
    readonly part: string,
    readonly property: string,
    message: string,
  ) {
    super(message);
  }
}

/** Turns Ajv's first error into a sentence that names the field, like Auth0's messages do. */
function validationError(validate: ValidateFunction, httpPart: string | undefined, data: unknown): RequestValidationError {
  const error = validate.errors?.[0];
  const part = httpPart ?? 'body';
  if (!error) return new RequestValidationError(part, '', 'invalid input');
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  let message: string;
  let property = path;
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      property = path ? `${path}.${extra}` : extra;
      message = `Additional properties not allowed: ${extra}`;
      break;
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      property = path ? `${path}.${missing}` : missing;
      message = `Missing required property: ${missing}`;
      break;
    }
    case 'enum':
      message = `must be one of: ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
      break;
    case 'type':
      message = `Expected type ${(error.params as { type: string }).type} but found type ${typeOfValue(valueAt(data, error.instancePath))}`;
      break;
    default:
      message = error.message ?? 'invalid value';
  }
  return new RequestValidationError(part, property, message);
}

/** Follows a JSON pointer such as `/flags/enable_sso` into the validated data. */
function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const segment of pointer.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
