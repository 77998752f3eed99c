/**
 * `POST /oauth/token`: finds the grant for `grant_type` in the registry (grants/registry.ts),
 * authenticates the client (client-auth/), checks the grant type is enabled for it, runs the grant
 * (which checks its own declarations first, grants/grant.ts), and logs the outcome with the log
 * types the grant declares.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../domain/services.js';
import { AuthApiError } from '../../http/errors.js';
import { tokenParams } from './token-request.js';
import { authenticateClient } from '../client-auth/authenticate-client.js';
import { tenantFeatures } from '../../domain/tenants/features.js';
import { grantNotAllowed } from './grants/grant.js';
import { tokenGrantFor } from './grants/registry.js';
import { ProofOfPossessionRequired, bindingFor } from '../../domain/tokens/certificate-binding.js';
import { presentedThumbprint } from '../client-certificate.js';
import type { Client } from '../../domain/clients/client.js';
import { answerFapiInteractionId, echoFapiInteractionId } from '../fapi-headers.js';
import { conformantErrorCode } from '../../domain/clients/compliance-levels.js';

export const tokenEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  echoFapiInteractionId(app);
  app.post('/oauth/token', async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const params = tokenParams(request);
    const grantType = params.grant_type;
    if (!grantType) throw new AuthApiError(400, 'invalid_request', 'Missing required parameter: grant_type');
    const grant = tokenGrantFor(tenantFeatures(request.tenant.settings), grantType);
    if (!grant) throw new AuthApiError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
    const { success: successType, failure: failureType } = grant.logs;
    let client: Client | undefined;
    try {
      ({ client } = await authenticateClient(services, request, params));
      answerFapiInteractionId(request, reply, client);
      if (!client.grant_types.includes(grantType)) throw grantNotAllowed(grantType);
      const result = await (async () => {
        // The application's own requirement is known now: refused before a grant consumes a code or checks a password.
        bindingFor(client, undefined, presentedThumbprint(request));
        return grant.run(services, request, params, client);
      })().catch((error: unknown) => {
        // The application or the API requires certificate-bound tokens and the request presented no certificate.
        throw error instanceof ProofOfPossessionRequired ? new AuthApiError(400, 'invalid_request', error.message) : error;
      });
      request.audit(successType, {
        description: '',
        client,
        ...(result.audience ? { audience: result.audience } : {}),
        ...(result.scope ? { scope: result.scope } : {}),
        ...(result.userId ? { userId: result.userId } : {}),
      });
      return reply.send(result.response);
    } catch (error) {
      if (error instanceof AuthApiError) {
        if (!error.unlogged) request.audit(failureType, {
          description: error.logDescription ?? error.description,
          ...(params.client_id ? { clientId: params.client_id } : {}),
          ...(params.audience ? { audience: params.audience } : {}),
        });
        const code = conformantErrorCode(client, 'token', error.error);
        if (code !== error.error) throw new AuthApiError(code === 'invalid_grant' ? 403 : 400, code, error.description, error.extra, error.headers);
      }
      throw error;
    }
  });
};
