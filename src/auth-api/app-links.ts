/**
 * The association files of the tenant's native apps, on every host of the tenant (the host decides
 * the tenant, so a custom domain serves the same apps):
 * - `GET /.well-known/apple-app-site-association` (and `/apple-app-site-association`, where the docs'
 *   "Test link" looks and where older iOS versions fall back), application/json;
 * - `GET /.well-known/assetlinks.json`, Digital Asset Links statements.
 * Built from the applications' `mobile` settings (domain/clients/mobile-links.ts), bounded there, and
 * cached per tenant: any application write drops the entry on every instance (CLIENT_KIND), like the
 * CORS origin cache.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Services } from '../domain/services.js';
import { CLIENT_KIND } from '../domain/clients/client.js';
import { appleAppSiteAssociation, assetLinks } from '../domain/clients/mobile-links.js';
import { EntityCache } from '../storage/cache/entity-cache.js';

interface AssociationFiles {
  apple: string;
  android: string;
}

export const appLinkRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const files = new EntityCache<AssociationFiles>(CLIENT_KIND, services.bus, { perTenant: true, max: 5_000 });

  const load = (tenantId: string, tenantName: string) =>
    files.get(tenantId, 'app-links', async () => {
      const { items } = await services.clients.list(tenantId, tenantName, { appTypes: ['native'] }, { offset: 0, limit: 100_000 });
      return { apple: JSON.stringify(appleAppSiteAssociation(items)), android: JSON.stringify(assetLinks(items)) };
    });

  // Apple's CDN and Android's verifier fetch these; a minute of public caching keeps changes prompt.
  const send = (reply: FastifyReply, body: string) =>
    reply.header('content-type', 'application/json').header('cache-control', 'public, max-age=60').send(body);

  for (const path of ['/.well-known/apple-app-site-association', '/apple-app-site-association']) {
    app.get(path, async (request, reply) => send(reply, (await load(request.tenant.id, request.tenant.name))!.apple));
  }
  app.get('/.well-known/assetlinks.json', async (request, reply) => send(reply, (await load(request.tenant.id, request.tenant.name))!.android));
};
