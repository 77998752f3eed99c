/** The parsed body of a token request: string parameters only, as OAuth requires. */
import type { FastifyRequest } from 'fastify';
import { AuthApiError } from '../../http/errors.js';

export type TokenParams = Record<string, string>;

/** Accepts form and JSON bodies; a parameter given twice or as a non-string is an invalid request. */
export function tokenParams(request: FastifyRequest): TokenParams {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new AuthApiError(400, 'invalid_request', 'The request body must be a form or a JSON object.');
  const params: TokenParams = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    // Every OAuth parameter is text (RFC 6749 appendix A). A JSON number or boolean is refused rather
    // than read as its digits: `{"token": 123}` is no token (issue 11, finding 17).
    if (typeof value === 'string') params[name] = value;
    else if (Array.isArray(value)) throw new AuthApiError(400, 'invalid_request', `Parameter ${name} must not be repeated.`);
    else if (value !== null) throw new AuthApiError(400, 'invalid_request', `Parameter ${name} must be a string.`);
  }
  return params;
}

/** A parameter the grant cannot do without: its value, or Auth0's `invalid_request`. */
export function requiredParam(params: TokenParams, name: string): string {
  const value = params[name];
  if (!value) throw new AuthApiError(400, 'invalid_request', `Missing required parameter: ${name}`);
  return value;
}
