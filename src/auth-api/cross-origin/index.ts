/** Cross-origin authentication (embedded login with auth0.js and Lock): `/co/authenticate` and `/co/verify`. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../domain/services.js';
import { coAuthenticateEndpoint } from './co-authenticate.js';
import { coVerifyEndpoint } from './ticket-redemption.js';

export { registerCrossOriginCors } from './co-origins.js';

export const crossOriginRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(coAuthenticateEndpoint, { services });
  await app.register(coVerifyEndpoint, { services });
};
