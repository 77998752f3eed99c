/**
 * Auth0's two error formats and the mapping of every failure onto them.
 * Authentication API: `{ error, error_description }`. Management API: `{ statusCode, error, message, errorCode }`.
 * Input errors are always 4xx with a clear message; anything unexpected is a 500 with no details.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import { RequestValidationError } from './validation.js';
import { AuthApiError, ManagementApiError, isManagementApiPath } from '../http/errors.js';

const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

const DOMAIN_STATUS = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403, unavailable: 503 } as const;

/** Fastify's own request errors, by code, as the status and message a client should see. */
const FASTIFY_ERRORS: Record<string, { status: number; message: string; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: 'Request body is too large.', code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: 'Unsupported content type: send application/json or application/x-www-form-urlencoded.', code: 'unsupported_media_type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, message: 'Invalid request body: the JSON body is empty.', code: 'invalid_body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, message: 'Invalid request body: malformed JSON.', code: 'invalid_body' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, message: 'Invalid request: Content-Length does not match the body.', code: 'invalid_body' },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, message: 'Unsupported content type: the Content-Type header is empty.', code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, message: 'Unsupported content type.', code: 'unsupported_media_type' },
  FST_ERR_BAD_URL: { status: 400, message: 'Invalid request URI.', code: 'invalid_uri' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, message: 'Invalid request.', code: 'invalid_request' },
};

interface Normalized {
  status: number;
  message: string;
  /** Management API errorCode. */
  code: string;
  /** Authentication API `error`. */
  oauthError: string;
  extra: Record<string, string>;
  headers: Record<string, string>;
}

function normalize(error: unknown): Normalized | undefined {
  if (error instanceof AuthApiError) {
    return { status: error.statusCode, message: error.description, code: error.error, oauthError: error.error, extra: error.extra, headers: error.headers };
  }
  if (error instanceof ManagementApiError) {
    return { status: error.statusCode, message: error.message, code: error.errorCode, oauthError: error.errorCode, extra: {}, headers: error.headers };
  }
  if (error instanceof DomainError) {
    return { status: DOMAIN_STATUS[error.kind], message: error.message, code: error.code, oauthError: error.kind === 'invalid' ? 'invalid_request' : error.code, extra: {}, headers: {} };
  }
  const fastifyError = error as FastifyError & { validation?: unknown };
  if (fastifyError?.validation !== undefined || error instanceof RequestValidationError) {
    const cause = error instanceof RequestValidationError ? error : (fastifyError.cause as RequestValidationError | undefined);
    const part = cause?.part ?? fastifyError.validationContext ?? 'body';
    const what = cause ? cause.message : fastifyError.message;
    const where = cause?.property ? ` on property ${cause.property}` : '';
    const message = part === 'body' ? `Payload validation error: '${what}'${where}.` : `Query validation error: '${what}'${where}.`;
    return { status: 400, message, code: part === 'body' ? 'invalid_body' : part === 'querystring' ? 'invalid_query_string' : 'invalid_uri', oauthError: 'invalid_request', extra: {}, headers: {} };
  }
  const known = typeof fastifyError?.code === 'string' ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (known) return { status: known.status, message: known.message, code: known.code, oauthError: 'invalid_request', extra: {}, headers: {} };
  if (error instanceof SyntaxError && (error as FastifyError).statusCode === 400) {
    return { status: 400, message: 'Invalid request body: malformed JSON.', code: 'invalid_body', oauthError: 'invalid_request', extra: {}, headers: {} };
  }
  // PostgreSQL refusing text it cannot store (NUL: 22021; a character the encoding lacks: 22P05) in a
  // field request-bounds.ts does not check: the input is bad, not the server (a backstop, never the plan).
  if (UNSTORABLE_TEXT.has((error as { code?: unknown })?.code as string)) {
    return { status: 400, message: 'Invalid request: a parameter contains characters that cannot be stored.', code: 'invalid_body', oauthError: 'invalid_request', extra: {}, headers: {} };
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: 'Invalid request.', code: 'invalid_request', oauthError: 'invalid_request', extra: {}, headers: {} };
  }
  return undefined;
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let normalized = normalize(error);
  if (!normalized) {
    request.log.error({ err: error }, 'unhandled error');
    normalized = { status: 500, message: 'Internal server error.', code: 'internal_error', oauthError: 'server_error', extra: {}, headers: {} };
  }
  reply.headers(normalized.headers).code(normalized.status);
  if (isManagementApiPath(request.url)) {
    return reply.send({ statusCode: normalized.status, error: STATUS_CODES[normalized.status] ?? 'Error', message: normalized.message, errorCode: normalized.code });
  }
  return reply.send({ error: normalized.oauthError, error_description: normalized.message, ...normalized.extra });
}
