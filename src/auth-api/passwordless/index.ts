/** Passwordless: `POST /passwordless/start` and magic links (the hosted code page is in login/). */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../domain/services.js';
import { passwordlessStartEndpoint } from './start-endpoint.js';
import { magicLinkRoutes } from './magic-link.js';

export const passwordlessRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(passwordlessStartEndpoint, { services });
  await app.register(magicLinkRoutes, { services });
};
