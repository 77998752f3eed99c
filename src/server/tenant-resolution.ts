/**
 * Finds the tenant of every request from its Host (or X-Forwarded-Host behind a trusted proxy)
 * and computes the request's issuer: the public scheme and port (config) with the host name the
 * request came on, never the Host's port or the connection's protocol, which the client chooses.
 * An unknown host is a 404: never another tenant's data.
 *
 * `mtls.{host}` is the tenant's mTLS alias host (RFC 8705 §5, Auth0's `mtls.enable_endpoint_aliases`)
 * when no tenant has that exact host and the tenant of `{host}` turned aliases on: it serves only
 * the mTLS endpoints (auth-api/mtls-aliases.ts), with the issuer of `{host}`. The mutual-TLS
 * listener (mtls-listener.ts) serves alias hosts only, and resolves `mtls.{host}` as the alias of
 * `{host}` and never as a tenant's own host: a tenant named `mtls` (the name is reserved now, but
 * older tenants may have it) or a custom domain `mtls.{x}` can never receive the certificate, the
 * credentials or the tokens meant for the tenant the alias belongs to. On the main listener a
 * tenant's own host wins, and discovery then advertises no alias that another tenant owns.
 * On a cache hit the hook completes synchronously: it runs on every request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Tenant, TenantService } from '../domain/tenants/tenant-service.js';
import { MTLS_ALIAS_PREFIX } from '../domain/tenants/public-origin.js';
import { AuthApiError, ManagementApiError, isManagementApiPath } from '../http/errors.js';
import { applyClientIpHeader, type ProxyTrust } from './client-ip-header.js';
import { NO_PLACEHOLDERS } from '../domain/clients/url-rules.js';
import { MTLS_ALIAS_PATHS, mtlsAliasesEnabled } from '../auth-api/mtls-aliases.js';
import { mtlsListenerOf } from './mtls-listener.js';

const HOST_WITH_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

/** The tenant a host name resolved to, the host whose settings apply (the alias's base host), and whether it was the alias. */
interface Resolved {
  tenant: Tenant | null;
  servedHost: string;
  alias: boolean;
}

/** `mtls.{rest}` → `{rest}`. */
function aliasBase(hostname: string): string | undefined {
  const host = hostname.toLowerCase();
  return host.startsWith(MTLS_ALIAS_PREFIX) && host.length > MTLS_ALIAS_PREFIX.length ? host.slice(MTLS_ALIAS_PREFIX.length) : undefined;
}

/** From the host cache only; undefined when some answer is not cached yet. `aliasOnly`: on the mTLS listener. */
function resolveCached(tenants: TenantService, hostname: string, aliasOnly: boolean): Resolved | undefined {
  if (!aliasOnly) {
    const direct = tenants.peekHost(hostname);
    if (direct !== null) return direct === undefined ? undefined : { tenant: direct, servedHost: hostname, alias: false };
  }
  const base = aliasBase(hostname);
  if (base === undefined) return { tenant: null, servedHost: hostname, alias: false };
  const viaAlias = tenants.peekHost(base);
  return viaAlias === undefined ? undefined : { tenant: viaAlias, servedHost: base, alias: true };
}

async function resolve(tenants: TenantService, hostname: string, aliasOnly: boolean): Promise<Resolved> {
  const direct = aliasOnly ? null : await tenants.resolveHost(hostname);
  if (direct) return { tenant: direct, servedHost: hostname, alias: false };
  const base = aliasBase(hostname);
  if (base === undefined) return { tenant: null, servedHost: hostname, alias: false };
  return { tenant: await tenants.resolveHost(base), servedHost: base, alias: true };
}

/** `trust`: which connections may name the client's address in a custom domain's `custom_client_ip_header`. */
export function registerTenantResolution(app: FastifyInstance, tenants: TenantService, trust: ProxyTrust): void {
  app.decorateRequest('tenant', null as never);
  app.decorateRequest('issuer', '');
  app.decorateRequest('urlPlaceholders', null as never);
  app.decorateRequest('mtlsAlias', false);
  app.addHook('onRequest', (request, _reply, done) => {
    const onMtlsListener = mtlsListenerOf(request.raw.socket) !== undefined;
    if (request.routeOptions.config?.tenantless && !onMtlsListener) return done();
    const host = request.host;
    if (!host || !HOST_WITH_PORT.test(host)) return done(unknownHost(request.url, 400, 'Invalid Host header.'));
    const cached = resolveCached(tenants, request.hostname, onMtlsListener);
    if (cached !== undefined) return done(attach(request, tenants, cached, trust));
    resolve(tenants, request.hostname, onMtlsListener).then(
      (resolved) => done(attach(request, tenants, resolved, trust)),
      (error: Error) => done(error),
    );
  });
}

/** Sets the request's tenant and issuer; returns the error to fail with when there is no tenant. */
function attach(request: FastifyRequest, tenants: TenantService, { tenant, servedHost, alias }: Resolved, trust: ProxyTrust): Error | undefined {
  const unknown = () => unknownHost(request.url, 404, `Unknown tenant host: ${request.hostname}`);
  if (!tenant) return unknown();
  if (alias && (tenant.kind === 'admin' || !mtlsAliasesEnabled(tenant.settings))) return unknown();
  // The listener that asks for certificates answers on alias hosts only (mtls-listener.ts).
  if (!alias && mtlsListenerOf(request.raw.socket)) return unknown();
  if (alias && !MTLS_ALIAS_PATHS.has(request.url.split('?')[0]!)) {
    // In the format of the API the path belongs to, as the not-found handler answers (app.ts).
    return isManagementApiPath(request.url)
      ? new ManagementApiError(404, 'Not Found', 'not_found')
      : new AuthApiError(404, 'not_found', `Not found: ${request.method} ${request.url.split('?')[0]} (the mTLS alias host serves only the mTLS endpoints)`);
  }
  request.tenant = tenant;
  request.mtlsAlias = alias;
  const { clientIpHeader, customDomainMetadata } = tenants.customDomainOf(servedHost);
  // Before the audit, rate-limit and attack-protection hooks read the address (they are registered after this one).
  // Not on the mTLS listener: nothing stands between it and the client (the client's own TLS
  // handshake ends there), so no header names the client's address (mtls-listener.ts).
  if (!mtlsListenerOf(request.raw.socket)) applyClientIpHeader(request, clientIpHeader, trust);
  // On the alias the issuer is the tenant host's: tokens minted there must verify as the host's.
  request.issuer = tenants.publicOrigin.issuerFor(servedHost.replace(/\.$/, ''));
  request.urlPlaceholders = customDomainMetadata ? { customDomainMetadata } : NO_PLACEHOLDERS;
  return undefined;
}

function unknownHost(url: string, status: number, message: string): Error {
  return isManagementApiPath(url)
    ? new ManagementApiError(status, message, status === 404 ? 'inexistent_tenant' : 'invalid_host')
    : new AuthApiError(status, status === 404 ? 'not_found' : 'invalid_request', message);
}
