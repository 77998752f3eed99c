/** Issue 11, finding 5: the entity cache is bounded in bytes, so attacker-sized keys cannot hold memory. */
import { describe, expect, it } from 'vitest';
import { EntityCache, MISS_SIZE_ESTIMATE, VALUE_SIZE_ESTIMATE, entrySize } from '../../src/storage/cache/entity-cache.js';
import type { InvalidationBus } from '../../src/storage/cache/invalidation-bus.js';

const bus: InvalidationBus = { publish: async () => {}, subscribe: () => {}, onReset: () => {} } as unknown as InvalidationBus;
const miss = async (): Promise<{ id: string } | undefined> => undefined;

describe('EntityCache byte budget', () => {
  it('finding 5: counts a cached miss by its key length, not as one entry', () => {
    expect(entrySize('abc', { value: null })).toBe(6 + MISS_SIZE_ESTIMATE);
    expect(entrySize('abc', { value: { id: 'x' } })).toBe(6 + VALUE_SIZE_ESTIMATE);
  });

  it('finding 5: megabyte keys of failed lookups are evicted by size, long before the entry count', async () => {
    const cache = new EntityCache<{ id: string }>('client', bus, { max: 10_000, maxBytes: 4 * 1024 * 1024 });
    const keys = Array.from({ length: 50 }, (_, i) => `${i}-${'x'.repeat(512 * 1024)}`);
    for (const key of keys) expect(await cache.get('tenant', key, miss)).toBeNull();
    // 50 misses of 1 MB each (UTF-16) do not fit in 4 MB: only the last few remain.
    const kept = keys.filter((key) => cache.peek('tenant', key) !== undefined);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(4);
    expect(cache.peek('tenant', keys[49]!)).toBeNull();
    expect(cache.peek('tenant', keys[0]!)).toBeUndefined();
  });

  it('finding 5: an entry larger than the whole budget is served but not stored', async () => {
    const cache = new EntityCache<{ id: string }>('client', bus, { maxBytes: 1024 });
    const key = 'k'.repeat(4096);
    expect(await cache.get('tenant', key, async () => ({ id: 'c' }))).toEqual({ id: 'c' });
    expect(cache.peek('tenant', key)).toBeUndefined();
    expect(await cache.get('tenant', 'small', miss)).toBeNull();
    expect(cache.peek('tenant', 'small')).toBeNull();
  });
});
