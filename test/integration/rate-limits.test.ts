/**
 * Authentication API rate limits over real HTTP: Auth0's `x-ratelimit-*` headers, the 429 body,
 * the per-address and per-application buckets (each per tenant), what is not limited, and limits
 * shared by two instances through Redis (and not shared without it).
 *
 * The main server trusts X-Forwarded-For, so each test speaks from its own client address and starts
 * with fresh address buckets; each test also uses its own applications.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const IP_LIMIT = 5;
const CLIENT_LIMIT = 4;
const API = 'urn:rate-limits';

const FIXED = { TESSERA_BOOTSTRAP_CLIENT_ID: 'rateLimitsBootstrap0001', TESSERA_BOOTSTRAP_CLIENT_SECRET: 'r'.repeat(48) };
const PAIR_LIMIT = 6;

let server: TestServer;
/**
 * Two instances on one database with Redis (a, b: address bucket only), and two on another
 * without (c, d: application bucket only, so they also show that 0 turns a bucket off).
 */
let a: TestServer;
let b: TestServer;
let c: TestServer;
let d: TestServer;
let withRedis: TestDatabase;
let withoutRedis: TestDatabase;
const tokens: Record<string, string> = {};
let nextAddress = 1;
/** A client address no other test has used (TEST-NET-2). */
const freshAddress = () => `198.51.100.${nextAddress++}`;
const from = (address: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...headers });
const hostOf = (tenant: string) => (tenant === 'dev' ? 'localhost' : `${tenant}.localhost`);

beforeAll(async () => {
  withRedis = freshDatabase();
  withoutRedis = freshDatabase();
  // A key prefix of this run's own: parallel test files and the PostgreSQL run share the Redis.
  const shared = { ...FIXED, REDIS_URL, RATE_LIMIT_REDIS_PREFIX: `test:${randomUUID()}:`, RATE_LIMIT_IP_PER_MINUTE: String(PAIR_LIMIT) };
  const alone = { ...FIXED, RATE_LIMIT_IP_PER_MINUTE: '0', RATE_LIMIT_CLIENT_PER_MINUTE: String(PAIR_LIMIT) };
  // In two rounds, so that five servers never start on the same cores at once.
  [server, a, c] = await Promise.all([
    startServer({ env: { TRUST_PROXY: 'true', RATE_LIMIT_IP_PER_MINUTE: String(IP_LIMIT), RATE_LIMIT_CLIENT_PER_MINUTE: String(CLIENT_LIMIT) } }),
    startServer({ database: withRedis, env: shared }),
    startServer({ database: withoutRedis, env: alone }),
  ]);
  const setUp = async () => {
    await server.createTenant('acme');
    for (const tenant of ['dev', 'acme']) {
      tokens[tenant] = await managementToken(server, tenant);
      await management(tenant, 'POST', '/api/v2/resource-servers', { name: 'Rate limits', identifier: API, scopes: [{ value: 'use:it' }] });
    }
  };
  [b, d] = await Promise.all([startServer({ database: withRedis, env: shared }), startServer({ database: withoutRedis, env: alone }), setUp()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), a?.stop(), b?.stop(), c?.stop(), d?.stop()]);
  await withRedis?.drop();
  await withoutRedis?.drop();
});

async function management(tenant: string, method: string, path: string, body?: object) {
  const response = await call(server, path, { method, host: hostOf(tenant), headers: { authorization: `Bearer ${tokens[tenant]}` }, ...(body ? { body } : {}) });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response.body;
}

/** A machine-to-machine application allowed to get tokens for the test API. */
async function m2m(tenant = 'dev', extra: object = {}): Promise<{ client_id: string; client_secret: string }> {
  const client = await management(tenant, 'POST', '/api/v2/clients', { name: `m2m-${randomUUID().slice(0, 8)}`, app_type: 'non_interactive', ...extra });
  await management(tenant, 'POST', '/api/v2/client-grants', { client_id: client.client_id, audience: API, scope: ['use:it'] });
  return client;
}

const tokenRequest = (address: string, client: { client_id: string; client_secret: string }, tenant = 'dev', headers: Record<string, string> = {}) =>
  call(server, '/oauth/token', {
    host: hostOf(tenant),
    headers: from(address, headers),
    form: { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, audience: API },
  });

const discovery = (address: string, tenant = 'dev') => call(server, '/.well-known/openid-configuration', { host: hostOf(tenant), headers: from(address) });

const limits = (response: { headers: Headers }) => ({
  limit: Number(response.headers.get('x-ratelimit-limit')),
  remaining: Number(response.headers.get('x-ratelimit-remaining')),
  reset: Number(response.headers.get('x-ratelimit-reset')),
});

/** Spends an address's whole budget on discovery requests; returns the answer to the one after. */
async function exhaust(address: string, tenant = 'dev') {
  for (let i = 0; i < IP_LIMIT; i++) expect((await discovery(address, tenant)).status).toBe(200);
  return discovery(address, tenant);
}

