/**
 * `POST /oauth/revoke` (RFC 7009 as Auth0 runs it): an application revokes one of its refresh
 * tokens, which ends the token's whole rotation family. Client authentication is the token
 * endpoint's (Basic or body secret; public applications send only `client_id`). The answer is 200
 * with an empty body whether the token was live, already revoked, unknown, or another
 * application's (Auth0 documents the same answer for all of these, and it tells a caller nothing
 * about tokens it does not hold); another application's token is never touched. With the tenant
 * flag `revoke_refresh_token_grant` the user's grant to the application is deleted too.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { AuthApiError } from '../http/errors.js';
import { tokenParams } from './token/token-request.js';
import { authenticateClient } from './client-auth/authenticate-client.js';

export const revokeEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/oauth/revoke', async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const params = tokenParams(request);
    const { client } = await authenticateClient(services, request, params);
    if (!params.token) throw new AuthApiError(400, 'invalid_request', 'Missing required parameter: token');
    const tenant = request.tenant;
    const revoked = await services.refreshTokens.revoke(tenant.id, client, params.token, { deleteGrant: tenant.settings.flags.revoke_refresh_token_grant === true });
    if (revoked) {
      request.audit('srrt', {
        description: 'Successful Refresh Token Revocation',
        client,
        userId: revoked.userId,
        ...(revoked.document.audience ? { audience: revoked.document.audience } : {}),
      });
    }
    return reply.code(200).send();
  });
};
