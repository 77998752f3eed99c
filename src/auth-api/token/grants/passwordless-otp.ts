/**
 * `http://auth0.com/oauth/grant-type/passwordless/otp` (docs: Embedded Passwordless Login): the code
 * sent by `/passwordless/start` is exchanged for tokens. `realm` names the `email` or `sms`
 * connection, `username` the address or number, `otp` the code. Like the password grants, only
 * first-party applications may use it, with a connection enabled for them; confidential apps have
 * already authenticated at the token endpoint, public apps (SPA, native) only identified themselves.
 * The code is checked through attack protection (attemptPasswordlessLogin).
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { attemptPasswordlessLogin } from '../../../domain/passwordless/passwordless-login.js';
import { AuthApiError } from '../../../http/errors.js';
import { clientIp } from '../../client-ip.js';
import { rejectionError } from '../../passwordless/rejections.js';
import { requiredParam, type TokenParams } from '../token-request.js';
import type { GrantResult } from './grant.js';
import { tokensForDirectLogin } from './direct-login-tokens.js';
import { connectionEnabledFor } from '../../../domain/connections/connection.js';
import { strategyServesGrant } from '../../../domain/connections/strategies/registry.js';

export const PASSWORDLESS_OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';

export async function passwordlessOtpGrant(services: Services, request: FastifyRequest, params: TokenParams, client: Client): Promise<GrantResult> {
  const tenant = request.tenant;
  if (!client.is_first_party) {
    throw new AuthApiError(403, 'unauthorized_client', `Grant type '${PASSWORDLESS_OTP_GRANT}' not allowed for the client.`, { error_uri: 'https://auth0.com/docs/clients/client-grant-types' });
  }
  const realm = requiredParam(params, 'realm');
  const username = requiredParam(params, 'username');
  const otp = requiredParam(params, 'otp');

  const connection = await services.connections.findByName(tenant.id, realm);
  if (!connection || !strategyServesGrant(connection.strategy, PASSWORDLESS_OTP_GRANT)) throw new AuthApiError(400, 'invalid_request', 'the connection was not found');
  if (!connectionEnabledFor(connection, client)) throw new AuthApiError(400, 'invalid_request', 'the connection was disabled');

  // A confidential client has authenticated to get here; its backend may name the user's IP, if
  // the application is configured to be trusted with it (as for the password grants).
  const ip = clientIp(request, client.token_endpoint_auth_method !== 'none' && client.is_token_endpoint_ip_header_trusted);
  const attempt = await attemptPasswordlessLogin(services, { tenant, connection, username, otp, ip, clientId: client.client_id, issuer: request.issuer });
  if (!attempt.ok) throw rejectionError(connection.strategy, attempt);
  const { login } = attempt;
  return tokensForDirectLogin(services, request, params, client, { login, ip });
}
