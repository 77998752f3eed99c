/**
 * RFC 9110 §15.5.6: a resource that exists but does not take the method answers 405 with an `Allow`
 * header, not 404 (which says the endpoint does not exist — misleading to anyone debugging a client
 * that sends `GET /oauth/token`). The body is the Authentication API's JSON error.
 *
 * Registered beside the real route by one call per path, so an endpoint declares its methods once.
 * OPTIONS is left alone (CORS preflights have their own routes) and HEAD follows GET (Fastify's
 * automatic HEAD routes).
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { AuthApiError } from './errors.js';

const METHODS: readonly HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Answers 405 to every method of METHODS on `path` that `allowed` does not list. */
export function refuseOtherMethods(app: FastifyInstance, path: string, allowed: readonly HTTPMethods[] = ['POST']): void {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
  app.route({
    method: METHODS.filter((method) => !allowed.includes(method)),
    url: path,
    handler: async (request) => {
      throw new AuthApiError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}.`, {}, { allow });
    },
  });
}
