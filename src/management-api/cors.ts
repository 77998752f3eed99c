/**
 * CORS of the Management API. Two kinds of page call it from a browser:
 *  - the dashboard, from the admin origin (exactly), with a member's dashboard token, on any route;
 *  - an application's own page, with a user's own token, on the routes a user's token may call
 *    (`config.currentUser`: GET and PATCH `/users/{id}`), so that auth0.js's `Management`
 *    (`getUser`, `patchUserMetadata`) works from any origin, as Auth0's docs for SPAs describe.
 *
 * No credentials either way: the Management API reads no cookie, so a cross-origin page gains
 * nothing here that the bearer token it already holds does not give it. Error answers (401, 403)
 * carry the header too, so the page can read why it was refused.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { ManagementApiError } from '../http/errors.js';
import { NoContent } from './schema.js';

const CURRENT_USER_HEADERS = 'Authorization, Content-Type, Auth0-Client';
const DASHBOARD_HEADERS = 'Authorization, Content-Type';
const DASHBOARD_METHODS = 'GET, POST, PUT, PATCH, DELETE';
/** The one path pattern of the `currentUser` routes (management-api/users.ts). */
const CURRENT_USER_PATH = /^\/api\/v2\/users\/[^/?]+(?:\?|$)/;

export function registerManagementCors(app: FastifyInstance, services: Services): void {
  const adminOrigin = () => services.controlPlane.adminOrigin();
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin && origin === adminOrigin()) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    else if (origin && request.routeOptions.config?.currentUser) reply.header('access-control-allow-origin', '*');
    done();
  });
  // The preflight needs no token (browsers never send one with it); it only names what may follow.
  app.options('/*', { config: { public: true }, schema: { response: { 204: NoContent } } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin && origin === adminOrigin()) {
      return preflight(reply.header('access-control-allow-origin', origin).header('vary', 'Origin'), DASHBOARD_METHODS, DASHBOARD_HEADERS);
    }
    if (CURRENT_USER_PATH.test(request.url)) return preflight(reply.header('access-control-allow-origin', '*'), 'GET, PATCH', CURRENT_USER_HEADERS);
    throw new ManagementApiError(404, 'Not Found', 'not_found');
  });
}

function preflight(reply: FastifyReply, methods: string, headers: string): FastifyReply {
  return reply.header('access-control-allow-methods', methods).header('access-control-allow-headers', headers).header('access-control-max-age', '86400').code(204).send();
}
