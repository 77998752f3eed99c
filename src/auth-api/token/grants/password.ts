/**
 * The resource owner password grants (docs: Resource Owner Password Flow, Realm Support):
 * `grant_type=password` logs in against the tenant's `default_directory`, and
 * `http://auth0.com/oauth/grant-type/password-realm` against the connection named by `realm`.
 * Only trusted first-party applications may use them, and only with a database connection that is
 * enabled for the application. The password is always verified, even for unknown users, so the
 * answer's timing does not reveal which accounts exist.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { ApiAccessDenied, userApiAccess } from '../../../domain/oidc/api-access.js';
import { OIDC_SCOPES } from '../../../domain/oidc/user-claims.js';
import { mintUserTokens, type UserGrant } from '../../../domain/oidc/user-tokens.js';
import { nowSeconds } from '../../../domain/clock.js';
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

  const login = await services.users.findForLogin(tenant.id, connection.name, username.trim());
  const passwordOk = await services.users.checkPassword(login, password);
  if (!login || !passwordOk) throw new AuthApiError(403, 'invalid_grant', 'Wrong email or password.');
  if (login.blocked) throw new AuthApiError(401, 'unauthorized', 'user is blocked');

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

  await services.users.recordLogin(login, { ip: request.ip, password });
  const tokens = await mintUserTokens(services, tenant, request.issuer, client, login.user, grant, { accessToken: true, idToken: true, grantType: 'password' });
  const refreshToken = await services.refreshTokens.issue(tenant.id, client, grant);
  if (refreshToken) tokens.refresh_token = refreshToken;
  return { response: tokens, userId: login.user.user_id, ...(grant.audience ? { audience: grant.audience } : {}), scope: tokens.scope };
}
