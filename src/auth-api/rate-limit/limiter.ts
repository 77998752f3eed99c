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
