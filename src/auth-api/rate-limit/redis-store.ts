/**
 * The shared store (with REDIS_URL): every instance counts in the same Redis keys, so the limits
 * hold for the deployment as a whole. One Lua script per request does the INCR and gives a new
 * window its TTL atomically; the window's end comes from the TTL on the Redis server, so instance
 * clocks never decide where a window starts.
 *
 * A Redis outage must not take logins down: while Redis is unreachable (or slow: a command times
 * out after COMMAND_TIMEOUT_MS) requests are counted in process by a MemoryStore, and the outage is
 * logged once, with one more line when Redis is back. The connection is its own, not the
 * invalidation bus's: it must fail fast (no offline queue, no retried commands) where the bus's
 * publisher may wait.
 */
import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { WINDOW_MS, type RateLimitStore, type WindowHit } from './store.js';
import { MemoryStore } from './memory-store.js';

const COMMAND_TIMEOUT_MS = 250;

// INCR, then a TTL for a window that has none yet (a new key, or one that somehow lost its TTL).
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {count, ttl}
`;

type HitCommand = (key: string, windowMs: number) => Promise<[number, number]>;

export class RedisStore implements RateLimitStore {
  private readonly fallback: MemoryStore;
  private readonly command: HitCommand;
  private degraded = false;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: FastifyBaseLogger,
    private readonly windowMs: number,
  ) {
    this.fallback = new MemoryStore(windowMs);
    redis.defineCommand('tesseraRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.command = (redis as unknown as { tesseraRateLimitHit: HitCommand }).tesseraRateLimitHit.bind(redis);
    // ioredis reconnects by itself (retryStrategy); its errors are reported here, never thrown.
    redis.on('error', (error: unknown) => this.degrade(error));
    redis.on('ready', () => this.recover());
  }

  /** Connects; if Redis cannot be reached now, starts degraded and keeps trying in the background. */
  static async connect(url: string, prefix: string, log: FastifyBaseLogger, windowMs = WINDOW_MS): Promise<RedisStore> {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    const store = new RedisStore(redis, prefix, log, windowMs);
    await redis.connect().catch((error: unknown) => store.degrade(error));
    return store;
  }

  hit(key: string): WindowHit | Promise<WindowHit> {
    // Degraded until the connection is ready again (a dropped connection reports so only later).
    if (this.degraded || this.redis.status !== 'ready') {
      this.degrade(undefined);
      return this.fallback.hit(key);
    }
    return this.command(this.prefix + key, this.windowMs).then(
      ([count, ttl]) => {
        if (this.degraded) this.recover();
        return { count, resetAt: Date.now() + ttl };
      },
      (error: unknown) => {
        this.degrade(error);
        // A Redis that stops answering keeps its connection open, so without this every request
        // would wait for its own timeout, and each would leave a command that Redis applies when
        // it wakes, on top of the count taken in process. Dropping the connection makes the next
        // requests skip Redis at once until it is ready again (ioredis reconnects by itself); only
        // the commands sent before the first timeout can still be applied late.
        if (this.redis.status === 'ready') this.redis.disconnect(true);
        return this.fallback.hit(key);
      },
    );
  }

  peek(key: string): number | Promise<number> {
    if (this.degraded || this.redis.status !== 'ready') return this.fallback.peek(key);
    return this.redis.get(this.prefix + key).then(
      (value) => Number(value ?? 0),
      (error: unknown) => {
        this.degrade(error);
        return this.fallback.peek(key);
      },
    );
  }

  /** True while requests are counted in process because Redis is unreachable. */
  get isDegraded(): boolean {
    return this.degraded;
  }

  private degrade(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log.warn({ err: error }, 'rate limits: Redis is unavailable; each instance counts on its own until it is back');
  }

  private recover(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.log.info('rate limits: Redis is back; limits are shared between instances again');
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.fallback.close();
  }
}
