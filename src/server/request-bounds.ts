/**
 * Length bounds on the identifiers a request names, checked before anything is looked up.
 *
 * Every lookup by an identifier (tenant by Host, application by client_id, API by audience) goes
 * through a cache that also remembers misses, under the identifier itself. Without a bound, each
 * unauthenticated request could park up to a megabyte of attacker text in memory (issue 11,
 * finding 5). No real identifier comes close to these limits: Auth0's client ids are 32
 * characters, API identifiers are at most 600 (the Management API's own limit), and a host name
 * is at most 253 characters (255 with a port would already be generous: DNS caps names at 253).
 *
 * The Host check runs first of all (before tenant resolution); the client_id and audience checks
 * run once the body is parsed, on the body's and the query string's top-level fields and on the
 * user part of HTTP Basic credentials (the token and revocation endpoints' other way to name the
 * client). Errors are in the API's own format.
 *
 * The same identifiers must also be text PostgreSQL stores: it refuses NUL in text (22021), which
 * would surface as a 500 from the lookup, and a lone UTF-16 surrogate (from a JSON `\ud800`) cannot
 * be encoded at all. Control characters (C0 and DEL) and lone surrogates are refused here, at one
 * place before any lookup, for every endpoint (/oauth/token, /oauth/device/code, /oauth/par,
 * /bc-authorize, /authorize…); server/errors.ts maps a 22021 that still reaches PostgreSQL from
 * another field to a 400 as a backstop.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequestFor } from '../http/errors.js';
import { MAX_CLIENT_ID_LENGTH } from '../domain/ids.js';

export const MAX_HOST_LENGTH = 255;
export { MAX_CLIENT_ID_LENGTH };
export const MAX_AUDIENCE_LENGTH = 600;
/** As the Management API allows for connection names. */
export const MAX_CONNECTION_NAME_LENGTH = 128;

const BOUNDED_FIELDS: ReadonlyArray<readonly [name: string, max: number]> = [
  ['client_id', MAX_CLIENT_ID_LENGTH],
  ['audience', MAX_AUDIENCE_LENGTH],
  // Connection names are looked up (and misses cached) before anyone is authenticated.
  ['connection', MAX_CONNECTION_NAME_LENGTH],
  ['realm', MAX_CONNECTION_NAME_LENGTH],
];

export function registerRequestBounds(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    // request.host is what tenant resolution looks up (X-Forwarded-Host with TRUST_PROXY).
    const host = request.host ?? '';
    if (host.length > MAX_HOST_LENGTH || (request.headers.host ?? '').length > MAX_HOST_LENGTH) return done(badRequestFor(request.url, 'invalid_host', `Invalid Host header: longer than ${MAX_HOST_LENGTH} characters.`));
    done();
  });

  app.addHook('preValidation', (request, _reply, done) => {
    done(overLongIdentifier(request));
  });
}

/** Identifiers that are looked up by value, besides the bounded ones: organizations by id or name. */
const CHECKED_FIELDS: readonly string[] = [...BOUNDED_FIELDS.map(([name]) => name), 'organization'];

/** C0 controls (NUL included) and DEL: no identifier holds one. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Text no identifier holds and PostgreSQL cannot store: control characters, lone surrogates. */
/** In unicode mode a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const unstorableText = (value: string): boolean => CONTROL.test(value) || LONE_SURROGATE.test(value);

function overLongIdentifier(request: FastifyRequest): Error | undefined {
  for (const [part, source] of [['body', request.body], ['querystring', request.query]] as const) {
    if (source === null || typeof source !== 'object' || Array.isArray(source)) continue;
    const code = part === 'body' ? 'invalid_body' : 'invalid_query_string';
    for (const [name, max] of BOUNDED_FIELDS) {
      const value = (source as Record<string, unknown>)[name];
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === 'string' && v.length > max)) return badRequestFor(request.url, code, `Invalid ${name}: longer than ${max} characters.`);
    }
    for (const name of CHECKED_FIELDS) {
      const value = (source as Record<string, unknown>)[name];
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === 'string' && unstorableText(v))) return badRequestFor(request.url, code, `Invalid ${name}: contains a control character or an invalid Unicode sequence.`);
    }
  }
  const basic = basicClientId(request.headers.authorization);
  if (basic.length > MAX_CLIENT_ID_LENGTH) {
    return badRequestFor(request.url, 'invalid_request', `Invalid client_id: longer than ${MAX_CLIENT_ID_LENGTH} characters.`);
  }
  if (unstorableText(basic)) return badRequestFor(request.url, 'invalid_request', 'Invalid client_id: contains a control character or an invalid Unicode sequence.');
  return undefined;
}

/** The client id of `Authorization: Basic ...` (form-urlencoded, RFC 6749 §2.3.1), '' when there is none. */
function basicClientId(header: string | undefined): string {
  if (header === undefined || header.length < 7 || header.slice(0, 6).toLowerCase() !== 'basic ') return '';
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  try {
    return decodeURIComponent(user.replace(/\+/g, ' '));
  } catch {
    return user;
  }
}
