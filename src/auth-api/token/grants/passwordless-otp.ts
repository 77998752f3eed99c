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
import { tokenGrant, type GrantParams, type GrantResult } from './grant.js';
import { tokensForDirectLogin } from './direct-login-tokens.js';
import { requireBindingFor } from '../../client-certificate.js';
import { connectionEnabledFor } from '../../../domain/connections/connection.js';
import { strategyServesGrant } from '../../../domain/connections/strategies/registry.js';

const PASSWORDLESS_OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';

export const passwordlessOtpGrant = tokenGrant({
  grantType: PASSWORDLESS_OTP_GRANT,
  // Auth0's discovery document does not list it.
  advertised: false,
  params: { required: ['realm', 'username', 'otp'], optional: ['scope', 'audience'] },
  firstPartyOnly: true,
  // Auth0 has no success type of its own for this exchange: it is a login (`s`).
  logs: { success: 's', failure: 'fepotpft' },
  handle: exchangeCode,
});

async function exchangeCode(services: Services, request: FastifyRequest, params: GrantParams<'realm' | 'username' | 'otp', 'scope' | 'audience'>, client: Client): Promise<GrantResult> {
  const tenant = request.tenant;
  const { realm, username, otp } = params;

  const connection = await services.connections.findByName(tenant.id, realm);
  if (!connection || !strategyServesGrant(connection.strategy, PASSWORDLESS_OTP_GRANT)) throw new AuthApiError(400, 'invalid_request', 'the connection was not found');
  if (!connectionEnabledFor(connection, client)) throw new AuthApiError(400, 'invalid_request', 'the connection was disabled');

  // A required certificate binding is refused before the credentials are checked (no attempt counted, no code burnt, no login recorded).
  await requireBindingFor(services, request, client, params.audience || request.tenant.settings.default_audience);
  // A confidential client has authenticated to get here; its backend may name the user's IP, if
  // the application is configured to be trusted with it (as for the password grants).
  const ip = clientIp(request, client.token_endpoint_auth_method !== 'none' && client.is_token_endpoint_ip_header_trusted);
  const attempt = await attemptPasswordlessLogin(services, { tenant, connection, username, otp, ip, clientId: client.client_id, audit: request.audit, issuer: request.issuer });
  if (!attempt.ok) throw rejectionError(connection.strategy, attempt);
  const { login } = attempt;
  return tokensForDirectLogin(services, request, params, client, { login, ip });
}
