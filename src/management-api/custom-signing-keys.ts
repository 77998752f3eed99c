/**
 * `/api/v2/keys/custom-signing`: the tenant's customer-provided public signing keys, read, replaced
 * whole (at most ten) and deleted. They are published in the JWKS of the tenant's custom domains,
 * ahead of its own keys, and never verify a token for Tessera's own APIs.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import { notFound } from '../domain/errors.js';
import { privateMemberIn, privateMemberMessage } from '../domain/keys/custom-signing-keys.js';
import { ManagementApiError } from '../http/errors.js';
import { NoContent } from './schema.js';
import { CUSTOM_SIGNING_KEYS_BODY_LIMIT, CustomSigningKeysResponse, SetCustomSigningKeysBody } from './schemas/custom-signing-keys.js';
import { allOf, anyOf } from './scopes.js';

export const customSigningKeyRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/keys/custom-signing', { config: anyOf('read:custom_signing_keys'), schema: { response: { 200: CustomSigningKeysResponse } } }, async (request) => {
    const keys = await services.keys.customKeys(request.tenant.id);
    // The SDKs declare a 404 for this call: a tenant without custom keys has no set to show.
    if (keys.length === 0) throw notFound('No custom signing keys found for this tenant.', 'inexistent_custom_signing_keys');
    return { keys };
  });

  app.put(
    '/keys/custom-signing',
    {
      config: allOf('create:custom_signing_keys', 'update:custom_signing_keys'),
      bodyLimit: CUSTOM_SIGNING_KEYS_BODY_LIMIT,
      // Before validation, so that a private key is refused for what it is rather than as an unknown member.
      preValidation: async (request) => {
        const found = privateMemberIn(request.body);
        if (found) throw new ManagementApiError(400, privateMemberMessage(found), 'invalid_body');
      },
      schema: { body: SetCustomSigningKeysBody, response: { 200: CustomSigningKeysResponse } },
    },
    async (request) => ({ keys: await services.keys.replaceCustomKeys(request.tenant.id, request.body.keys) }),
  );

  app.delete('/keys/custom-signing', { config: anyOf('delete:custom_signing_keys'), schema: { response: { 204: NoContent } } }, async (request, reply) => {
    await services.keys.deleteCustomKeys(request.tenant.id);
    return reply.code(204).send();
  });
};
