/** `tessera start`: migrate, provision the default tenant on first start, serve. */
import type { Config } from '../config/config.js';
import { buildServer } from '../server/app.js';
import { createMtlsListener } from '../server/mtls-listener.js';
import { ensureBootstrapClient, ensureTenant, healTenantProvisioning, type BootstrapCredentials } from '../domain/bootstrap.js';
import { openRuntime, closeRuntime } from './runtime.js';
import { bootstrapFileExists, bootstrapFilePath, describeBootstrap, writeBootstrapFile } from './bootstrap-file.js';
import { deliveryWarnings, proxyWarnings } from './start-warnings.js';
import { healManagementApiIdentifiers } from '../domain/tenants/management-api-identity.js';
import { SWEEP_INTERVAL_MS, startSweeper } from '../domain/maintenance/sweeper.js';
import { ensureAdminTenant } from '../domain/control-plane/admin-tenant.js';
import { prepareDashboard } from './dashboard-setup.js';
import { STATS_INTERVAL_MS, startStatsJob } from '../domain/stats/stats-aggregator.js';

export async function start(config: Config): Promise<void> {
  let logError: (error: unknown) => void = (error) => console.error(error);
  const services = await openRuntime(config, (error) => logError(error));
  const app = await buildServer(config, services);
  logError = (error) => app.log.error({ err: error }, 'background task failed');
  for (const warning of [...deliveryWarnings(config), ...proxyWarnings(config)]) app.log.warn(warning);
  const listen = async () => {
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : config.port;
  };

  // Issuers and the Management API identifier carry the public port. With PORT=0 (tests) that is the
  // port we are given, so we listen first; a request in the moment before provisioning may see 404.
  // Otherwise provisioning comes first, so whoever sees the server up can already read the credentials.
  let port = config.port;
  if (config.publicUrl.portFromListener) {
    port = await listen();
    services.tenants.publicOrigin.bindListeningPort(port);
  }
  const identity = await healManagementApiIdentifiers(services);
  for (const warning of identity.warnings) app.log.warn(warning);
  if (identity.moved.length) app.log.info({ tenants: identity.moved }, 'Management API identifier moved to the public origin');
  await ensureAdminTenant(services);
  const { tenant } = await ensureTenant(services, config.defaultTenant);
  const warn = (message: string) => app.log.warn(message);
  // Only the start that completes the provisioning writes the file and shows the secret: later starts
  // (other containers with their own data dir, a file deleted on purpose) never see it again.
  let handedOver: { credentials: BootstrapCredentials; file: string } | undefined;
  const handOver = async (credentials: BootstrapCredentials) => {
    handedOver = { credentials, file: await writeBootstrapFile(config.dataDir, credentials) };
  };
  await ensureBootstrapClient(services, tenant, { fixed: config.bootstrapClient, warn, handOver });
  for (const other of await services.tenants.list()) if (other.id !== tenant.id) await healTenantProvisioning(services, other, warn);
  const dashboard = await prepareDashboard(services, config, app.log);
  if (!config.publicUrl.portFromListener) port = await listen();
  // After the main listener: the app is ready, so its routing handler can serve this one too.
  const mtls = createMtlsListener(app, config);
  if (mtls) {
    const mtlsPort = await new Promise<number>((resolveListen, reject) => {
      mtls.server.once('error', reject);
      mtls.server.listen(config.mtls!.port, config.host, () => {
        const address = mtls.server.address();
        resolveListen(typeof address === 'object' && address ? address.port : config.mtls!.port);
      });
    });
    services.tenants.publicOrigin.bindMtlsPort(mtlsPort);
    console.log(`Tessera mTLS listening on https://${config.host}:${mtlsPort} (the tenants' mtls. alias hosts)`);
  }
  const sweeper = startSweeper(services.storage, (error) => logError(error), SWEEP_INTERVAL_MS, services.clock);
  const statsJob = startStatsJob(services.stats, (error) => logError(error), STATS_INTERVAL_MS);

  const scheme = config.tls ? 'https' : 'http';
  const baseUrl = services.tenants.publicOrigin.originFor(config.baseDomain);
  if (handedOver) {
    const { credentials, file } = handedOver;
    const shown = config.bootstrapClient ? { ...credentials, client_secret: '(from TESSERA_BOOTSTRAP_CLIENT_SECRET)' } : credentials;
    console.log(describeBootstrap(shown, file, baseUrl));
  } else {
    const file = bootstrapFilePath(config.dataDir, tenant.name);
    const where = (await bootstrapFileExists(config.dataDir, tenant.name)) ? `were written to ${file}` : `were handed over at provisioning (${file} is gone)`;
    console.log(`Tenant "${tenant.name}" is ready; its bootstrap credentials ${where} and are not shown again.`);
  }
  console.log(`Tessera listening on ${scheme}://${config.host}:${port} (default tenant at ${baseUrl}/)`);
  console.log(dashboard);

  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, shutting down`);
    if (mtls) {
      const closed = new Promise((done) => mtls.server.close(done));
      mtls.server.closeAllConnections();
      await closed;
    }
    await app.close();
    await sweeper.stop();
    await statsJob.stop();
    await closeRuntime(services);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
