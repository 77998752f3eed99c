/**
 * Keeps every tenant's system API under its one canonical identifier, `{public origin}/api/v2/`.
 * The identifier depends on configuration (TESSERA_PUBLIC_URL, or PORT/TLS by default), so a tenant
 * created under another configuration is moved to the current one at start (with PORT=0, whose port
 * is different at each start, only a change of scheme or host moves it). Grants, permissions and
 * consents move with it; whatever still names an old identifier keeps working, since every alias
 * resolves to the system API. Other instances drop their cached copies through the invalidation bus.
 */
import type { Services } from '../services.js';
import type { Tenant } from './tenant-service.js';

export interface IdentityReport {
  /** Tenants whose system API was moved to the canonical identifier. */
  moved: string[];
  /** Problems left for an operator (e.g. a custom API holding the canonical identifier). */
  warnings: string[];
}

export async function healManagementApiIdentifiers(services: Services): Promise<IdentityReport> {
  const report: IdentityReport = { moved: [], warnings: [] };
  const current = await services.storage.repos.resourceServers.listSystemIdentifiers();
  const tenants = await services.tenants.list();
  for (const tenant of tenants) {
    const canonical = services.tenants.publicOrigin.managementApiIdentifier(tenant.name);
    const stored = current.get(tenant.id);
    if (stored === undefined || services.tenants.publicOrigin.isCurrentManagementApiIdentifier(tenant.name, stored)) continue;
    const moved = await services.storage.transaction(async (repos) => {
      const system = await repos.resourceServers.findSystem(tenant.id);
      if (!system || system.identifier === canonical) return false;
      const holder = await repos.resourceServers.findByIdentifier(tenant.id, canonical);
      if (holder) return false; // named by warnAboutShadowedApis
      await repos.resourceServers.renameSystemIdentifier(tenant.id, system.identifier, canonical);
      return true;
    });
    if (!moved) continue;
    report.moved.push(tenant.name);
    // The system API and the grants for it are cached under the old identifier.
    await services.resourceServers.invalidate(tenant.id);
    await services.clientGrants.invalidate(tenant.id);
  }
  await warnAboutShadowedApis(services, tenants, report);
  return report;
}

/**
 * Custom APIs whose identifier is an alias of the Management API (created before aliases were
 * refused, or made one by a new custom domain or public URL) are shadowed by it: their tokens are
 * refused by /api/v2 and token requests for their identifier get the Management API. An operator
 * should delete them (by id); say so at every start until they do.
 */
async function warnAboutShadowedApis(services: Services, tenants: readonly Tenant[], report: IdentityReport): Promise<void> {
  const names = new Map(tenants.map((tenant) => [tenant.id, tenant.name]));
  for (const api of await services.storage.repos.resourceServers.listCustomWithManagementApiPath()) {
    const tenant = names.get(api.tenantId);
    if (!tenant || !(await services.tenants.isManagementApiAlias(api.tenantId, api.identifier))) continue;
    report.warnings.push(`tenant ${tenant}: the API ${api.id} (${api.identifier}) has an identifier of the Management API; it is shadowed by the Management API and its tokens are refused (delete it by id)`);
  }
}
