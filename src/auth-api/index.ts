/** The Authentication API: one module per endpoint. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { discoveryRoutes } from './discovery.js';
import { jwksRoute } from './jwks.js';
import { tokenEndpoint } from './token/token-endpoint.js';
import { authorizeEndpoint } from './authorize/authorize-endpoint.js';
import { userinfoEndpoint } from './userinfo.js';
import { revokeEndpoint } from './revoke.js';
import { loginRoutes } from '../login/login-routes.js';
import { logoutEndpoints } from './logout.js';
import { registerCors } from './cors.js';

export const authenticationApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  registerCors(app, services);
  await app.register(discoveryRoutes);
  await app.register(jwksRoute, { services });
  await app.register(tokenEndpoint, { services });
  await app.register(authorizeEndpoint, { services });
  await app.register(userinfoEndpoint, { services });
  await app.register(revokeEndpoint, { services });
  await app.register(loginRoutes, { services });
  await app.register(logoutEndpoints, { services });
};
