/**
 * The rate limiter's parts: fixed windows in process (with a controlled clock), the Redis store
 * against the real Redis (shared counting, honest reset, outage fallback and recovery through a
 * proxy we can cut), bucket keys, and the configuration.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { MemoryStore } from '../../src/auth-api/rate-limit/memory-store.js';
import { RedisStore } from '../../src/auth-api/rate-limit/redis-store.js';
import { addressBucket, clientIdOf } from '../../src/auth-api/rate-limit/buckets.js';
import type { WindowHit } from '../../src/auth-api/rate-limit/store.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisTarget = new URL(REDIS_URL);

function fakeLog(): FastifyBaseLogger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (first: unknown, second?: unknown) => lines.push(`${level}: ${typeof first === 'string' ? first : String(second)}`);
  return { lines, warn: record('warn'), info: record('info'), error: record('error'), debug: () => {}, trace: () => {}, fatal: record('fatal'), child: () => fakeLog(), level: 'info', silent: () => {} } as unknown as FastifyBaseLogger & { lines: string[] };
}

describe('in-process fixed windows', () => {
  it('counts per key and starts a new window when the old one has ended', () => {
    let now = 1_000_000;
    const store = new MemoryStore(60_000, 100, () => now);
    expect(store.hit('a')).toEqual({ count: 1, resetAt: 1_060_000 });
    expect(store.hit('a').count).toBe(2);
    expect(store.hit('b').count).toBe(1);
    now += 59_999;
    expect(store.hit('a')).toEqual({ count: 3, resetAt: 1_060_000 });
    now += 1;
    // The reset announced was exact: at that instant the whole limit is back.
    expect(store.hit('a')).toEqual({ count: 1, resetAt: 1_120_000 });
  });

  it('peeks at a window without counting, 0 once it ended', () => {
    let now = 1_000_000;
    const store = new MemoryStore(60_000, 100, () => now);
    expect(store.peek('a')).toBe(0);
    store.hit('a');
    store.hit('a');
    expect(store.peek('a')).toBe(2);
    expect(store.peek('a')).toBe(2);
    now += 60_000;
    expect(store.peek('a')).toBe(0);
  });

  it('drops ended windows without a timer, and forgets the oldest when full', () => {
    let now = 0;
    const store = new MemoryStore(1_000, 3, () => now);
    store.hit('a');
    now = 100;
    store.hit('b');
    now = 1_050; // a's window has ended, b's has not
    store.hit('c');
    expect(store.size).toBe(2);
    store.hit('d');
    expect(store.size).toBe(3);
    store.hit('e'); // full: b, the window closest to its end, is forgotten
    expect(store.size).toBe(3);
    expect(store.hit('b').count).toBe(1);
    expect(store.hit('e').count).toBe(2);
  });

  it('answers synchronously (no promise hop on the hot path) and costs about a microsecond', () => {
    const store = new MemoryStore();
    expect(store.hit('x')).not.toBeInstanceOf(Promise);
    const keys = Array.from({ length: 1_000 }, (_, i) => `ip:tenant:10.0.${i >> 8}.${i & 255}`);
    // Best of several short rounds: a busy machine may preempt any one of them.
    let perHitNs = Infinity;
    for (let round = 0; round < 20; round++) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 20_000; i++) store.hit(keys[i % keys.length]!);
      perHitNs = Math.min(perHitNs, Number(process.hrtime.bigint() - started) / 20_000);
    }
    expect(perHitNs).toBeLessThan(2_000);
  });
});

describe('Redis store', () => {
  const stores: RedisStore[] = [];
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const fn of cleanup.splice(0)) await fn();
  });
  const connect = async (url = REDIS_URL, prefix = `test:rl:${randomUUID()}:`, log = fakeLog(), windowMs = 60_000) => {
    const store = await RedisStore.connect(url, prefix, log, windowMs);
    stores.push(store);
    return { store, log, prefix };
  };

  it('two stores with one prefix count in one shared window, atomically', async () => {
    const { store: a, prefix } = await connect();
    const { store: b } = await connect(REDIS_URL, prefix);
    const hits = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).hit('ip:t1:10.0.0.1')));
    expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // Another key, or the same key under another prefix, is another window.
    expect((await a.hit('ip:t2:10.0.0.1')).count).toBe(1);
    const { store: other } = await connect();
    expect((await other.hit('ip:t1:10.0.0.1')).count).toBe(1);
  });

  it('peeks at the shared window without counting', async () => {
    const { store: a, prefix } = await connect();
    const { store: b } = await connect(REDIS_URL, prefix);
    expect(await a.peek('k')).toBe(0);
    await a.hit('k');
    await b.hit('k');
    expect(await b.peek('k')).toBe(2);
    expect(await a.peek('k')).toBe(2);
  });

  it('reports the window end from the TTL Redis keeps, and the key expires with the window', async () => {
    const { store, prefix } = await connect(REDIS_URL, undefined, undefined, 1_500);
    const before = Date.now();
    const first = await store.hit('k');
    expect(first.resetAt).toBeGreaterThanOrEqual(before + 1_400);
    expect(first.resetAt).toBeLessThanOrEqual(Date.now() + 1_500);
    const second = await store.hit('k');
    expect(second.count).toBe(2);
    expect(Math.abs(second.resetAt - first.resetAt)).toBeLessThan(100);
    const redis = new Redis(REDIS_URL);
    cleanup.push(() => void redis.disconnect());
    expect(await redis.pttl(`${prefix}k`)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, first.resetAt - Date.now() + 50));
    expect(await redis.exists(`${prefix}k`)).toBe(0);
    expect((await store.hit('k')).count).toBe(1);
  });

  it('when Redis cannot be reached, counts in process at once and logs the outage once', async () => {
    const port = await unusedPort();
    const { store, log } = await connect(`redis://127.0.0.1:${port}`);
    expect(store.isDegraded).toBe(true);
    const hits = [store.hit('k'), store.hit('k'), store.hit('k')];
    for (const hit of hits) expect(hit).not.toBeInstanceOf(Promise);
    expect((hits as WindowHit[]).map((h) => h.count)).toEqual([1, 2, 3]);
    expect(store.peek('k')).toBe(3);
    await new Promise((r) => setTimeout(r, 500)); // a few reconnection attempts
    store.hit('k');
    expect(log.lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
  });

  it('falls back during an outage and shares counts again when Redis is back', async () => {
    const proxy = await tcpProxy(Number(redisTarget.port || 6379));
    cleanup.push(() => proxy.close());
    const { store, log } = await connect(`redis://127.0.0.1:${proxy.port}`);
    expect((await store.hit('k')).count).toBe(1);
    expect((await store.hit('k')).count).toBe(2);

    proxy.cut();
    await until(() => store.isDegraded);
    const during = store.hit('k');
    expect(during).not.toBeInstanceOf(Promise);
    expect((during as WindowHit).count).toBe(1); // the in-process count starts on its own
    expect(log.lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);

    proxy.resume();
    await until(() => !store.isDegraded, 10_000);
    expect((await store.hit('k')).count).toBe(3); // Redis kept its window
    expect(log.lines.at(-1)).toMatch(/^info: .*back/);
  });

  it('a Redis that stops answering costs one command timeout, not one per request, and gets nothing more until it is back', async () => {
    const proxy = await tcpProxy(Number(redisTarget.port || 6379));
    cleanup.push(() => proxy.close());
    const { store } = await connect(`redis://127.0.0.1:${proxy.port}`);
    expect((await store.hit('k')).count).toBe(1);

    proxy.stall();
    expect((await store.hit('k')).count).toBe(1); // timed out: counted in process
    expect(store.isDegraded).toBe(true);
    for (let i = 2; i <= 11; i++) {
      const next = store.hit('k');
      expect(next).not.toBeInstanceOf(Promise); // no further wait for the timeout
      expect((next as WindowHit).count).toBe(i);
    }

    proxy.unstall();
    await until(() => !store.isDegraded, 10_000);
    // Redis saw the first hit, at most the one command that timed out, and this one: not the ten
    // counted in process meanwhile.
    const after = (await store.hit('k')).count;
    expect(after).toBeGreaterThanOrEqual(2);
    expect(after).toBeLessThanOrEqual(3);
  });
});

describe('bucket keys', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::198.51.100.1', '64:ff9b:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('counts %s as %s', (ip, bucket) => {
    expect(addressBucket(ip)).toBe(bucket);
  });

  it('keeps a malformed address as it is (bounded), never throws', () => {
    expect(addressBucket('1:2:3')).toBe('1:2:3');
    expect(addressBucket('x'.repeat(500)).length).toBeLessThanOrEqual(128);
    expect(addressBucket('a::b::c')).toBe('a::b::c');
  });

  const request = (body: unknown, authorization?: string) => ({ body, headers: authorization ? { authorization } : {} }) as unknown as FastifyRequest;
  const basic = (user: string, password = 's') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('finds the application in the body or the Basic credentials', () => {
    expect(clientIdOf(request({ client_id: 'abc', client_secret: 'x' }))).toBe('abc');
    expect(clientIdOf(request(undefined, basic('my%20app')))).toBe('my app');
    expect(clientIdOf(request({ grant_type: 'client_credentials' }, basic('from-header')))).toBe('from-header');
    expect(clientIdOf(request({ client_id: 'body' }, basic('header')))).toBe('body');
    expect(clientIdOf(request({}, 'Bearer abc'))).toBeUndefined();
    expect(clientIdOf(request({ client_id: ['a', 'b'] }))).toBeUndefined();
    expect(clientIdOf(request('client_id=abc'))).toBeUndefined();
    expect(clientIdOf(request(undefined, 'Basic !!!'))).toBeUndefined();
    expect(clientIdOf(request({ client_id: 'x'.repeat(129) }))).toBeUndefined();
    expect(clientIdOf(request({ client_id: 1234567890123456 }))).toBe('1234567890123456');
    expect(clientIdOf(request(undefined, basic('%E0%A4%A')))).toBe('%E0%A4%A');
  });
});

describe('rate limit configuration', () => {
  it('has generous defaults and a Redis key prefix', () => {
    expect(loadConfig({}).rateLimits).toEqual({ ipPerMinute: 6_000, clientPerMinute: 30_000, redisPrefix: 'tessera:ratelimit:' });
    expect(loadConfig({ RATE_LIMIT_IP_PER_MINUTE: '0', RATE_LIMIT_CLIENT_PER_MINUTE: '25', RATE_LIMIT_REDIS_PREFIX: 'blue:' }).rateLimits).toEqual({ ipPerMinute: 0, clientPerMinute: 25, redisPrefix: 'blue:' });
  });

  it.each([
    [{ RATE_LIMIT_IP_PER_MINUTE: '-1' }, 'RATE_LIMIT_IP_PER_MINUTE'],
    [{ RATE_LIMIT_IP_PER_MINUTE: '1.5' }, 'RATE_LIMIT_IP_PER_MINUTE'],
    [{ RATE_LIMIT_CLIENT_PER_MINUTE: 'lots' }, 'RATE_LIMIT_CLIENT_PER_MINUTE'],
    [{ RATE_LIMIT_CLIENT_PER_MINUTE: '2000000000' }, 'RATE_LIMIT_CLIENT_PER_MINUTE'],
    [{ RATE_LIMIT_REDIS_PREFIX: 'has space' }, 'RATE_LIMIT_REDIS_PREFIX'],
  ])('rejects %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A TCP proxy to Redis whose connections can be cut (and refused) to simulate an outage. */
async function tcpProxy(targetPort: number): Promise<{ port: number; cut(): void; resume(): void; stall(): void; unstall(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  // While stalled, what clients send is held back (as a paused Redis would leave it unread) and
  // delivered on unstall to the connections still open.
  let stalled = false;
  const held: Array<[net.Socket, Buffer]> = [];
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = net.connect(targetPort, redisTarget.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => (stalled ? held.push([upstream, chunk]) : upstream.write(chunk)));
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    resume() {
      refusing = false;
    },
    stall() {
      stalled = true;
    },
    unstall() {
      stalled = false;
      for (const [socket, chunk] of held.splice(0)) if (!socket.destroyed) socket.write(chunk);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => r());
      }),
  };
}
