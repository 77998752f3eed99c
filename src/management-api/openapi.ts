/**
 * The OpenAPI document of the Management API, generated from the route schemas themselves
 * (so it cannot drift from what the server validates) and served at `/api/v2/openapi.json`.
 * Each operation lists the Auth0 scopes it needs.
 */
import swagger from '@fastify/swagger';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { OpenObject } from './schema.js';
import { openApiSubset, type OpenApiDocument } from '../http/openapi-subset.js';

/** Registered on the root instance before any route, so it sees every route as it is added. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Tessera', version: 'v1' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
    },
    transform: ({ schema, url, route }) => {
      // Each API serves its own part of this document (openApiSubset): the Management API's, and the control API's.
      const isControl = url.startsWith('/api/control/v1/') && !url.endsWith('/openapi.json');
      const isManagement = (url.startsWith('/api/v2/') && !route.config?.public && !route.config?.unavailableFeature) || isControl;
      const scopes = route.config?.scopes;
      const currentUser = route.config?.currentUser;
      const description = scopes
        ? `Requires ${scopes.mode === 'all' ? 'all of' : 'any of'}: ${scopes.scopes.join(', ')}.` +
          (currentUser ? ` A user's own token (on its own id): any of ${currentUser.scopes.join(', ')}.` : '')
        : undefined;
      return { url, schema: { ...schema, hide: !isManagement, ...(description ? { description } : {}) } };
    },
  });
}

const INFO = { title: 'Tessera Management API', version: 'v2', description: 'Auth0-compatible Management API v2.' };

export const openApiRoute: FastifyPluginAsyncTypebox = async (app) => {
  const schema = { response: { 200: OpenObject({ description: 'The OpenAPI 3.0 document of this API.' }) } };
  let document: OpenApiDocument | undefined;
  app.get('/openapi.json', { config: { public: true }, schema }, async (_request, reply) => {
    document ??= openApiSubset(app.swagger() as unknown as OpenApiDocument, '/api/v2/', INFO);
    return reply.header('cache-control', 'public, max-age=300').send(document);
  });
};
