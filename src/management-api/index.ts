/**
 * The Management API v2 under `/api/v2`: token authentication and scope checks for every route,
 * one module per resource, and an `sapi`/`fapi` log event for every write.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { registerManagementAuthentication } from './authenticate.js';
import { registerManagementCors } from './cors.js';
import { ManagementApiError } from '../http/errors.js';
import type { ManagementPrincipal } from '../http/request-context.js';
import { registerResponseSerializer } from './response-serializer.js';
import type { DeferredCompilations } from '../http/deferred-compilation.js';
import { openApiRoute } from './openapi.js';
import { brandingRoutes } from './branding.js';
import { tenantSettingsRoutes } from './tenant-settings.js';
import { resourceServerRoutes } from './resource-servers.js';
import { clientRoutes } from './clients.js';
import { clientCredentialRoutes } from './client-credentials.js';
import { clientGrantRoutes } from './client-grants.js';
import { signingKeyRoutes } from './signing-keys.js';
import { customSigningKeyRoutes } from './custom-signing-keys.js';
import { connectionRoutes } from './connections.js';
import { userRoutes } from './users.js';
import { logRoutes } from './logs.js';
import { userLogRoutes } from './user-logs.js';
import { roleRoutes } from './roles.js';
import { userAuthorizationRoutes } from './user-authorization.js';
import { grantRoutes } from './grants.js';
import { tesseraOutboxRoutes } from './tessera-outbox.js';
import { tesseraPasswordResetEmailRoutes } from './tessera-password-reset-email.js';
import { attackProtectionRoutes } from './attack-protection.js';
import { userBlockRoutes } from './user-blocks.js';
import { jobRoutes } from './jobs.js';
import { ticketRoutes } from './tickets.js';
import { anomalyBlockRoutes } from './anomaly-blocks.js';
import { statsRoutes } from './stats.js';
import { customDomainRoutes } from './custom-domains.js';
import { unavailableFeatureRoutes } from './unavailable-features.js';

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** A write made from the dashboard names the member who made it (an application's names its client id). */
const actorOf = (principal: ManagementPrincipal | undefined) => (principal?.kind === 'dashboard' ? { actor: { type: 'dashboard', user_id: principal.accountId } } : {});

export const managementApi: FastifyPluginAsync<{ services: Services; compilations: DeferredCompilations }> = async (app, { services, compilations }) => {
  // The admin tenant serves no Management API: dashboard accounts are managed through the control API.
  app.addHook('onRequest', async (request) => {
    if (request.tenant?.kind === 'admin') throw new ManagementApiError(404, 'Not Found', 'not_found');
  });
  // Before authentication, so that its 401s and 403s carry the CORS header as well.
  registerManagementCors(app, services);
  registerManagementAuthentication(app, services);
  registerResponseSerializer(app, compilations);

  app.addHook('onResponse', async (request, reply) => {
    if (!WRITE_METHODS.has(request.method) || !request.tenant || !request.grantedScopes) return;
    const ok = reply.statusCode < 400;
    const path = request.url.split('?')[0] ?? request.url;
    request.audit(ok ? 'sapi' : 'fapi', {
      ...(request.managementClientId ? { clientId: request.managementClientId } : {}),
      description: `${request.method} ${request.routeOptions.url ?? path}`,
      details: { request: { method: request.method.toLowerCase(), path }, response: { statusCode: reply.statusCode }, ...actorOf(request.managementPrincipal) },
    });
  });

  await app.register(tenantSettingsRoutes, { services });
  await app.register(resourceServerRoutes, { services });
  await app.register(clientRoutes, { services });
  await app.register(clientCredentialRoutes, { services });
  await app.register(clientGrantRoutes, { services });
  await app.register(signingKeyRoutes, { services });
  await app.register(customSigningKeyRoutes, { services });
  await app.register(connectionRoutes, { services });
  await app.register(userRoutes, { services });
  await app.register(openApiRoute);
  await app.register(brandingRoutes, { services });
  await app.register(logRoutes, { services });
  await app.register(userLogRoutes, { services });
  await app.register(roleRoutes, { services });
  await app.register(userAuthorizationRoutes, { services });
  await app.register(grantRoutes, { services });
  await app.register(tesseraOutboxRoutes, { services });
  await app.register(tesseraPasswordResetEmailRoutes, { services });
  await app.register(attackProtectionRoutes, { services });
  await app.register(userBlockRoutes, { services });
  await app.register(jobRoutes, { services });
  await app.register(ticketRoutes, { services });
  await app.register(anomalyBlockRoutes, { services });
  await app.register(statsRoutes, { services });
  await app.register(customDomainRoutes, { services });
  await app.register(unavailableFeatureRoutes);
};
