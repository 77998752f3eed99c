/**
 * Finds the tenant of every request from its Host (or X-Forwarded-Host behind a trusted proxy)
 * and computes the request's issuer: the public scheme and port (config) with the host name the
 * request came on, never the Host's port or the connection's protocol, which the client chooses.
 * An unknown host is a 404: never another tenant's data.
 * On a cache hit the hook completes synchronously: it runs on every request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Tenant, TenantService } from '../domain/tenants/tenant-service.js';
import { AuthApiError, ManagementApiError, isManagementApiPath } from '../http/errors.js';
import { applyClientIpHeader, type ProxyTrust } from './client-ip-header.js';
import { NO_PLACEHOLDERS } from '../domain/clients/url-rules.js';

const HOST_WITH_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

/** `trust`: which connections may name the client's address in a custom domain's `custom_client_ip_header`. */
export function registerTenantResolution(app: FastifyInstance, tenants: TenantService, trust: ProxyTrust): void {
  app.decorateRequest('tenant', null as never);
  app.decorateRequest('issuer', '');
  app.decorateRequest('urlPlaceholders', null as never);
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config?.tenantless) return done();
    const host = request.host;
    if (!host || !HOST_WITH_PORT.test(host)) return done(unknownHost(request.url, 400, 'Invalid Host header.'));
    const cached = tenants.peekHost(request.hostname);
    if (cached !== undefined) return done(attach(request, tenants, cached, trust));
    tenants.resolveHost(request.hostname).then(
      (tenant) => done(attach(request, tenants, tenant, trust)),
      (error: Error) => done(error),
    );
  });
}

/** Sets the request's tenant and issuer; returns the error to fail with when there is no tenant. */
function attach(request: FastifyRequest, tenants: TenantService, tenant: Tenant | null, trust: ProxyTrust): Error | undefined {
  if (!tenant) return unknownHost(request.url, 404, `Unknown tenant host: ${request.hostname}`);
  request.tenant = tenant;
  const { clientIpHeader, customDomainMetadata } = tenants.customDomainOf(request.hostname);
  // Before the audit, rate-limit and attack-protection hooks read the address (they are registered after this one).
  applyClientIpHeader(request, clientIpHeader, trust);
  request.issuer = tenants.publicOrigin.issuerFor(request.hostname.replace(/\.$/, ''));
  request.urlPlaceholders = customDomainMetadata ? { customDomainMetadata } : NO_PLACEHOLDERS;
  return undefined;
}

function unknownHost(url: string, status: number, message: string): Error {
  return isManagementApiPath(url)
    ? new ManagementApiError(status, message, status === 404 ? 'inexistent_tenant' : 'invalid_host')
    : new AuthApiError(status, status === 404 ? 'not_found' : 'invalid_request', message);
}
