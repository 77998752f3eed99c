/**
 * The configured rate limiter: the limits, and the store they are counted in (Redis when
 * REDIS_URL is set, so the limits hold across instances; otherwise in process).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RateLimitConfig } from '../../config/config.js';
import type { RateLimitStore } from './store.js';
import { MemoryStore } from './memory-store.js';

export interface RateLimiter {
  /** Requests per minute per tenant and client address; 0: not limited. */
  ipPerMinute: number;
  /** Requests per minute per tenant and application; 0: not limited. */
  clientPerMinute: number;
  store: RateLimitStore;
}

export async function createRateLimiter(limits: RateLimitConfig, redisUrl: string | undefined, log: FastifyBaseLogger): Promise<RateLimiter> {
  const enabled = limits.ipPerMinute > 0 || limits.clientPerMinute > 0;
  // ioredis is loaded only when Redis is configured: every server start without it spares the import.
  const store = enabled && redisUrl ? await (await import('./redis-store.js')).RedisStore.connect(redisUrl, limits.redisPrefix, log) : new MemoryStore();
  return { ipPerMinute: limits.ipPerMinute, clientPerMinute: limits.clientPerMinute, store };
}

/**
 * A store of longer windows (the control plane's hourly quotas): Redis when configured, whatever
 * the request rate limits say, so a quota holds across instances; otherwise in process, on the
 * given clock so tests can move past a window.
 */
export async function createWindowStore(windowMs: number, redisUrl: string | undefined, prefix: string, log: FastifyBaseLogger, now: () => number): Promise<RateLimitStore> {
  if (redisUrl) return (await import('./redis-store.js')).RedisStore.connect(redisUrl, prefix, log, windowMs);
  return new MemoryStore(windowMs, 100_000, now);
}
