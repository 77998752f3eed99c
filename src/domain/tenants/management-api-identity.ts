/**
 * Keeps every tenant's system API under its one canonical identifier, `{public origin}/api/v2/`.
 * The identifier depends on configuration (TESSERA_PUBLIC_URL, or PORT/TLS by default), so a tenant
 * created under another configuration is moved to the current one at start (with PORT=0, whose port
 * is different at each start, only a change of scheme or host moves it). Grants, permissions and
 * consents move with it; whatever still names an old identifier keeps working, since every alias
 * resolves to the system API. Other instances drop their cached copies through the invalidation bus.
 */
import type { Services } from '../services.js';

export interface IdentityReport {
  /** Tenants whose system API was moved to the canonical identifier. */
  moved: string[];
  /** Problems left for an operator (e.g. a custom API holding the canonical identifier). */
  warnings: string[];
}

export async function healManagementApiIdentifiers(services: Services): Promise<IdentityReport> {
  const report: IdentityReport = { moved: [], warnings: [] };
  const current = await services.storage.repos.resourceServers.listSystemIdentifiers();
  for (const tenant of await services.tenants.list()) {
    const canonical = services.tenants.publicOrigin.managementApiIdentifier(tenant.name);
    const stored = current.get(tenant.id);
    if (stored === undefined || services.tenants.publicOrigin.isCurrentManagementApiIdentifier(tenant.name, stored)) continue;
    const moved = await services.storage.transaction(async (repos) => {
      const system = await repos.resourceServers.findSystem(tenant.id);
      if (!system || system.identifier === canonical) return false;
      const holder = await repos.resourceServers.findByIdentifier(tenant.id, canonical);
      if (holder) {
        report.warnings.push(`tenant ${tenant.name}: the API ${holder.id} holds the Management API identifier ${canonical}; it is shadowed by the Management API (delete it)`);
        return false;
      }
      await repos.resourceServers.renameSystemIdentifier(tenant.id, system.identifier, canonical);
      return true;
    });
    if (!moved) continue;
    report.moved.push(tenant.name);
    await services.bus.publish({ tenantId: tenant.id, kind: 'resource-server' });
    await services.bus.publish({ tenantId: tenant.id, kind: 'client-grant' });
  }
  return report;
}
