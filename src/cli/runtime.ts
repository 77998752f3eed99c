/** Opens storage, the invalidation bus and the domain services from a configuration. */
import type { Config } from '../config/config.js';
import { openDatabase, migrateToLatest } from '../storage/database.js';
import { Storage } from '../storage/storage.js';
import { LocalInvalidationBus, RedisInvalidationBus, type InvalidationBus } from '../storage/cache/invalidation-bus.js';
import { createServices, type Services } from '../domain/services.js';

export async function openRuntime(config: Config, onBackgroundError: (error: unknown) => void): Promise<Services> {
  const database = await openDatabase(config.database);
  await migrateToLatest(database);
  const storage = new Storage(database.db, database.dialect);
  const bus: InvalidationBus = config.redisUrl ? await RedisInvalidationBus.connect(config.redisUrl) : new LocalInvalidationBus();
  return createServices({ storage, bus, baseDomain: config.baseDomain, defaultTenant: config.defaultTenant, onBackgroundError });
}

export async function closeRuntime(services: Services): Promise<void> {
  await services.logs.flush();
  await services.bus.close();
  await services.storage.close();
}
