/**
 * First-start provisioning: the default tenant and, for any tenant, the bootstrap
 * machine-to-machine application authorised for the whole Management API.
 */
import type { Services } from './services.js';
import type { Tenant } from './tenants/tenant-service.js';
import { MANAGEMENT_API_SCOPES } from './management-api-scopes.js';

export interface BootstrapCredentials {
  tenant: string;
  domain: string;
  client_id: string;
  client_secret: string;
  audience: string;
  /** True when this call created the application (its secret is new and must be shown once). */
  created: boolean;
}

export const BOOTSTRAP_CLIENT_NAME = 'Tessera Bootstrap (Management API)';

/**
 * Ensures the tenant has its bootstrap application, fully provisioned. With `fixed` credentials
 * (automation), the application with that id is created if missing and its secret is set to the
 * given one. Idempotent, and every step is checked on each call, so a start interrupted between
 * creating the application and granting it is completed by the next one.
 */
export async function ensureBootstrapClient(
  services: Services,
  tenant: Tenant,
  fixed?: { clientId: string; clientSecret: string },
): Promise<BootstrapCredentials> {
  await services.resourceServers.healSystemScopes(tenant.id, MANAGEMENT_API_SCOPES);
  const systemApi = await services.resourceServers.findSystem(tenant.id);
  if (!systemApi) throw new Error(`tenant ${tenant.name} has no system API`);
  const base = { tenant: tenant.name, domain: tenant.domain, audience: systemApi.identifier };

  if (fixed) {
    const existing = await services.clients.find(tenant.id, tenant.name, fixed.clientId);
    if (existing) {
      if (existing.client_secret !== fixed.clientSecret) await services.clients.update(tenant.id, tenant.name, fixed.clientId, { client_secret: fixed.clientSecret });
      await ensureGrant(services, tenant.id, fixed.clientId, systemApi.identifier);
      return { ...base, client_id: fixed.clientId, client_secret: fixed.clientSecret, created: false };
    }
  } else {
    const existing = await findBootstrapClient(services, tenant);
    if (existing) {
      await ensureGrant(services, tenant.id, existing.client_id, systemApi.identifier);
      return { ...base, client_id: existing.client_id, client_secret: existing.client_secret ?? '', created: false };
    }
  }

  let client;
  try {
    client = await services.clients.create(tenant.id, tenant.name, {
      name: BOOTSTRAP_CLIENT_NAME,
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      ...(fixed ? { client_id: fixed.clientId, client_secret: fixed.clientSecret } : {}),
    });
  } catch (error) {
    // Several instances starting at once on an empty database race to create it; one wins.
    if (fixed && (await services.storage.repos.clients.findById(tenant.id, fixed.clientId))) return ensureBootstrapClient(services, tenant, fixed);
    throw error;
  }
  await ensureGrant(services, tenant.id, client.client_id, systemApi.identifier);
  return { ...base, client_id: client.client_id, client_secret: client.client_secret!, created: true };
}

async function findBootstrapClient(services: Services, tenant: Tenant): Promise<{ client_id: string; client_secret?: string | null } | undefined> {
  const { items } = await services.clients.list(tenant.id, tenant.name, {}, { offset: 0, limit: 1000 });
  return items.find((c) => c.name === BOOTSTRAP_CLIENT_NAME);
}

/**
 * At start, for every tenant other than the default one (whose application `ensureBootstrapClient`
 * provisions): the system API gets the scopes this version defines, and an existing bootstrap
 * application its grant with all of them. A missing application is not recreated: it may have
 * been deleted on purpose (`tessera tenants create NAME` again completes an interrupted creation).
 */
export async function healTenantProvisioning(services: Services, tenant: Tenant): Promise<void> {
  await services.resourceServers.healSystemScopes(tenant.id, MANAGEMENT_API_SCOPES);
  const systemApi = await services.resourceServers.findSystem(tenant.id);
  const client = systemApi ? await findBootstrapClient(services, tenant) : undefined;
  if (systemApi && client) await ensureGrant(services, tenant.id, client.client_id, systemApi.identifier);
}

/**
 * The bootstrap application's grant holds every Management API scope: created if missing (a start
 * that stopped after creating the application), completed if an older version granted fewer (the
 * Tessera extension scopes added since, such as `read:dev_outbox`).
 */
async function ensureGrant(services: Services, tenantId: string, clientId: string, audience: string): Promise<void> {
  const existing = await services.storage.repos.clientGrants.findFor(tenantId, clientId, audience, 'client');
  if (existing) {
    const held = new Set((existing.document.scope as string[] | undefined) ?? []);
    const missing = MANAGEMENT_API_SCOPES.filter((scope) => !held.has(scope));
    if (missing.length > 0) await services.clientGrants.update(tenantId, existing.id, { scope: [...held, ...missing] });
    return;
  }
  try {
    await services.clientGrants.create(tenantId, { client_id: clientId, audience, scope: [...MANAGEMENT_API_SCOPES] });
  } catch (error) {
    if (!(await services.storage.repos.clientGrants.findFor(tenantId, clientId, audience, 'client'))) throw error;
  }
}

export async function ensureTenant(services: Services, name: string): Promise<{ tenant: Tenant; created: boolean }> {
  const existing = await services.tenants.findByName(name);
  if (existing) return { tenant: existing, created: false };
  try {
    return { tenant: await services.tenants.create(name), created: true };
  } catch (error) {
    // Another instance created it between our read and our insert.
    const created = await services.tenants.findByName(name);
    if (created) return { tenant: created, created: false };
    throw error;
  }
}
