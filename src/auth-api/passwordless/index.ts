/** Passwordless: `POST /passwordless/start`, magic links, and the hosted code page. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../domain/services.js';
import { passwordlessStartEndpoint } from './start-endpoint.js';
import { magicLinkRoutes } from './magic-link.js';
import { passwordlessRoutes as passwordlessPage } from '../../login/passwordless-routes.js';

export const passwordlessRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(passwordlessStartEndpoint, { services });
  await app.register(magicLinkRoutes, { services });
  await app.register(passwordlessPage, { services });
};
