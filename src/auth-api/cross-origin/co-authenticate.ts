/**
 * `POST /co/authenticate` (docs: Cross-Origin Authentication): an embedded login form (auth0.js
 * `WebAuth.login`, Lock) posts the user's credentials from the application's origin; on success
 * the answer is `{login_ticket, co_verifier, co_id}` plus the verifier cookie, and the browser then
 * goes to `/authorize?login_ticket=...` to finish (ticket-redemption.ts).
 *
 * Errors follow the docs' table: status, `error` and `error_description` as Auth0 sends them. The
 * checks run in the order that leaks least: the body's shape, the application, the caller's origin
 * (Auth0's plain 403), the application's consent to cross-origin logins, the realm, and only then
 * the credentials, through the one login path every surface shares (attack protection included).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import { connectionEnabledFor, type Connection } from '../../domain/connections/connection.js';
import { DomainError } from '../../domain/errors.js';
import { attemptPasswordLogin, type LoginAttempt, type LoginRejection } from '../../domain/authentication/login-attempt.js';
import { attemptPasswordlessLogin } from '../../domain/passwordless/passwordless-login.js';
import { AuthApiError } from '../../http/errors.js';
import { setCookie } from '../../http/cookies.js';
import { CO_AUTHENTICATE_PATH, notAllowedOrigin, originAllowedFor } from './co-origins.js';
import { LOGIN_TICKET_TTL_SECONDS, VERIFIER_COOKIE_PATH, issueLoginTicket, verifierCookieName } from './login-ticket.js';
import { own } from '../../util/own.js';
import { passwordlessOf, registeredStrategy, strategyServesGrant } from '../../domain/connections/strategies/registry.js';

export const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
export const PASSWORDLESS_OTP = 'http://auth0.com/oauth/grant-type/passwordless/otp';

/** Exactly these fields, per credential type ("all and only"). */
const FIELDS: Record<string, readonly string[]> = {
  [PASSWORD_REALM]: ['client_id', 'credential_type', 'username', 'password', 'realm'],
  [PASSWORDLESS_OTP]: ['client_id', 'credential_type', 'username', 'otp', 'realm'],
};

const INVALID_BODY = 'Invalid request body. All and only of client_id, credential_type, username, otp, realm are required.';
const NOT_ALLOWED = 'Cross origin login not allowed.';

/** The docs' error table, by the reason the shared login path gives. */
const REJECTIONS: Record<LoginRejection, { status: number; error: string; description: string }> = {
  wrong_credentials: { status: 403, error: 'access_denied', description: 'Wrong email or password.' },
  blocked_user: { status: 403, error: 'blocked_user', description: 'Blocked user' },
  too_many_attempts: {
    status: 429,
    error: 'too_many_attempts',
    description: "Your account has been blocked after multiple consecutive login attempts. We've sent you a notification via your preferred contact method with instructions on how to unblock it.",
  },
  suspicious_ip: {
    status: 429,
    error: 'too_many_attempts',
    description: 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.',
  },
  password_leaked: {
    status: 401,
    error: 'password_leaked',
    description: "This login attempt has been blocked because the password you're using was previously disclosed through a data breach (not in this application).",
  },
};

interface Body {
  client_id: string;
  credential_type: string;
  username: string;
  realm: string;
  password?: string;
  otp?: string;
}

