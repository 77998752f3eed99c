/** `POST /oauth/token`: authenticates the client, dispatches on grant_type, logs the outcome. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import { AuthApiError } from '../../server/errors.js';
import { tokenParams } from './token-request.js';
import { authenticateClient } from './client-authentication.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';

const SUPPORTED_GRANTS = new Set(['client_credentials']);

export const tokenEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/oauth/token', async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const params = tokenParams(request);
    try {
      const grantType = params.grant_type;
      if (!grantType) throw new AuthApiError(400, 'invalid_request', 'Missing required parameter: grant_type');
      if (!SUPPORTED_GRANTS.has(grantType)) throw new AuthApiError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
      const { client } = await authenticateClient(services, request, params);
      const result = await clientCredentialsGrant(services, request, params, client);
      services.logs.record(request.tenant.id, {
        type: 'seacft',
        description: '',
        clientId: client.client_id,
        clientName: client.name,
        ip: request.ip,
        audience: result.audience,
        scope: result.scope,
        userAgent: userAgent(request),
      });
      return reply.send(result.response);
    } catch (error) {
      if (error instanceof AuthApiError) {
        services.logs.record(request.tenant.id, {
          type: 'feacft',
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
