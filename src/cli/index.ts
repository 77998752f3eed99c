#!/usr/bin/env node
/**
 * The `tessera` command:
 *   start                      serve (migrates and provisions the default tenant first)
 *   migrate                    apply database migrations
 *   tenants create NAME        create a tenant and its bootstrap application
 *   tenants list               list tenants
 *   tenants delete NAME        delete a tenant (its name is never reusable)
 *   tenants add-domain NAME D  register a custom domain for a tenant
 *   dev-cert [--force]         local CA + certificate for the base domain and the tenants
 */
import { loadConfig, ConfigError, type Config } from '../config/config.js';
import { DomainError } from '../domain/errors.js';
import { ensureBootstrapClient, isBootstrapProvisioned } from '../domain/bootstrap.js';
import { openDatabase, migrateToLatest } from '../storage/database.js';
import { start } from './start.js';
import { openRuntime, closeRuntime } from './runtime.js';
import { describeBootstrap, writeBootstrapFile } from './bootstrap-file.js';
import { devCertUsage, runDevCert } from './dev-cert.js';
import { join } from 'node:path';

const USAGE = `usage: tessera <start | migrate | tenants create NAME | tenants list | tenants delete NAME | tenants add-domain NAME DOMAIN | dev-cert [--force]>`;

async function withRuntime<T>(config: Config, work: (services: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>): Promise<T> {
  const services = await openRuntime(config, (error) => console.error(error));
  try {
    return await work(services);
  } finally {
    await closeRuntime(services);
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'start':
      return start(config);
    case 'migrate': {
      const database = await openDatabase(config.database);
      const applied = await migrateToLatest(database);
      await database.db.destroy();
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      return;
    }
    case 'tenants':
      return withRuntime(config, async (services) => {
        if (sub === 'list') {
          for (const t of await services.tenants.list()) console.log(`${t.name}\t${t.domain}\t${t.createdAt}`);
        } else if (sub === 'create' && rest[0]) {
          // Run again after an interruption (tenant created, provisioning not complete), it completes
          // the provisioning instead of failing on the existing name.
          const existing = await services.tenants.findByName(rest[0]);
          // A complete tenant: creating it again fails with the service's own "already exists" error.
          if (existing && (await isBootstrapProvisioned(services, existing))) await services.tenants.create(rest[0]);
          const tenant = existing ?? (await services.tenants.create(rest[0]));
          const origin = services.tenants.publicOrigin.tenantOrigin(tenant.name);
          await ensureBootstrapClient(services, tenant, {
            warn: (message) => console.warn(message),
            handOver: async (credentials) => {
              const file = await writeBootstrapFile(config.dataDir, credentials);
              console.log(existing ? `Completed the provisioning of tenant ${tenant.name} (${origin}/)` : `Created tenant ${tenant.name} (${origin}/)`);
              console.log(describeBootstrap(credentials, file, origin));
            },
          });
        } else if (sub === 'delete' && rest[0]) {
          await services.tenants.delete(rest[0]);
          console.log(`Deleted tenant ${rest[0]}; the name cannot be used again.`);
        } else if (sub === 'add-domain' && rest[0] && rest[1]) {
          await services.tenants.addCustomDomain(rest[0], rest[1]);
          console.log(`${rest[1]} now serves tenant ${rest[0]}.`);
        } else {
          throw new UsageError();
        }
      });
    case 'dev-cert': {
      const tenantNames = await withRuntime(config, async (services) => (await services.tenants.list()).map((t) => t.name)).catch(() => [config.defaultTenant]);
      const paths = await runDevCert({
        outDir: join(config.dataDir, 'tls'),
        baseDomain: config.baseDomain,
        tenantNames: [...new Set([config.defaultTenant, ...tenantNames])],
        force: sub === '--force',
      });
      console.log(devCertUsage(paths));
      return;
    }
    default:
      throw new UsageError();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(USAGE);
  else if (error instanceof ConfigError || error instanceof DomainError) console.error(error.message);
  else console.error(error);
  process.exit(error instanceof UsageError ? 64 : 1);
});
