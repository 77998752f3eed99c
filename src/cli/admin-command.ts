/** `tessera admin setup-link`: a fresh one-time link to create the first dashboard administrator (the previous one stops working). */
import type { Config } from '../config/config.js';
import { withRuntime } from './tenants-command.js';
import { ensureAdminTenant } from '../domain/control-plane/admin-tenant.js';
import { setupLinkMessage } from './dashboard-setup.js';

export async function adminCommand(config: Config): Promise<void> {
  await withRuntime(config, async (services) => {
    await ensureAdminTenant(services);
    console.log(await setupLinkMessage(services));
  });
}
