/**
 * CORS for the routes a user's own Management API token may call (`config.currentUser`: GET and
 * PATCH `/users/{id}`), so that a single-page application can use auth0.js's `Management`
 * (`getUser`, `patchUserMetadata`) from its own origin, as Auth0's docs for SPAs describe.
 *
 * Any origin is allowed, without credentials: the Management API reads no cookie, so a cross-origin
 * page gains nothing here that the bearer token it already holds does not give it. Error answers
 * (401, 403) carry the header too, so the application can read why it was refused.
 */
import type { FastifyInstance } from 'fastify';
import { NoContent } from './schema.js';

const ALLOWED_HEADERS = 'Authorization, Content-Type, Auth0-Client';

export function registerCurrentUserCors(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (request.headers.origin && request.routeOptions.config?.currentUser) reply.header('access-control-allow-origin', '*');
    done();
  });
  // The preflight needs no token (browsers never send one with it); it only names what may follow.
  app.options('/users/:id', { config: { public: true }, schema: { response: { 204: NoContent } } }, async (_request, reply) => {
    return reply
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'GET, PATCH')
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '86400')
      .code(204)
      .send();
  });
}
