/**
 * The body of `POST /passwordless/start`, JSON or form: string parameters, and `authParams` as an
 * object (JSON) or as `authParams[name]` fields (form). Errors use Auth0's `bad.*` codes for this
 * endpoint.
 */
import type { FastifyRequest } from 'fastify';
import { AuthApiError } from '../../http/errors.js';

export interface StartParams {
  client_id?: string;
  client_secret?: string;
  client_assertion?: string;
  client_assertion_type?: string;
  connection?: string;
  email?: string;
  phone_number?: string;
  send?: string;
  /** The hosted login page's interaction, when it forwards it outside `authParams`. */
  state?: string;
  authParams: Record<string, string>;
}

const STRING_FIELDS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'connection', 'email', 'phone_number', 'send', 'state'] as const;
/**
 * Sent by some SDKs and ignored here; anything else is refused like Auth0's `bad.request`.
 * `captcha` is auth0.js's answer to a bot-detection challenge (`passwordlessStart({captcha})`):
 * Tessera has no bot detection and never presents a challenge, so there is nothing to check it
 * against, and refusing it would break the SDK's flow.
 */
const IGNORED_FIELDS = new Set(['request_language', 'x-request-language', 'protocol', 'captcha']);

export const startError = (error: string, description: string, status = 400) => new AuthApiError(status, error, description);

export function startParams(request: FastifyRequest): StartParams {
  const body = request.body;
  if (body === undefined || body === null) throw startError('bad.client_id', 'Missing required property: client_id');
  if (typeof body !== 'object' || Array.isArray(body)) throw startError('bad.request', 'The request body must be a JSON object or a form.');
  const params: StartParams = { authParams: {} };
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if ((STRING_FIELDS as readonly string[]).includes(name)) {
      if (value === null || value === undefined) continue;
      if (typeof value !== 'string') throw startError(`bad.${name}`, `error in ${name} - invalid type: ${typeOf(value)} (expected string)`);
      params[name as (typeof STRING_FIELDS)[number]] = value;
    } else if (name === 'authParams') {
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object' || Array.isArray(value)) throw startError('bad.authParams', `error in authParams - invalid type: ${typeOf(value)} (expected object)`);
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) addAuthParam(params, key, inner);
    } else if (/^authParams\[[^\]]+\]$/.test(name)) {
      addAuthParam(params, name.slice('authParams['.length, -1), value);
    } else if (!IGNORED_FIELDS.has(name)) {
      unknown.push(name);
    }
  }
  if (unknown.length > 0) throw startError('bad.request', `the following properties are not allowed: ${unknown.join(', ')}`);
  return params;
}

function addAuthParam(params: StartParams, key: string, value: unknown): void {
  if (value === null || value === undefined) return;
  // Numbers and booleans are sent by some SDKs (max_age...); objects have no meaning in a URL.
  if (typeof value === 'number' || typeof value === 'boolean') params.authParams[key] = String(value);
  else if (typeof value === 'string') params.authParams[key] = value;
  else throw startError('bad.authParams', `error in authParams.${key} - invalid type: ${typeOf(value)} (expected string)`);
}

const typeOf = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
