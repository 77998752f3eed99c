/**
 * The admin tenant (docs/plans/dashboard.md §1.2): created at the first start of a version with a
 * control plane, on every installation, new or upgraded, and healed at every start. Idempotent, and
 * safe when several instances start at once (the loser of the insert race finds the winner's tenant).
 *
 * What it holds: its key family (signs dashboard tokens), the database connection of dashboard
 * accounts (no public signup: accounts come from the setup link, invitations and the CLI), and the
 * dashboard's own public client, whose callback is the control API's. Its sessions last as the
 * dashboard's (idle 8 h, absolute 3 days); breached password detection is on.
 */
import { ConfigError } from '../../config/config.js';
import { DomainError } from '../errors.js';
import type { Services } from '../services.js';
import type { Tenant, TenantService } from '../tenants/tenant-service.js';
import { DEFAULT_DATABASE_CONNECTION } from '../connections/connection.js';
import { DASHBOARD_CLIENT_ID } from './dashboard-tokens.js';

/** The connection dashboard accounts live in (the admin tenant's default database connection). */
export const DASHBOARD_CONNECTION = DEFAULT_DATABASE_CONNECTION;
/** The control API's login callback, on the admin origin. */
export const DASHBOARD_CALLBACK_PATH = '/api/control/v1/auth/callback';

const ADMIN_SESSION_HOURS = 72;
const ADMIN_IDLE_HOURS = 8;

export async function ensureAdminTenant(services: Services): Promise<Tenant> {
  const tenant = await findOrCreateAdminTenant(services.tenants);
  await healAdminProvisioning(services, tenant);
  return (await services.tenants.getById(tenant.id)) ?? tenant;
}

async function findOrCreateAdminTenant(tenants: TenantService): Promise<Tenant> {
  // `manage.{base}` is the admin host: a customer tenant that already took that label would be
  // unreachable under its name, and worse, would be confused with the control plane.
  const label = tenants.adminHostLabel();
  if (label !== undefined && (await tenants.findByName(label))) {
    throw new ConfigError(
      'TESSERA_ADMIN_HOST',
      `is ${tenants.adminHost}, the host of the existing tenant "${label}": set TESSERA_ADMIN_HOST to another host name (e.g. admin-console.${tenants.baseDomain})`,
    );
  }
  const existing = await tenants.findAdmin();
  if (existing) return existing;
  try {
    return await tenants.createAdmin();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'tenant_name_taken') {
      const raced = await tenants.findAdmin();
      if (raced) return raced;
    }
    throw error;
  }
}

/** Brings the admin tenant's settings, connection and dashboard client to what this version expects. */
async function healAdminProvisioning(services: Services, tenant: Tenant): Promise<void> {
  const settings = tenant.settings;
  if (settings.session_lifetime !== ADMIN_SESSION_HOURS || settings.idle_session_lifetime !== ADMIN_IDLE_HOURS || settings.friendly_name !== 'Tessera Dashboard') {
    await services.tenants.updateSettings(tenant.id, { session_lifetime: ADMIN_SESSION_HOURS, idle_session_lifetime: ADMIN_IDLE_HOURS, friendly_name: 'Tessera Dashboard' });
  }

  const connection = await services.connections.findByName(tenant.id, DASHBOARD_CONNECTION);
  if (!connection) throw new Error(`the admin tenant has lost its ${DASHBOARD_CONNECTION} connection`);
  const options = connection.options as Record<string, unknown>;
  if (options.disable_signup !== true || options.brute_force_protection !== true) {
    await services.connections.update(tenant.id, connection.id, { options: { ...options, disable_signup: true, brute_force_protection: true } });
  }

  // Dashboard accounts hold every tenant's keys: a password from a public breach is refused at login too.
  const protection = await services.attackProtection.settings(tenant.id);
  if (!protection.breached_password_detection.enabled) await services.attackProtection.update(tenant.id, 'breached_password_detection', { enabled: true });

  const origin = services.tenants.publicOrigin.originFor(services.tenants.adminHost);
  const wanted = {
    name: 'Tessera Dashboard',
    app_type: 'spa' as const,
    is_first_party: true,
    token_endpoint_auth_method: 'none' as const,
    grant_types: ['authorization_code'],
    callbacks: [`${origin}${DASHBOARD_CALLBACK_PATH}`],
    allowed_logout_urls: [`${origin}/`],
    web_origins: [origin],
  };
  const client = await services.clients.find(tenant.id, tenant.name, DASHBOARD_CLIENT_ID);
  if (!client) {
    try {
      await services.clients.create(tenant.id, tenant.name, { ...wanted, client_id: DASHBOARD_CLIENT_ID });
    } catch (error) {
      // Another instance starting on the same database created it first: that one will do.
      if (!(await services.storage.repos.clients.findById(tenant.id, DASHBOARD_CLIENT_ID))) throw error;
    }
  } else if (client.callbacks?.[0] !== wanted.callbacks[0] || client.allowed_logout_urls?.[0] !== wanted.allowed_logout_urls[0]) {
    // The public origin moved (a new TESSERA_PUBLIC_URL or port): the callback follows it.
    await services.clients.update(tenant.id, tenant.name, DASHBOARD_CLIENT_ID, { callbacks: wanted.callbacks, allowed_logout_urls: wanted.allowed_logout_urls, web_origins: wanted.web_origins });
  }
  await services.connections.updateEnabledClients(tenant.id, connection.id, [{ client_id: DASHBOARD_CLIENT_ID, status: true }]);
}
