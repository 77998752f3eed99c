#!/usr/bin/env node
/**
 * The `tessera` command:
 *   start                      serve (migrates and provisions the default tenant first)
 *   migrate                    apply database migrations
 *   tenants create NAME        create a tenant and its bootstrap application
 *   tenants list               list tenants
 *   tenants delete NAME        delete a tenant (its name is never reusable)
 *   tenants add-domain NAME D  serve a tenant on a custom domain (registered verified)
 *   stats rebuild [--from YYYY-MM-DD] [--tenant NAME]
 *                              recompute the daily activity statistics of closed days
 *   dev-cert [--force]         local CA + certificate for the base domain and the tenants
 */
// Each command imports what it needs when it runs: a `tessera` call is a Node.js process of its own,
// and loading the HTTP layer, the domain services and both database drivers for every command cost
// about a second each time (`migrate` needs neither the domain nor HTTP, `tenants` no HTTP, a usage
// error or a refused tenant name nothing at all).
import { loadConfig, ConfigError } from '../config/config.js';
import { DomainError, invalid } from '../domain/errors.js';
import { tenantNameProblem } from '../domain/tenants/tenant-names.js';
import { parseDay } from '../domain/stats/days.js';
import { USAGE, UsageError } from './usage.js';
import type { AdminSubcommand } from './admin-command.js';

type TenantsSubcommand = 'list' | 'create' | 'delete' | 'add-domain';

/**
 * Checked before the database is opened (and migrated) and the domain services are loaded: a mistyped
 * command or a refused name costs a fraction of a second instead of one. The tenant service applies
 * the same name rule itself, before touching the database, so the message is the one it would give.
 */
function checkTenantsArguments(sub: string | undefined, rest: string[]): TenantsSubcommand {
  const known = sub === 'list' || (sub === 'create' && rest[0]) || (sub === 'delete' && rest[0]) || (sub === 'add-domain' && rest[0] && rest[1]);
  if (!known) throw new UsageError();
  if (sub === 'create') {
    const problem = tenantNameProblem(rest[0]!);
    if (problem) throw invalid(`Tenant name ${problem}.`, 'invalid_tenant_name');
  }
  return sub as TenantsSubcommand;
}

/** `stats rebuild [--from YYYY-MM-DD] [--tenant NAME]`, each option at most once; checked before anything is opened. */
function checkStatsArguments(sub: string | undefined, rest: string[]): { from?: string; tenant?: string } {
  if (sub !== 'rebuild') throw new UsageError();
  const options: { from?: string; tenant?: string } = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined || (flag !== '--from' && flag !== '--tenant')) throw new UsageError();
    const name = flag === '--from' ? 'from' : 'tenant';
    if (options[name] !== undefined) throw new UsageError();
    if (name === 'from') {
      const day = parseDay(value);
      if (day === undefined) throw invalid(`--from must be a date in YYYY-MM-DD format (${value.slice(0, 40)} is not).`, 'invalid_date');
      options.from = day;
    } else {
      options.tenant = value;
    }
  }
  return options;
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'start': {
      const { start } = await import('./start.js');
      return start(config);
    }
    case 'migrate': {
      const { openDatabase, migrateToLatest } = await import('../storage/database.js');
      const database = await openDatabase(config.database);
      const applied = await migrateToLatest(database);
      await database.db.destroy();
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      return;
    }
    case 'tenants': {
      const subcommand = checkTenantsArguments(sub, rest);
      const { tenantsCommand } = await import('./tenants-command.js');
      return tenantsCommand(config, subcommand, rest);
    }
    case 'admin': {
      const command: AdminSubcommand | undefined =
        sub === 'setup-link' && rest.length === 0 ? { sub: 'setup-link' } : sub === 'reset-password' && rest.length === 1 ? { sub: 'reset-password', email: rest[0]! } : undefined;
      if (!command) throw new UsageError();
      const { adminCommand } = await import('./admin-command.js');
      return adminCommand(config, command);
    }
    case 'stats': {
      const options = checkStatsArguments(sub, rest);
      const { statsCommand } = await import('./stats-command.js');
      return statsCommand(config, options);
    }
    case 'dev-cert': {
      const { devCertCommand } = await import('./dev-cert-command.js');
      return devCertCommand(config, sub === '--force');
    }
    default:
      throw new UsageError();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(USAGE);
  else if (error instanceof ConfigError || error instanceof DomainError) console.error(error.message);
  else console.error(error);
  process.exit(error instanceof UsageError ? 64 : 1);
});
