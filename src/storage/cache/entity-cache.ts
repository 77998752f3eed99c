/**
 * A read-through cache for things read on every request (clients, APIs, grants, keys, tenants).
 * Misses are cached too (as null), so a flood of unknown client ids does not reach the database.
 * Entries are dropped by invalidation messages; the TTL is only a safety net.
 *
 * The cache is bounded in bytes as well as in entries: a key is attacker text (a client_id, an
 * audience, a Host), so a count alone would let 10,000 misses under megabyte keys hold gigabytes
 * (issue 11, finding 5). Callers bound identifiers before looking them up (server/request-bounds.ts);
 * this is the backstop. Values are our own objects, sized by a flat estimate rather than measured
 * (serializing every value to weigh it would cost more than the cache saves).
 *
 * A load that started before an invalidation must not store its (possibly stale) result:
 * each invalidation bumps a generation counter, and a load only stores if the counter is unchanged.
 */
import { LRUCache } from 'lru-cache';
import type { InvalidationBus } from './invalidation-bus.js';

const SEP = '\u0000';

/**
 * The kind every cache honours: a whole tenant changed (its settings, or it was deleted), so each
 * cache drops the tenant's entries. Published by TenantService, which also caches tenants under it.
 */
export const TENANT_KIND = 'tenant';

/** Estimated footprint of a cached value (a client, an API, a key ring...) and of a cached miss. */
export const VALUE_SIZE_ESTIMATE = 4096;
export const MISS_SIZE_ESTIMATE = 64;
/** Default byte budget per cache: 10,000 typical entries. */
export const DEFAULT_MAX_BYTES = 10_000 * VALUE_SIZE_ESTIMATE;

/** Bytes an entry is counted for: the key (UTF-16, two bytes a unit) plus the value's estimate. */
export const entrySize = (key: string, entry: { value: unknown }, valueBytes = VALUE_SIZE_ESTIMATE): number =>
  key.length * 2 + (entry.value === null ? MISS_SIZE_ESTIMATE : valueBytes);

export class EntityCache<V extends {}> {
  private readonly entries: LRUCache<string, { value: V | null }>;
  private readonly inFlight = new Map<string, Promise<V | null>>();
  private generation = 0;

  constructor(
    readonly kind: string,
    bus: InvalidationBus,
    options: {
      max?: number;
      /** Byte budget (see entrySize); an entry larger than the whole budget is not stored. */
      maxBytes?: number;
      /** Estimated bytes of one cached value, when far from VALUE_SIZE_ESTIMATE (a host's tenant id). */
      valueBytes?: number;
      ttlMs?: number;
      perTenant?: boolean;
      /**
       * Other kinds whose changes can alter cached values (a connection's enabled clients change when
       * an application is created or deleted): their messages drop the tenant's entries too.
       */
      dependsOn?: readonly string[];
    } = {},
  ) {
    this.entries = new LRUCache({
      max: options.max ?? 10_000,
      maxSize: options.maxBytes ?? DEFAULT_MAX_BYTES,
      sizeCalculation: (entry, key) => entrySize(key, entry, options.valueBytes),
      ttl: options.ttlMs ?? 5 * 60_000,
    });
    bus.subscribe((message) => {
      const dependency = options.dependsOn?.includes(message.kind) ?? false;
      if (message.kind !== kind && message.kind !== TENANT_KIND && !dependency) return;
      // A per-tenant aggregate (e.g. every client's origins) is stale after a change to any one entity.
      if (message.key === undefined || message.kind === TENANT_KIND || options.perTenant || dependency) this.dropTenant(message.tenantId);
      else this.drop(message.tenantId, message.key);
    });
    bus.onReset(() => this.clear());
  }

  /**
   * The cached value without loading: undefined when not cached, null for a cached miss.
   * Lets hot paths stay synchronous on a hit instead of paying for a promise.
   */
  peek(tenantId: string, key: string): V | null | undefined {
    return this.entries.get(tenantId + SEP + key)?.value;
  }

  async get(tenantId: string, key: string, load: () => Promise<V | undefined>): Promise<V | null> {
    const cacheKey = tenantId + SEP + key;
    const hit = this.entries.get(cacheKey);
    if (hit) return hit.value;
    const pending = this.inFlight.get(cacheKey);
    if (pending) return pending;
    const generation = this.generation;
    const loading = load().then(
      (value) => {
        this.inFlight.delete(cacheKey);
        if (generation === this.generation) this.entries.set(cacheKey, { value: value ?? null });
        return value ?? null;
      },
      (error: unknown) => {
        this.inFlight.delete(cacheKey);
        throw error;
      },
    );
    this.inFlight.set(cacheKey, loading);
    return loading;
  }

  drop(tenantId: string, key: string): void {
    this.generation++;
    this.entries.delete(tenantId + SEP + key);
    this.inFlight.delete(tenantId + SEP + key);
  }

  dropTenant(tenantId: string): void {
    this.generation++;
    const prefix = tenantId + SEP;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
    for (const key of this.inFlight.keys()) if (key.startsWith(prefix)) this.inFlight.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.inFlight.clear();
  }
}
