/**
 * Finds the tenant of every request from its Host (or X-Forwarded-Host behind a trusted proxy)
 * and computes the request's issuer. An unknown host is a 404: never another tenant's data.
 */
import type { FastifyInstance } from 'fastify';
import type { TenantService } from '../domain/tenants/tenant-service.js';
import { AuthApiError, ManagementApiError, isManagementApiPath } from './errors.js';

const HOST_WITH_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

export function registerTenantResolution(app: FastifyInstance, tenants: TenantService): void {
  app.decorateRequest('tenant', null as never);
  app.decorateRequest('issuer', '');
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.tenantless) return;
    const host = request.host;
    if (!host || !HOST_WITH_PORT.test(host)) throw unknownHost(request.url, 400, 'Invalid Host header.');
    const tenant = await tenants.resolveHost(request.hostname);
    if (!tenant) throw unknownHost(request.url, 404, `Unknown tenant host: ${request.hostname}`);
    request.tenant = tenant;
    request.issuer = `${request.protocol}://${host.toLowerCase()}/`;
  });
}

function unknownHost(url: string, status: number, message: string): Error {
  return isManagementApiPath(url)
    ? new ManagementApiError(status, message, status === 404 ? 'inexistent_tenant' : 'invalid_host')
    : new AuthApiError(status, status === 404 ? 'not_found' : 'invalid_request', message);
}