function expectTooManyRequests(response: Awaited<ReturnType<typeof call>>, limit: number) {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body).toEqual({ error: 'too_many_requests', error_description: 'Global limit has been reached' });
  const now = Date.now() / 1000;
  const { reset, ...rest } = limits(response);
  expect(rest).toEqual({ limit, remaining: 0 });
  expect(reset).toBeGreaterThan(now - 1);
  expect(reset).toBeLessThanOrEqual(Math.ceil(now) + 60);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(Math.abs(now + retryAfter - reset)).toBeLessThanOrEqual(2);
}

describe('rate limit headers', () => {
  it('on /oauth/token: limit, decreasing remaining, and the UNIX second the window ends', async () => {
    const client = await m2m();
    const address = freshAddress();
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const response = await tokenRequest(address, client);
      expect(response.status).toBe(200);
      expect(response.body.access_token).toBeTruthy();
      seen.push(limits(response));
    }
    // The application's bucket (4 a minute) is closer to its limit than the address's (5), so it is reported.
    expect(seen.map((s) => [s.limit, s.remaining])).toEqual([[CLIENT_LIMIT, 3], [CLIENT_LIMIT, 2], [CLIENT_LIMIT, 1]]);
    const now = Date.now() / 1000;
    expect(seen[0]!.reset).toBeGreaterThan(now + 50);
    expect(seen[0]!.reset).toBeLessThanOrEqual(Math.ceil(now) + 60);
    // One window: its end does not move with each request.
    expect(new Set(seen.map((s) => s.reset)).size).toBe(1);
  });

  it('on other Authentication API endpoints (discovery, JWKS, userinfo, the hosted login page)', async () => {
    const address = freshAddress();
    const responses = [
      await discovery(address),
      await call(server, '/.well-known/jwks.json', { headers: from(address) }),
      await call(server, '/userinfo', { headers: from(address, { authorization: 'Bearer not-a-token' }) }),
      await call(server, '/u/login?state=nothing', { headers: from(address) }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 400]);
    expect(responses.map((r) => limits(r).limit)).toEqual([IP_LIMIT, IP_LIMIT, IP_LIMIT, IP_LIMIT]);
    expect(responses.map((r) => limits(r).remaining)).toEqual([4, 3, 2, 1]);
  });

  it('not on the Management API or /healthz', async () => {
    const settings = await call(server, '/api/v2/tenants/settings', { headers: { authorization: `Bearer ${tokens.dev}` } });
    expect(settings.status).toBe(200);
    expect(settings.headers.get('x-ratelimit-limit')).toBeNull();
    const health = await call(server, '/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('over a limit', () => {
  it('answers 429 too_many_requests with the headers and retry-after, and logs api_limit once', async () => {
    const address = freshAddress();
    const over = await exhaust(address);
    expectTooManyRequests(over, IP_LIMIT);
    expectTooManyRequests(await discovery(address), IP_LIMIT);
    // Every endpoint shares the address's budget.
    const client = await m2m();
    expectTooManyRequests(await tokenRequest(address, client), IP_LIMIT);

    const logs = await eventually(
      () => management('dev', 'GET', `/api/v2/logs?q=${encodeURIComponent(`type:api_limit AND ip:"${address}"`)}`),
      (entries: unknown[]) => entries.length > 0,
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ type: 'api_limit', ip: address, details: { bucket: 'ip', limit: IP_LIMIT } });
  });

  it('the management API still answers from an address over its limit', async () => {
    const address = freshAddress();
    expect((await exhaust(address)).status).toBe(429);
    const settings = await call(server, '/api/v2/tenants/settings', { headers: from(address, { authorization: `Bearer ${tokens.dev}` }) });
    expect(settings.status).toBe(200);
    expect(settings.headers.get('x-ratelimit-remaining')).toBeNull();
  });

  it('a browser asking for a page gets the error page with status 429', async () => {
    const address = freshAddress();
    expect((await exhaust(address)).status).toBe(429);
    const page = await call(server, '/authorize?client_id=x&response_type=code', { headers: from(address, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }) });
    expect(page.status).toBe(429);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('too_many_requests');
    expect(page.headers.get('retry-after')).toBeTruthy();
  });

  it('a 429 to an allowed origin carries the CORS headers; preflights are not counted', async () => {
    const origin = 'https://spa.rate-limits.example';
    const spa = await management('dev', 'POST', '/api/v2/clients', { name: 'spa', app_type: 'spa', web_origins: [origin], callbacks: [`${origin}/callback`] });
    const address = freshAddress();
    expect((await exhaust(address)).status).toBe(429);
    const preflight = await call(server, '/oauth/token', {
      method: 'OPTIONS',
      headers: from(address, { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }),
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('x-ratelimit-limit')).toBeNull();
    const response = await call(server, '/oauth/token', {
      headers: from(address, { origin }),
      body: { grant_type: 'refresh_token', client_id: spa.client_id, refresh_token: 'x' },
    });
    expectTooManyRequests(response, IP_LIMIT);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-expose-headers')).toMatch(/retry-after.*x-ratelimit-reset/);
  });
});

describe('buckets', () => {
  it('per application, across client addresses (body and Basic credentials count alike)', async () => {
    const client = await m2m();
    const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
    for (let i = 0; i < CLIENT_LIMIT; i++) {
      const response =
        i % 2
          ? await call(server, '/oauth/token', { headers: from(freshAddress(), { authorization: basic }), form: { grant_type: 'client_credentials', audience: API } })
          : await tokenRequest(freshAddress(), client);
      expect(response.status).toBe(200);
      expect(limits(response)).toMatchObject({ limit: CLIENT_LIMIT, remaining: CLIENT_LIMIT - 1 - i });
    }
    expectTooManyRequests(await tokenRequest(freshAddress(), client), CLIENT_LIMIT);
    // Another application from the same kind of fresh address is not affected.
    expect((await tokenRequest(freshAddress(), await m2m())).status).toBe(200);
  });

  it('per client address, across applications', async () => {
    const address = freshAddress();
    for (let i = 0; i < IP_LIMIT; i++) {
      const response = await tokenRequest(address, await m2m());
      expect(response.status).toBe(200);
      // The headers describe the bucket with the fewest requests left: each fresh application has
      // CLIENT_LIMIT - 1 left, the address one fewer with every request.
      expect(limits(response).remaining).toBe(Math.min(IP_LIMIT - 1 - i, CLIENT_LIMIT - 1));
      if (i > 0) expect(limits(response).limit).toBe(IP_LIMIT);
    }
    expectTooManyRequests(await tokenRequest(address, await m2m()), IP_LIMIT);
    // Unknown applications are counted too: guessing client ids does not get around the limit.
    expectTooManyRequests(await tokenRequest(address, { client_id: 'no-such-client', client_secret: 'x' }), IP_LIMIT);
    expect((await tokenRequest(freshAddress(), await m2m())).status).toBe(200);
  });

  it('per tenant: acme’s traffic does not spend dev’s budget', async () => {
    const address = freshAddress();
    expectTooManyRequests(await exhaust(address, 'acme'), IP_LIMIT);
    const dev = await discovery(address, 'dev');
    expect(dev.status).toBe(200);
    expect(limits(dev)).toMatchObject({ limit: IP_LIMIT, remaining: IP_LIMIT - 1 });

    // The same client id on two tenants is two buckets.
    const shared = { client_id: `shared-${randomUUID()}`, client_secret: 'x' };
    for (let i = 0; i < CLIENT_LIMIT; i++) expect((await tokenRequest(freshAddress(), shared, 'acme')).status).toBe(401);
    expectTooManyRequests(await tokenRequest(freshAddress(), shared, 'acme'), CLIENT_LIMIT);
    const devAnswer = await tokenRequest(freshAddress(), shared, 'dev');
    expect(devAnswer.status).toBe(401);
    expect(limits(devAnswer)).toMatchObject({ limit: CLIENT_LIMIT, remaining: CLIENT_LIMIT - 1 });
  });
});

describe('two instances on one database', () => {
  it('with REDIS_URL, requests spread over both instances spend one shared budget', async () => {
    const answers = [];
    for (let i = 0; i < PAIR_LIMIT; i++) answers.push(await call(i % 2 ? b : a, '/.well-known/jwks.json'));
    expect(answers.map((r) => r.status)).toEqual(Array(PAIR_LIMIT).fill(200));
    expect(answers.map((r) => Number(r.headers.get('x-ratelimit-remaining')))).toEqual([5, 4, 3, 2, 1, 0]);
    // Both instances announce the same window end (Redis keeps it; rounding up to a second may differ by one).
    const resets = answers.map((r) => Number(r.headers.get('x-ratelimit-reset')));
    expect(Math.max(...resets) - Math.min(...resets)).toBeLessThanOrEqual(1);
    for (const instance of [a, b]) {
      const over = await call(instance, '/.well-known/jwks.json');
      expect(over.status).toBe(429);
      expect(over.body.error).toBe('too_many_requests');
    }
  });

  it('without Redis, each instance counts on its own (N instances allow N times the limit)', async () => {
    const form = { grant_type: 'client_credentials', client_id: FIXED.TESSERA_BOOTSTRAP_CLIENT_ID, client_secret: FIXED.TESSERA_BOOTSTRAP_CLIENT_SECRET, audience: 'urn:none' };
    for (const instance of [c, d]) {
      for (let i = 0; i < PAIR_LIMIT; i++) {
        const response = await call(instance, '/oauth/token', { form });
        expect(response.status).toBe(403); // no grant for that API: counted all the same
        expect(Number(response.headers.get('x-ratelimit-remaining'))).toBe(PAIR_LIMIT - 1 - i);
      }
    }
    expect((await call(c, '/oauth/token', { form })).status).toBe(429);
    expect((await call(d, '/oauth/token', { form })).status).toBe(429);
  });

  it('0 turns a bucket off: no address bucket on c and d', async () => {
    const response = await call(c, '/.well-known/openid-configuration');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
  });
});
