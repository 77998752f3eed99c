/**
 * What every hosted form shares: reading fields, constant-time secret comparison, loading a
 * transaction only for the browser that started it, CSRF checks, and the database connection a
 * login transaction works with.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Tenant } from '../domain/tenants/tenant-service.js';
import type { Connection } from '../domain/connections/connection.js';
import type { AuthorizationRequest } from '../domain/oidc/authorization-request.js';
import { hashSecret } from '../domain/secrets.js';
import { readCookie } from '../http/cookies.js';
import { transactionCookieName } from '../auth-api/authorize/transaction.js';
import { renderErrorPage } from './html.js';
import { connectionEnabledFor, type ConnectionUser } from '../domain/connections/connection.js';
import { isStrategyKind } from '../domain/connections/strategies/registry.js';

export const DEFAULT_DATABASE_CONNECTION = 'Username-Password-Authentication';

export function stringField(source: unknown, name: string): string | undefined {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** True when the browser holds the cookie whose hash the transaction (or ticket) was bound to. */
export function boundToBrowser(request: FastifyRequest, cookieName: string, browserHash: string | undefined): boolean {
  const browserSecret = readCookie(request, cookieName);
  return !!browserSecret && !!browserHash && sameSecret(hashSecret(browserSecret), browserHash);
}

/** The transaction behind `state`, if it is live and was started by this browser. */
export async function loadTransaction<T extends { browserHash: string }>(
  services: Services,
  request: FastifyRequest,
  kind: 'login_transaction' | 'consent_transaction',
  state: string | undefined,
): Promise<T | undefined> {
  if (!state) return undefined;
  const transaction = await services.ttl.get<T>(request.tenant.id, kind, state);
  return transaction && boundToBrowser(request, transactionCookieName(state), transaction.browserHash) ? transaction : undefined;
}

export function csrfValid(request: FastifyRequest, expected: string | undefined): boolean {
  return !!expected && sameSecret(stringField(request.body, '_csrf') ?? '', expected);
}

/**
 * False when the request names an origin other than ours: a form posted from another site, or
 * `null` from an opaque origin (a sandboxed frame, a page with `Referrer-Policy: no-referrer`).
 * A request without Origin passes; forms that rely on this must carry a CSRF token too.
 */
export function postedFromOwnOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  return origin === undefined || origin.toLowerCase() === new URL(request.issuer).origin;
}

export function csrfRejected(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderErrorPage(reply, request.tenant, 'invalid_request', 'Invalid or missing CSRF token. Please start the login again.', 403);
}

export function expired(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderErrorPage(reply, request.tenant, 'invalid_request', 'Your login session has expired or was started in another browser. Please go back to the application and log in again.', 400);
}

/** The connection a login transaction logs in with: the requested one, else the tenant's default directory. */
export const connectionNameOf = (tenant: Tenant, authorization: AuthorizationRequest): string =>
  authorization.connection ?? tenant.settings.default_directory ?? DEFAULT_DATABASE_CONNECTION;

/** The database connection `name`, when it exists and is enabled for the application. */
export async function databaseConnectionFor(services: Services, tenantId: string, name: string, client: ConnectionUser): Promise<Connection | undefined> {
  const connection = await services.connections.findByName(tenantId, name);
  return connection && isStrategyKind(connection.strategy, 'database') && connectionEnabledFor(connection, client) ? connection : undefined;
}

/** Auth0's messages without their prefixes: "PasswordStrengthError: Password is too weak" reads "Password is too weak." */
export function userFacingProblem(message: string): string {
  const text = message.replace(/^Payload validation error: /, '').replace(/^[A-Za-z]+Error: /, '').replace(/\.$/, '');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/**
 * The CSP `form-action` of a page whose form ends in a redirect to the application: browsers apply
 * form-action to the redirect's target too, so the redirect_uri's origin (or, for a native app's
 * custom scheme, its scheme) is allowed besides our own.
 */
export function formActionFor(redirectUri: string): string[] {
  try {
    const url = new URL(redirectUri);
    const source = url.origin !== 'null' ? url.origin : url.protocol;
    return [`form-action 'self' ${source}`];
  } catch {
    return ["form-action 'self'"];
  }
}
