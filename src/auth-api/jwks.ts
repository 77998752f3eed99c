/**
 * `GET /.well-known/jwks.json`: the tenant's current, next and previous (unrevoked) public keys; on a
 * custom domain, its customer-provided public keys first (domain/keys/custom-signing-keys.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';

export const jwksRoute: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/.well-known/jwks.json', async (request, reply) => {
    const ring = await services.keys.keyRing(request.tenant.id);
    const withAlg = request.tenant.settings.flags.remove_alg_from_jwks !== true;
    const onCustomDomain = services.tenants.isCustomDomainHost(request.hostname);
    // Short public caching: clients refetch soon after a rotation, and a revoked key disappears quickly.
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'public, max-age=15, stale-while-revalidate=15')
      .header('access-control-allow-origin', '*')
      .send(ring.jwksJson(withAlg, onCustomDomain));
  });
};
