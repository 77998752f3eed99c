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
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { attemptPasswordLogin, type LoginRejection } from '../../../domain/authentication/login-attempt.js';
import { REJECTION_MESSAGES } from '../../../domain/authentication/rejection-messages.js';
import { AuthApiError } from '../../../http/errors.js';
import { tokenGrant, type GrantParams, type GrantResult } from './grant.js';
import { tokensForDirectLogin } from './direct-login-tokens.js';
import { requireBindingFor } from '../../client-certificate.js';
import { clientIp } from '../../client-ip.js';
import { connectionEnabledFor } from '../../../domain/connections/connection.js';
import { strategyServesGrant } from '../../../domain/connections/strategies/registry.js';

const PASSWORD_PARAMS = { required: ['username', 'password'], optional: ['scope', 'audience'] } as const;

/** `grant_type=password`: the tenant's default directory. */
export const passwordGrant = tokenGrant({
  grantType: 'password',
  advertised: true,
  params: PASSWORD_PARAMS,
  firstPartyOnly: true,
  logs: { success: 'sepft', failure: 'fepft' },
  handle: (services, request, params, client) => {
    // Auth0 answers `server_error` with this text; a configuration gap is reported as a 400 here, never a 500.
    const connectionName = request.tenant.settings.default_directory;
    if (!connectionName) throw new AuthApiError(400, 'invalid_request', 'Authorization server not configured with default connection.');
    return passwordLogin(services, request, params, client, 'password', connectionName);
  },
});

/** `http://auth0.com/oauth/grant-type/password-realm`: the database connection named by `realm`. */
export const passwordRealmGrant = tokenGrant({
  grantType: 'http://auth0.com/oauth/grant-type/password-realm',
  advertised: true,
  params: { required: [...PASSWORD_PARAMS.required, 'realm'], optional: PASSWORD_PARAMS.optional },
  firstPartyOnly: true,
  logs: { success: 'sepft', failure: 'fepft' },
  handle: (services, request, params, client) => passwordLogin(services, request, params, client, 'http://auth0.com/oauth/grant-type/password-realm', params.realm),
});

/** `grantType` decides which connections may serve it (their strategy declares its grants). */
async function passwordLogin(
  services: Services,
  request: FastifyRequest,
  params: GrantParams<'username' | 'password', 'scope' | 'audience'>,
  client: Client,
  grantType: string,
  connectionName: string,
): Promise<GrantResult> {
  const tenant = request.tenant;
  const { username, password } = params;
  const connection = await services.connections.findByName(tenant.id, connectionName);
  if (!connection || !strategyServesGrant(connection.strategy, grantType)) throw new AuthApiError(400, 'invalid_request', 'the connection was not found');
  if (!connectionEnabledFor(connection, client)) throw new AuthApiError(400, 'invalid_request', 'the connection was disabled');

  // A required certificate binding is refused before the credentials are checked (no attempt counted, no code burnt, no login recorded).
  await requireBindingFor(services, request, client, params.audience || request.tenant.settings.default_audience);
  // A backend logging users in may name the user's IP in auth0-forwarded-for, believed only from a
  // confidential application trusted with it (docs: Resource Owner Password Flow and Attack Protection).
  const ip = clientIp(request, client.token_endpoint_auth_method !== 'none' && client.is_token_endpoint_ip_header_trusted === true);
  const attempt = await attemptPasswordLogin(services, { tenant, connection, username: username.trim(), password, ip, clientId: client.client_id, audit: request.audit, issuer: request.issuer });
  if (!attempt.ok) throw rejection(attempt.reason);
  const { login } = attempt;

  return tokensForDirectLogin(services, request, params, client, { login, ip, password, grantType: 'password' });
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
