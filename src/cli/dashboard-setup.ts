/**
 * At start, after provisioning: what it takes to reach the dashboard. With an account: its address.
 * Without one: the first administrator from TESSERA_ADMIN_EMAIL/TESSERA_ADMIN_PASSWORD, or else a
 * one-time setup link (docs/plans/dashboard.md §3).
 */
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import type { Services } from '../domain/services.js';
import { DomainError } from '../domain/errors.js';

/** The lines to print for the operator. */
export async function prepareDashboard(services: Services, config: Config, log: { info: (message: string) => void }): Promise<string> {
  const origin = services.controlPlane.adminOrigin();
  if (await services.dashboardAccounts.exist()) {
    if (config.adminAccount) log.info('A dashboard account exists: TESSERA_ADMIN_EMAIL and TESSERA_ADMIN_PASSWORD are ignored.');
    return `Dashboard: ${origin}/`;
  }
  if (config.adminAccount) {
    try {
      await services.dashboardAccounts.createOwner(config.adminAccount);
    } catch (error) {
      // Another instance starting on the same database created it a moment ago.
      if (await services.dashboardAccounts.exist()) return `Dashboard: ${origin}/`;
      if (error instanceof DomainError) {
        const variable = /password/i.test(error.message) || error.code === 'invalid_password' ? 'TESSERA_ADMIN_PASSWORD' : 'TESSERA_ADMIN_EMAIL';
        throw new ConfigError(variable, `was refused: ${error.message}`);
      }
      throw error;
    }
    return `Dashboard: ${origin}/ (administrator ${config.adminAccount.email} created)`;
  }
  return setupLinkMessage(services, origin);
}

export async function setupLinkMessage(services: Services, origin = services.controlPlane.adminOrigin()): Promise<string> {
  const token = await services.dashboardAccounts.issueSetupToken();
  if (!token) return `Dashboard: ${origin}/ (already set up)`;
  return `Dashboard setup: ${origin}/setup#token=${token} (one use, expires in 24 h; a restart issues a new link)`;
}
