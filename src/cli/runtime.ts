/** Opens storage, the invalidation bus and the domain services from a configuration. */
import type { Config } from '../config/config.js';
import { openDatabase, migrateToLatest } from '../storage/database.js';
import { Storage } from '../storage/storage.js';
import type { InvalidationBus } from '../storage/cache/invalidation-bus.js';
import { CompositeInvalidationBus, DatabaseInvalidationBus } from '../storage/cache/database-invalidation-bus.js';

/** How often each process reads the database invalidation feed (the delay without Redis). */
const INVALIDATION_POLL_MS = 500;
import { createServices, type Services } from '../domain/services.js';
import { SecretBox } from '../crypto/secret-box.js';
import { deriveSubkey } from '../crypto/subkeys.js';
import { prepareEncryptionAtRest, resolveEncryptionKey } from './encryption-key.js';
import type { Clock } from '../domain/clock.js';

/** `clock`: what decides expiry and token times (domain/clock.ts); the system clock unless a test passes its own. */
export async function openRuntime(config: Config, onBackgroundError: (error: unknown) => void, options: { clock?: Clock } = {}): Promise<Services> {
  const database = await openDatabase(config.database);
  await migrateToLatest(database);
  const { key, source } = await resolveEncryptionKey(config);
  const box = new SecretBox(key);
  const storage = new Storage(database.db, database.dialect, box);
  try {
    await prepareEncryptionAtRest(storage, box, source);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const databaseBus = await DatabaseInvalidationBus.start(storage.repos.cacheInvalidations, { pollMs: INVALIDATION_POLL_MS, onError: onBackgroundError });
  // ioredis is loaded only when Redis is configured (a CLI call without it spares the import).
  const bus: InvalidationBus = config.redisUrl
    ? new CompositeInvalidationBus([databaseBus, await (await import('../storage/cache/invalidation-bus.js')).RedisInvalidationBus.connect(config.redisUrl, onBackgroundError)])
    : databaseBus;
  return createServices({
    storage,
    bus,
    baseDomain: config.baseDomain,
    publicUrl: config.publicUrl,
    defaultTenant: config.defaultTenant,
    adminHost: config.adminHost,
    onBackgroundError,
    // The services get a subkey for their purpose, never the master key itself.
    passwordlessCodeKey: deriveSubkey(key, 'passwordlessCodes'),
    dashboardCsrfKey: deriveSubkey(key, 'dashboardCsrf'),
    ...(config.smtp ? { smtp: config.smtp } : {}),
    ...(config.twilio ? { twilio: config.twilio } : {}),
    devOutbox: !config.production,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(config.dnsServers ? { dnsServers: config.dnsServers } : {}),
    trustProxy: config.trustProxy,
  });
}

/**
 * How long shutdown waits for background work (emails being sent) before closing storage under it:
 * well inside the usual stop grace periods (Docker and Kubernetes send SIGKILL after 10 and 30 s).
 */
const BACKGROUND_DRAIN_MS = 5_000;

export async function closeRuntime(services: Services): Promise<void> {
  // What is recorded so far is written first, in case the process is killed during the wait.
  await services.logs.flush();
  const unfinished = await services.background.idle(BACKGROUND_DRAIN_MS);
  if (unfinished > 0) console.error(`Shutting down with ${unfinished} background task(s) unfinished after ${BACKGROUND_DRAIN_MS / 1000} s.`);
  await services.logs.flush();
  await services.bus.close();
  await services.email.close();
  if (unfinished > 0) {
    // A send cut off by closing the email transport logs its failure (fcpr, fvr): let it, and write that too.
    await services.background.idle(1_000);
    await services.logs.flush();
  }
  await services.storage.close();
}
