/** `tessera stats rebuild [--from YYYY-MM-DD] [--tenant NAME]`: recompute the daily statistics now. */
import type { Config } from '../config/config.js';
import { notFound } from '../domain/errors.js';
import { withRuntime } from './tenants-command.js';

export interface StatsRebuildOptions {
  /** `YYYY-MM-DD`, checked by index.ts. */
  from?: string;
  tenant?: string;
}

/**
 * Recomputes every closed day of one tenant (or of every active tenant) from `--from` (by default the
 * later of its first log's day and today−120) up to yesterday, whatever was computed before. Safe to
 * run while servers run the job: the numbers come out the same, and no user's last active day moves back.
 */
export async function statsCommand(config: Config, options: StatsRebuildOptions): Promise<void> {
  return withRuntime(config, async (services) => {
    let tenants;
    if (options.tenant !== undefined) {
      const tenant = await services.tenants.findByName(options.tenant);
      if (!tenant) throw notFound(`There is no tenant named ${options.tenant}.`, 'inexistent_tenant');
      tenants = [tenant];
    } else {
      tenants = await services.tenants.list();
    }
    for (const tenant of tenants) {
      const days = await services.stats.rebuild(tenant.id, options.from);
      console.log(`${tenant.name}: ${days} day(s) recomputed`);
    }
  });
}