export const coAuthenticateEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post(CO_AUTHENTICATE_PATH, async (request, reply) => {
    const tenant = request.tenant;
    const body = parseBody(request.body);
    const client = await services.clients.find(tenant.id, tenant.name, body.client_id);
    const origin = request.headers.origin;
    const failed = (description: string, extra: { client?: Client; userId?: string; connection?: string } = {}) =>
      request.audit('fcoa', {
        description,
        ...(extra.client ? { client: extra.client } : { clientId: body.client_id }),
        ...(extra.userId ? { userId: extra.userId } : {}),
        userName: body.username,
        ...(extra.connection ? { details: { connection: extra.connection } } : {}),
      });

    // An unknown application cannot have allowed anything; the same answer as a disallowed one.
    if (!client) {
      failed(NOT_ALLOWED);
      throw new AuthApiError(401, 'unauthorized_client', NOT_ALLOWED);
    }
    if (!origin || !originAllowedFor(client, origin, request.urlPlaceholders)) {
      request.audit('fco', {
        description: `Origin ${origin ?? '(none)'} is not allowed.`,
        client,
        details: { origin: origin ?? null },
      });
      return notAllowedOrigin(reply, origin);
    }
    if (!client.cross_origin_authentication) {
      failed(NOT_ALLOWED, { client });
      throw new AuthApiError(401, 'unauthorized_client', NOT_ALLOWED);
    }

    const connection = await services.connections.findByName(tenant.id, body.realm);
    // The credential type is the grant the realm's strategy must serve (password-realm or passwordless/otp).
    if (!connection || !strategyServesGrant(connection.strategy, body.credential_type) || !connectionEnabledFor(connection, client)) {
      const description = `Unknown realm ${body.realm}.`;
      failed(description, { client });
      throw new AuthApiError(400, 'invalid_request', description);
    }

    let attempt: LoginAttempt;
    try {
      attempt = await verifyCredentials(services, request, client, connection, body);
    } catch (error) {
      // A rule of the directory refused the login (e.g. a passwordless sign-up no longer allowed).
      if (!(error instanceof DomainError)) throw error;
      failed('Authentication error', { client, connection: connection.name });
      throw new AuthApiError(403, 'access_denied', 'Authentication error');
    }
    if (!attempt.ok) {
      const rejection = REJECTIONS[attempt.reason];
      const wrongCode = passwordlessOf(connection.strategy)?.wrongCodeDescription;
      const description = attempt.reason === 'wrong_credentials' && wrongCode !== undefined ? wrongCode : rejection.description;
      failed(description, { client, connection: connection.name, ...(attempt.login ? { userId: attempt.login.user.user_id } : {}) });
      throw new AuthApiError(rejection.status, rejection.error, description);
    }

    const { login } = attempt;
    await services.users.recordLogin(login, { ip: request.ip, ...(body.password !== undefined ? { password: body.password } : {}) });
    const ticket = await issueLoginTicket(services, tenant.id, {
      clientId: client.client_id,
      userId: login.user.user_id,
      connection: connection.name,
      amr: [registeredStrategy(connection.strategy).amr],
    });
    setCookie(request, reply, verifierCookieName(ticket.co_id), ticket.co_verifier, { path: VERIFIER_COOKIE_PATH, maxAge: LOGIN_TICKET_TTL_SECONDS });
    request.audit('scoa', {
      description: 'Successful cross-origin authentication',
      client,
      userId: login.user.user_id,
      userName: body.username,
      details: { connection: connection.name },
    });
    return reply.header('cache-control', 'no-store').send(ticket);
  });
};

function verifyCredentials(services: Services, request: FastifyRequest, client: Client, connection: Connection, body: Body): Promise<LoginAttempt> {
  const common = { tenant: request.tenant, connection, username: body.username.trim(), ip: request.ip, clientId: client.client_id, audit: request.audit };
  return body.credential_type === PASSWORD_REALM
    ? attemptPasswordLogin(services, { ...common, password: body.password!, issuer: request.issuer })
    : attemptPasswordlessLogin(services, { ...common, otp: body.otp!, issuer: request.issuer });
}

/** The body, if it has exactly the fields of a known credential type, each a non-empty string. */
function parseBody(raw: unknown): Body {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AuthApiError(400, 'invalid_request', INVALID_BODY);
  const body = raw as Record<string, unknown>;
  const type = body.credential_type;
  if (typeof type !== 'string' || type === '') throw new AuthApiError(400, 'invalid_request', INVALID_BODY);
  const fields = own(FIELDS, type);
  if (!fields) throw new AuthApiError(400, 'unsupported_credential_type', 'Unknown credential type parameter.');
  const names = Object.keys(body);
  const exact = names.length === fields.length && fields.every((name) => typeof body[name] === 'string' && body[name] !== '');
  if (!exact) throw new AuthApiError(400, 'invalid_request', INVALID_BODY);
  return body as unknown as Body;
}
