/** `tessera start`: migrate, provision the default tenant on first start, serve. */
import type { Config } from '../config/config.js';
import { buildServer } from '../server/app.js';
import { ensureBootstrapClient, ensureTenant } from '../domain/bootstrap.js';
import { openRuntime, closeRuntime } from './runtime.js';
import { describeBootstrap, writeBootstrapFile } from './bootstrap-file.js';

export async function start(config: Config): Promise<void> {
  let logError: (error: unknown) => void = (error) => console.error(error);
  const services = await openRuntime(config, (error) => logError(error));
  const { tenant, created } = await ensureTenant(services, config.defaultTenant);
  const credentials = await ensureBootstrapClient(services, tenant, config.bootstrapClient);

  // Written before listening, so whoever sees the server up can already read the credentials.
  const bootstrapFile = created || credentials.created ? await writeBootstrapFile(config.dataDir, credentials) : undefined;

  const app = await buildServer(config, services);
  logError = (error) => app.log.error({ err: error }, 'background task failed');
  await app.listen({ port: config.port, host: config.host });

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const scheme = config.tls ? 'https' : 'http';
  const baseUrl = `${scheme}://${config.baseDomain}:${port}`;
  if (bootstrapFile) {
    const shown = config.bootstrapClient ? { ...credentials, client_secret: '(from TESSERA_BOOTSTRAP_CLIENT_SECRET)' } : credentials;
    console.log(describeBootstrap(shown, bootstrapFile, baseUrl));
  } else {
    console.log(`Tenant "${tenant.name}" is ready; its bootstrap credentials are in ${config.dataDir}/bootstrap-${tenant.name}.json`);
  }
  console.log(`Tessera listening on ${scheme}://${config.host}:${port} (default tenant at ${baseUrl}/)`);

  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, shutting down`);
    await app.close();
    await closeRuntime(services);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
