/** `tessera dev-cert [--force]`: a local CA and a certificate naming the base domain, every tenant and the admin host. */
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { devCertUsage, runDevCert } from './dev-cert.js';
import { withRuntime } from './tenants-command.js';

export async function devCertCommand(config: Config, force: boolean): Promise<void> {
  // Without a usable database (none yet, or unreachable) the certificate names the default tenant only.
  const tenantNames = await withRuntime(config, async (services) => (await services.tenants.list()).map((t) => t.name)).catch(() => [config.defaultTenant]);
  const paths = await runDevCert({
    outDir: join(config.dataDir, 'tls'),
    baseDomain: config.baseDomain,
    tenantNames: [...new Set([config.defaultTenant, ...tenantNames])],
    // The dashboard's host (manage.localhost by default).
    hosts: [config.adminHost],
    force,
  });
  console.log(devCertUsage(paths));
}
