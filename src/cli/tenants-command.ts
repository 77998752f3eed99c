/** `tessera tenants …`: the tenant lifecycle from the command line, against the configured database. */
import type { Config } from '../config/config.js';
import { ensureBootstrapClient, isBootstrapProvisioned } from '../domain/bootstrap.js';
import type { Services } from '../domain/services.js';
import { openRuntime, closeRuntime } from './runtime.js';
import { describeBootstrap, writeBootstrapFile } from './bootstrap-file.js';

export async function withRuntime<T>(config: Config, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await openRuntime(config, (error) => console.error(error));
  try {
    return await work(services);
  } finally {
    await closeRuntime(services);
  }
}

/** Where a command's lines go: the console, or (tests running the command in their own process) a collector. */
export interface CommandOutput {
  log(line: string): void;
  warn(line: string): void;
}

/** `sub` and `rest` were checked by index.ts (checkTenantsArguments) before this module was loaded. */
export async function tenantsCommand(config: Config, sub: 'list' | 'create' | 'delete' | 'add-domain', rest: string[], output: CommandOutput = console): Promise<void> {
  return withRuntime(config, async (services) => {
    if (sub === 'list') {
      for (const t of await services.tenants.list()) output.log(`${t.name}\t${t.domain}\t${t.environmentTag}\t${t.createdAt}`);
    } else if (sub === 'create') {
      const name = rest[0]!;
      // Run again after an interruption (tenant created, provisioning not complete), it completes
      // the provisioning instead of failing on the existing name.
      const existing = await services.tenants.findByName(name);
      // A complete tenant: creating it again fails with the service's own "already exists" error.
      if (existing && (await isBootstrapProvisioned(services, existing))) await services.tenants.create(name);
      const tenant = existing ?? (await services.tenants.create(name));
      // Every platform owner manages the new tenant from the dashboard (as when it is created there).
      await services.controlPlane.addOwnersAsAdmins(tenant);
      const origin = services.tenants.publicOrigin.tenantOrigin(tenant.name);
      await ensureBootstrapClient(services, tenant, {
        warn: (message) => output.warn(message),
        handOver: async (credentials) => {
          const file = await writeBootstrapFile(config.dataDir, credentials);
          output.log(existing ? `Completed the provisioning of tenant ${tenant.name} (${origin}/)` : `Created tenant ${tenant.name} (${origin}/)`);
          output.log(describeBootstrap(credentials, file, origin));
        },
      });
    } else if (sub === 'delete') {
      await services.tenants.delete(rest[0]!);
      output.log(`Deleted tenant ${rest[0]}; the name cannot be used again.`);
    } else {
      // Created verified (ready): the operator controls the server; the Management API's domains are verified by DNS.
      const domain = await services.customDomains.addVerified(rest[0]!, rest[1]!);
      output.log(`${domain.domain} now serves tenant ${rest[0]} (custom domain ${domain.custom_domain_id}).`);
    }
  });
}
