/**
 * `POST /oauth/token`: authenticates the client, checks the grant type is enabled for it,
 * dispatches to the grant's handler, and logs the outcome with Auth0's log type for that grant.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import { AuthApiError } from '../../http/errors.js';
import { tokenParams, type TokenParams } from './token-request.js';
import { authenticateClient } from './client-authentication.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { authorizationCodeGrant } from './grants/authorization-code.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { passwordGrant, PASSWORD_REALM_GRANT } from './grants/password.js';
import { passwordlessOtpGrant, PASSWORDLESS_OTP_GRANT } from './grants/passwordless-otp.js';
import type { GrantResult } from './grants/grant.js';

interface GrantHandler {
  handle(services: Services, request: FastifyRequest, params: TokenParams, client: Client): Promise<GrantResult>;
  /** Auth0 log types for success and failure. */
  logs: [string, string];
}

const GRANTS: Record<string, GrantHandler> = {
  client_credentials: { handle: clientCredentialsGrant, logs: ['seccft', 'feccft'] },
  authorization_code: { handle: authorizationCodeGrant, logs: ['seacft', 'feacft'] },
  refresh_token: { handle: refreshTokenGrant, logs: ['sertft', 'fertft'] },
  password: { handle: passwordGrant, logs: ['sepft', 'fepft'] },
  [PASSWORD_REALM_GRANT]: { handle: passwordGrant, logs: ['sepft', 'fepft'] },
  // Auth0 has no success type of its own for this exchange: it is a login (`s`).
  [PASSWORDLESS_OTP_GRANT]: { handle: passwordlessOtpGrant, logs: ['s', 'fepotpft'] },
};

export const tokenEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/oauth/token', async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const params = tokenParams(request);
    const grantType = params.grant_type;
    if (!grantType) throw new AuthApiError(400, 'invalid_request', 'Missing required parameter: grant_type');
    const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
    if (!grant) throw new AuthApiError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
    const [successType, failureType] = grant.logs;
    try {
      const { client } = await authenticateClient(services, request, params);
      if (!client.grant_types.includes(grantType)) {
        throw new AuthApiError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`, { error_uri: 'https://auth0.com/docs/clients/client-grant-types' });
      }
      const result = await grant.handle(services, request, params, client);
      services.logs.record(request.tenant.id, {
        type: successType,
        description: '',
        clientId: client.client_id,
        clientName: client.name,
        ip: request.ip,
        userAgent: userAgent(request),
        ...(result.audience ? { audience: result.audience } : {}),
        ...(result.scope ? { scope: result.scope } : {}),
        ...(result.userId ? { userId: result.userId } : {}),
      });
      return reply.send(result.response);
    } catch (error) {
      if (error instanceof AuthApiError) {
        services.logs.record(request.tenant.id, {
          type: failureType,
          description: error.description,
          ...(params.client_id ? { clientId: params.client_id } : {}),
          ip: request.ip,
          ...(params.audience ? { audience: params.audience } : {}),
          userAgent: userAgent(request),
        });
      }
      throw error;
    }
  });
};

const userAgent = (request: FastifyRequest): string => String(request.headers['user-agent'] ?? '');
