/**
 * The resource owner password grants (docs: Resource Owner Password Flow, Realm Support):
 * `grant_type=password` logs in against the tenant's `default_directory`, and
 * `http://auth0.com/oauth/grant-type/password-realm` against the connection named by `realm`.
 * Only trusted first-party applications may use them, and only with a database connection that is
 * enabled for the application. The password is always verified, even for unknown users, so the
 * answer's timing does not reveal which accounts exist. Attack protection (brute force, suspicious
 * IPs, breached passwords) counts against the end user's IP: `auth0-forwarded-for` when a trusted
 * confidential application sends it (docs: "Avoid common issues with Resource Owner Password Flow
 * and Attack Protection"), otherwise the caller's.
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { ApiAccessDenied, userApiAccess } from '../../../domain/oidc/api-access.js';
import { OIDC_SCOPES } from '../../../domain/oidc/user-claims.js';
import { mintUserTokens, type UserGrant } from '../../../domain/oidc/user-tokens.js';
import { nowSeconds } from '../../../domain/clock.js';
import { attemptPasswordLogin, type LoginRejection } from '../../../domain/authentication/login-attempt.js';
import { REJECTION_MESSAGES } from '../../../domain/authentication/rejection-messages.js';
import { AuthApiError } from '../../../server/errors.js';
import type { TokenParams } from '../token-request.js';
import type { GrantResult } from './grant.js';

export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

const required = (params: TokenParams, name: string): string => {
  const value = params[name];
  if (!value) throw new AuthApiError(400, 'invalid_request', `Missing required parameter: ${name}`);
  return value;
};

export async function passwordGrant(services: Services, request: FastifyRequest, params: TokenParams, client: Client): Promise<GrantResult> {
  const tenant = request.tenant;
  const grantType = params.grant_type!;
  // Management API rules keep these grants off third-party applications; a later ownership change must not reopen them.
  if (!client.is_first_party) {
    throw new AuthApiError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`, { error_uri: 'https://auth0.com/docs/clients/client-grant-types' });
  }
  const username = required(params, 'username');
  const password = required(params, 'password');
  const connectionName = grantType === PASSWORD_REALM_GRANT ? required(params, 'realm') : tenant.settings.default_directory;
  // Auth0 answers `server_error` with this text; a configuration gap is reported as a 400 here, never a 500.
  if (!connectionName) throw new AuthApiError(400, 'invalid_request', 'Authorization server not configured with default connection.');

  const connection = await services.connections.findByName(tenant.id, connectionName);
  if (!connection || connection.strategy !== 'auth0') throw new AuthApiError(400, 'invalid_request', 'the connection was not found');
  if (!connection.enabled_clients.includes(client.client_id)) throw new AuthApiError(400, 'invalid_request', 'the connection was disabled');

  const ip = endUserIp(request, client);
  const attempt = await attemptPasswordLogin(services, { tenant, connection, username: username.trim(), password, ip, clientId: client.client_id, issuer: request.issuer });
  if (!attempt.ok) throw rejection(attempt.reason);
  const { login } = attempt;

  const requested = (params.scope ?? '').split(' ').filter(Boolean);
  const oidcScopes = [...new Set(requested.filter((s) => OIDC_SCOPES.has(s)))];
  const grant: UserGrant = { clientId: client.client_id, userId: login.user.user_id, scope: oidcScopes, authTime: nowSeconds() };
  const audience = params.audience || tenant.settings.default_audience;
  if (audience) {
    try {
      const access = await userApiAccess(services, tenant.id, client, login.user.user_id, audience, requested);
      grant.audience = access.api.identifier;
      // An API that does not allow offline access gets no refresh token (docs: API settings).
      grant.scope = [...oidcScopes.filter((s) => s !== 'offline_access' || access.api.allow_offline_access), ...access.scopes];
      if (access.permissions && access.api.token_dialect.endsWith('_authz')) grant.permissions = access.permissions;
    } catch (error) {
      if (error instanceof ApiAccessDenied) throw new AuthApiError(403, 'access_denied', error.message);
      throw error;
    }
  }

  await services.users.recordLogin(login, { ip, password });
  const tokens = await mintUserTokens(services, tenant, request.issuer, client, login.user, grant, { accessToken: true, idToken: true, grantType: 'password' });
  const refreshToken = await services.refreshTokens.issue(tenant.id, client, grant);
  if (refreshToken) tokens.refresh_token = refreshToken;
  return { response: tokens, userId: login.user.user_id, ...(grant.audience ? { audience: grant.audience } : {}), scope: tokens.scope };
}

/** Auth0's /oauth/token answers for each refusal (docs: Authentication API, resource owner password errors). */
function rejection(reason: LoginRejection): AuthApiError {
  switch (reason) {
    case 'wrong_credentials':
      return new AuthApiError(403, 'invalid_grant', REJECTION_MESSAGES.wrong_credentials);
    case 'blocked_user':
      return new AuthApiError(401, 'unauthorized', REJECTION_MESSAGES.blocked_user);
    case 'too_many_attempts':
      return new AuthApiError(429, 'too_many_attempts', REJECTION_MESSAGES.too_many_attempts);
    case 'suspicious_ip':
      return new AuthApiError(429, 'too_many_attempts', REJECTION_MESSAGES.suspicious_ip);
    case 'password_leaked':
      return new AuthApiError(401, 'password_leaked', REJECTION_MESSAGES.password_leaked);
  }
}

/**
 * The end user's IP: a backend calling on a user's behalf sends it in `auth0-forwarded-for`, which
 * only counts for a confidential application (it authenticated) marked `is_token_endpoint_ip_header_trusted`;
 * anyone else could use the header to dodge or to frame an IP.
 */
function endUserIp(request: FastifyRequest, client: Client): string {
  const header = request.headers['auth0-forwarded-for'];
  if (typeof header === 'string' && client.is_token_endpoint_ip_header_trusted && client.token_endpoint_auth_method !== 'none') {
    const first = header.split(',')[0]!.trim();
    if (isIP(first) !== 0) return first;
  }
  return request.ip;
}
