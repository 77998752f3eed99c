/**
 * Activity statistics (domain/stats/, management-api/stats.ts) on the in-process server and its
 * TestClock: log events seeded on both sides of UTC midnights in two tenants give exact daily
 * numbers; a day appears only once it is closed (00:05 the day after), so today never does; a second
 * run changes nothing; a forced rebuild gives the same numbers and never moves a user's last active
 * day backwards; a first run starts at today−120 and does at most 31 days; the range checks answer
 * 400 in Auth0's format and the routes need `read:stats`; both Auth0 SDKs parse the answers.
 *
 * Events are written through the logs repository with exact dates (the boundaries are the point),
 * users through the users repository with exact creation times (`users_total`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient } from 'auth0';
import { ManagementClient as ManagementClientV4 } from 'auth0-v4';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { TestClock } from '../support/test-clock.js';
import { newLogId } from '../../src/domain/ids.js';
import { aggregateDay, pendingDays } from '../../src/domain/stats/stats-aggregator.js';
import type { LogRecord } from '../../src/storage/repositories/logs.js';
import type { UserRecord } from '../../src/storage/repositories/users.js';

let server: InProcessServer;
const clock = new TestClock();
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};
const errors: unknown[] = [];

const at = (iso: string) => Date.parse(iso);

/** Moves the clock, and gets tokens valid at the new time. */
async function setClock(iso: string): Promise<void> {
  clock.set(at(iso));
  for (const name of ['dev', 'acme']) tokens[name] = await server.tokenFor(name);
}

function event(tenant: string, type: string, date: string, userId?: string): LogRecord {
  return {
    tenantId: ids[tenant]!,
    logId: newLogId(at(date)),
    date,
    type,
    clientId: null,
    clientName: null,
    userId: userId ?? null,
    userName: null,
    ip: '203.0.113.9',
    userAgent: 'stats-test',
    description: null,
    document: { date, type, ...(userId ? { user_id: userId } : {}) },
  };
}

async function seedUser(tenant: string, userId: string, createdAt: string): Promise<void> {
  const connection = await server.services.storage.repos.connections.findByName(ids[tenant]!, 'Username-Password-Authentication');
  const user: UserRecord = {
    tenantId: ids[tenant]!,
    userId,
    connectionId: connection!.id,
    connection: connection!.name,
    email: `${userId.replace(/\W/g, '')}@example.com`,
    username: null,
    phoneNumber: null,
    name: null,
    nickname: null,
    givenName: null,
    familyName: null,
    emailVerified: true,
    blocked: null,
    passwordHash: null,
    passwordHistory: [],
    appMetadata: {},
    userMetadata: {},
    document: {},
    loginsCount: 0,
    lastLogin: null,
    createdAt,
    updatedAt: createdAt,
  };
  await server.services.storage.repos.users.insert(user);
}

/** One run of the background job, at the clock's time; no tenant may fail. */
async function runJob(): Promise<void> {
  await server.services.stats.aggregate((error) => errors.push(error));
  expect(errors).toEqual([]);
}

const daily = (tenant: string, query = '') => server.api(tenant, tokens[tenant]!, 'GET', `/api/v2/stats/daily${query}`);

async function rows(tenant: string) {
  return server.services.storage.db.selectFrom('stats_daily').selectAll().where('tenant_id', '=', ids[tenant]!).orderBy('day').execute();
}

async function lastActive(tenant: string): Promise<Record<string, string>> {
  const all = await server.services.storage.db.selectFrom('user_last_active').selectAll().where('tenant_id', '=', ids[tenant]!).execute();
  return Object.fromEntries(all.map((row) => [row.user_id, row.day]));
}

/** The numbers of a day as the API answers them, without the timestamps. */
const numbers = (day: Record<string, unknown>) => {
  const { updated_at: _u, created_at: _c, ...rest } = day;
  return rest;
};

beforeAll(async () => {
  // Everything the server logs while starting happens on 2031-03-01.
  clock.set(at('2031-03-01T12:00:00.000Z'));
  server = await startInProcess({ clock });
  await server.createTenant('acme');
  await server.createTenant('old');
  for (const name of ['dev', 'acme', 'old']) ids[name] = (await server.services.tenants.findByName(name))!.id;
  await setClock('2031-03-01T12:00:00.000Z');
  await server.drain();

  await server.services.storage.repos.logs.insertMany([
    // dev, 2031-03-01: the last millisecond of the day.
    event('dev', 's', '2031-03-01T23:59:59.999Z', 'auth0|a'),
    event('dev', 's', '2031-03-01T23:59:59.999Z', 'auth0|b'),
    event('dev', 'ss', '2031-03-01T20:00:00.000Z', 'auth0|c'),
    event('dev', 'f', '2031-03-01T21:00:00.000Z'),
    // dev, 2031-03-02: from its first millisecond.
    event('dev', 's', '2031-03-02T00:00:00.000Z', 'auth0|a'),
    event('dev', 'seacft', '2031-03-02T01:00:00.000Z', 'auth0|a'),
    event('dev', 'sertft', '2031-03-02T02:00:00.000Z', 'auth0|d'),
    event('dev', 'ssa', '2031-03-02T03:00:00.000Z', 'auth0|b'),
    event('dev', 'scoa', '2031-03-02T04:00:00.000Z', 'auth0|e'),
    event('dev', 'sepft', '2031-03-02T05:00:00.000Z', 'auth0|a'),
    event('dev', 'seccft', '2031-03-02T06:00:00.000Z'),
    event('dev', 'seccft', '2031-03-02T06:00:00.000Z', 'auth0|g'), // never an active user
    event('dev', 'fp', '2031-03-02T07:00:00.000Z', 'auth0|a'),
    event('dev', 'fu', '2031-03-02T08:00:00.000Z'),
    event('dev', 'pwd_leak', '2031-03-02T09:00:00.000Z', 'auth0|b'),
    event('dev', 'limit_wc', '2031-03-02T10:00:00.000Z'),
    event('dev', 'limit_mu', '2031-03-02T11:00:00.000Z'),
    event('dev', 'limit_sul', '2031-03-02T12:00:00.000Z'),
    event('dev', 'sapi', '2031-03-02T13:00:00.000Z'),
    event('dev', 'feacft', '2031-03-02T14:00:00.000Z', 'auth0|h'),
    // dev, 2031-03-03.
    event('dev', 's', '2031-03-03T23:59:59.999Z', 'auth0|f'),
    // dev, 2031-03-04: not closed in these tests.
    event('dev', 's', '2031-03-04T00:00:00.000Z', 'auth0|today'),
    // acme, 2031-03-02 only; the same user ids as dev's, which must not mix.
    event('acme', 'ss', '2031-03-02T05:00:00.000Z', 'auth0|a'),
    event('acme', 's', '2031-03-02T05:00:01.000Z', 'auth0|a'),
    event('acme', 's', '2031-03-02T06:00:00.000Z', 'auth0|a'),
    event('acme', 'f', '2031-03-02T07:00:00.000Z'),
    // old: logs from long before today−120.
    event('old', 's', '2030-06-01T12:00:00.000Z', 'auth0|o'),
  ]);
  await seedUser('dev', 'auth0|a', '2031-03-01T10:00:00.000Z');
  await seedUser('dev', 'auth0|b', '2031-03-02T23:59:59.999Z');
  await seedUser('dev', 'auth0|c', '2031-03-03T00:00:00.000Z');
  await seedUser('acme', 'auth0|a', '2031-03-02T05:00:00.000Z');
});

afterAll(async () => server?.close());

describe('aggregation of closed days', () => {
  it('writes nothing before a day closes at 00:05 the day after; a first run starts at today−120 and does 31 days', async () => {
    await setClock('2031-03-02T00:04:00.000Z');
    expect(await pendingDays(server.services.storage, ids.old!, clock.now())).toEqual(
      Array.from({ length: 31 }, (_, i) => new Date(at('2030-11-02T00:00:00.000Z') + i * 86_400_000).toISOString().slice(0, 10)),
    );
    await runJob();
    expect(await rows('dev')).toEqual([]);
    expect(await rows('acme')).toEqual([]);
    const old = await rows('old');
    expect(old).toHaveLength(31);
    expect(old[0]!.day).toBe('2030-11-02');
    expect(old[30]!.day).toBe('2030-12-02');
    // The next run goes on from the day after the last row.
    await runJob();
    expect((await rows('old')).map((row) => row.day).slice(30, 32)).toEqual(['2030-12-02', '2030-12-03']);
    expect(await rows('old')).toHaveLength(62);
    expect((await daily('dev', '?from=20310301&to=20310331')).body).toEqual([]);
  });

  it('counts each tenant\'s events on their UTC day, exactly', async () => {
    await setClock('2031-03-03T00:04:00.000Z'); // 03-01 is closed; 03-02 closes at 03-03 00:05
    await runJob();
    expect((await rows('dev')).map((row) => row.day)).toEqual(['2031-03-01']);
    await setClock('2031-03-04T00:04:00.000Z');
    await runJob();
    expect((await rows('dev')).map((row) => row.day)).toEqual(['2031-03-01', '2031-03-02']);

    const dev = await daily('dev', '?from=20310301&to=20310331');
    expect(dev.status).toBe(200);
    expect(dev.body.map(numbers)).toEqual([
      { date: '2031-03-01T00:00:00.000Z', logins: 2, signups: 1, leaked_passwords: 0, failed_logins: 1, active_users: 2, users_total: 1, attack_protection: 0 },
      { date: '2031-03-02T00:00:00.000Z', logins: 1, signups: 0, leaked_passwords: 1, failed_logins: 2, active_users: 4, users_total: 2, attack_protection: 3 },
    ]);
    // Auth0's fields first, then the extensions; created_at is the day's first counted event.
    expect(Object.keys(dev.body[0])).toEqual(['date', 'logins', 'signups', 'leaked_passwords', 'updated_at', 'created_at', 'failed_logins', 'active_users', 'users_total', 'attack_protection']);
    expect(dev.body[0].created_at).toBe('2031-03-01T20:00:00.000Z');
    expect(dev.body[1].created_at).toBe('2031-03-02T00:00:00.000Z');
    expect(dev.body[0].updated_at).toMatch(/^2031-03-03T00:04:/);
    expect(dev.body[1].updated_at).toMatch(/^2031-03-04T00:04:/);

    const acme = await daily('acme', '?from=20310301&to=20310302');
    expect(acme.body.map(numbers)).toEqual([
      { date: '2031-03-01T00:00:00.000Z', logins: 0, signups: 0, leaked_passwords: 0, failed_logins: 0, active_users: 0, users_total: 0, attack_protection: 0 },
      { date: '2031-03-02T00:00:00.000Z', logins: 2, signups: 1, leaked_passwords: 0, failed_logins: 1, active_users: 1, users_total: 1, attack_protection: 0 },
    ]);
    // A day without counted events is dated at its midnight.
    expect(acme.body[0].created_at).toBe('2031-03-01T00:00:00.000Z');
  });

  it('never shows today or a day that is not closed, whatever the range asks', async () => {
    const all = await daily('dev', '?from=20310101&to=20311231');
    expect(all.status).toBe(200);
    expect(all.body.map((day: { date: string }) => day.date)).toEqual(['2031-03-01T00:00:00.000Z', '2031-03-02T00:00:00.000Z']);
    // Defaults: the 30 days up to yesterday (03-03, not closed until 00:05).
    expect((await daily('dev')).body.map((day: { date: string }) => day.date)).toEqual(['2031-03-01T00:00:00.000Z', '2031-03-02T00:00:00.000Z']);
    expect((await daily('dev', '?from=20310304&to=20310305')).body).toEqual([]);
    expect((await daily('dev', '?to=20310301')).body).toHaveLength(1);
    expect((await daily('dev', '?from=20310302')).body).toHaveLength(1);
  });

  it('changes nothing on a second run', async () => {
    const before = { dev: await rows('dev'), acme: await rows('acme'), devActive: await lastActive('dev'), acmeActive: await lastActive('acme') };
    await runJob();
    expect(await rows('dev')).toEqual(before.dev);
    expect(await rows('acme')).toEqual(before.acme);
    expect(await lastActive('dev')).toEqual(before.devActive);
    expect(await lastActive('acme')).toEqual(before.acmeActive);
  });

  it('adds the next day once it closes, and counts active users over 30 days', async () => {
    await setClock('2031-03-04T00:06:00.000Z');
    await runJob();
    const dev = (await daily('dev', '?from=20310301&to=20310331')).body;
    expect(dev.map(numbers).at(-1)).toEqual({ date: '2031-03-03T00:00:00.000Z', logins: 1, signups: 0, leaked_passwords: 0, failed_logins: 0, active_users: 1, users_total: 3, attack_protection: 0 });
    expect(await lastActive('dev')).toEqual({ 'auth0|a': '2031-03-02', 'auth0|b': '2031-03-02', 'auth0|d': '2031-03-02', 'auth0|e': '2031-03-02', 'auth0|f': '2031-03-03' });
    expect(await lastActive('acme')).toEqual({ 'auth0|a': '2031-03-02' });

    const active = await server.api('dev', tokens.dev!, 'GET', '/api/v2/stats/active-users');
    expect(active).toEqual({ status: 200, body: 5 });
    expect((await server.api('acme', tokens.acme!, 'GET', '/api/v2/stats/active-users')).body).toBe(1);
    // 30 days later, 03-02's users have left the window and 03-03's has not.
    await setClock('2031-04-02T12:00:00.000Z'); // yesterday = 04-01, window from 03-03
    expect((await server.api('dev', tokens.dev!, 'GET', '/api/v2/stats/active-users')).body).toBe(1);
    await setClock('2031-04-03T12:00:00.000Z');
    expect((await server.api('dev', tokens.dev!, 'GET', '/api/v2/stats/active-users')).body).toBe(0);
    await setClock('2031-03-04T00:06:00.000Z');
  });

  it('recomputes the same numbers on a rebuild, picks up late events, and never moves a last active day back', async () => {
    const before = await rows('dev');
    const activeBefore = await lastActive('dev');
    expect(await server.services.stats.rebuild(ids.dev!, '2031-03-01')).toBe(3);
    const after = await rows('dev');
    expect(after.map(({ updated_at: _u, ...rest }) => rest)).toEqual(before.map(({ updated_at: _u, ...rest }) => rest));
    expect(await lastActive('dev')).toEqual(activeBefore);

    // A late event for an old day: f's login on 03-01, while f was last active on 03-03.
    await server.services.storage.repos.logs.insertMany([event('dev', 's', '2031-03-01T12:00:00.000Z', 'auth0|f'), event('dev', 's', '2031-03-01T12:00:00.000Z', 'auth0|late')]);
    expect(await server.services.stats.rebuild(ids.dev!, '2031-03-01')).toBe(3);
    const first = (await daily('dev', '?from=20310301&to=20310301')).body[0];
    expect(numbers(first)).toMatchObject({ logins: 4, active_users: 4 });
    expect(first.created_at).toBe('2031-03-01T12:00:00.000Z');
    expect(await lastActive('dev')).toEqual({ ...activeBefore, 'auth0|late': '2031-03-01' });
    // A late re-run of that one old day alone (an instance behind another, a crash and restart).
    await aggregateDay(server.services.storage, ids.dev!, '2031-03-01', clock.now());
    expect(await lastActive('dev')).toEqual({ ...activeBefore, 'auth0|late': '2031-03-01' });
    // The job itself does not go back over written days.
    await runJob();
    expect((await rows('dev')).map((row) => row.day)).toEqual(['2031-03-01', '2031-03-02', '2031-03-03']);
    // A rebuild from before the first log starts at the first log's day; one from the future does nothing.
    expect(await server.services.stats.rebuild(ids.dev!, '2020-01-01')).toBe(3);
    expect(await server.services.stats.rebuild(ids.dev!, '2031-03-04')).toBe(0);
  });
});

describe('GET /api/v2/stats/daily: the range', () => {
  it.each([
    ['from after to', '?from=20310302&to=20310301', /'from' \(20310302\) must not be after 'to' \(20310301\)/],
    ['from after the default to', '?from=20310305', /yesterday by default/],
    ['a day that does not exist', '?from=20310230&to=20310301', /'from' must be a date in YYYYMMDD format/],
    ['a month that does not exist', '?to=20311301', /'to' must be a date in YYYYMMDD format/],
    ['dashes', '?from=2031-03-01', /'from' must be a date in YYYYMMDD format \(2031-03-01 is not\)/],
    ['too short', '?to=2031030', /'to' must be a date in YYYYMMDD format/],
    ['not digits', '?from=2031030x', /'from' must be a date in YYYYMMDD format/],
    ['empty', '?from=', /'from' must be a date in YYYYMMDD format/],
    ['too long', `?to=${'1'.repeat(33)}`, /must NOT have more than 32 characters/],
    ['a span over 366 days', '?from=20300301&to=20310302', /366 days/],
    ['two values', '?from=20310301&from=20310302', /on property from/],
  ])('answers 400 invalid_query_string for %s', async (_name, query, message) => {
    const res = await daily('dev', query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string' });
    expect(res.body.message).toMatch(message);
  });

  it('accepts exactly 366 days', async () => {
    const res = await daily('dev', '?from=20300302&to=20310302');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
  });
});

describe('GET /api/v2/tessera/stats/totals', () => {
  it('counts what the tenant holds now', async () => {
    const totals = await server.api('dev', tokens.dev!, 'GET', '/api/v2/tessera/stats/totals');
    const listed = async (path: string) => (await server.api('dev', tokens.dev!, 'GET', `${path}?include_totals=true&per_page=1`)).body.total as number;
    expect(totals).toEqual({ status: 200, body: { users: 3, applications: await listed('/api/v2/clients'), apis: await listed('/api/v2/resource-servers'), connections: await listed('/api/v2/connections') } });
    expect(totals.body.applications).toBeGreaterThanOrEqual(1);
    expect(totals.body.apis).toBeGreaterThanOrEqual(1);

    const created = await server.api('dev', tokens.dev!, 'POST', '/api/v2/clients', { name: 'Stats app' });
    expect(created.status).toBe(201);
    const after = await server.api('dev', tokens.dev!, 'GET', '/api/v2/tessera/stats/totals');
    expect(after.body).toEqual({ ...totals.body, applications: totals.body.applications + 1 });
    expect((await server.api('acme', tokens.acme!, 'GET', '/api/v2/tessera/stats/totals')).body.users).toBe(1);
  });
});

describe('scopes', () => {
  it('refuses a token without read:stats on every stats route, and accepts one with only read:stats', async () => {
    const without = await server.tokenFor('dev', { scope: 'read:users read:logs' });
    const only = await server.tokenFor('dev', { scope: 'read:stats' });
    for (const path of ['/api/v2/stats/daily', '/api/v2/stats/active-users', '/api/v2/tessera/stats/totals']) {
      const refused = await server.api('dev', without, 'GET', path);
      expect(refused.status, path).toBe(403);
      expect(refused.body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
      expect((await server.api('dev', only, 'GET', path)).status, path).toBe(200);
      expect((await server.api('dev', 'not-a-token', 'GET', path)).status, path).toBe(401);
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes the three routes, their scope, their answers and which fields are Tessera extensions', async () => {
    const doc = (await server.api('dev', tokens.dev!, 'GET', '/api/v2/openapi.json')).body;
    for (const path of ['/api/v2/stats/daily', '/api/v2/stats/active-users', '/api/v2/tessera/stats/totals']) expect(doc.paths[path].get.description, path).toBe('Requires any of: read:stats.');
    const day = doc.paths['/api/v2/stats/daily'].get.responses['200'].content['application/json'].schema.items;
    expect(Object.keys(day.properties)).toEqual(['date', 'logins', 'signups', 'leaked_passwords', 'updated_at', 'created_at', 'failed_logins', 'active_users', 'users_total', 'attack_protection']);
    for (const extension of ['failed_logins', 'active_users', 'users_total', 'attack_protection']) expect(day.properties[extension].description).toMatch(/^Tessera extension/);
    expect(doc.paths['/api/v2/stats/daily'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['query:from', 'query:to']);
    expect(doc.paths['/api/v2/stats/active-users'].get.responses['200'].content['application/json'].schema.type).toBe('integer');
    expect(Object.keys(doc.paths['/api/v2/tessera/stats/totals'].get.responses['200'].content['application/json'].schema.properties)).toEqual(['users', 'applications', 'apis', 'connections']);
  });
});

describe('the Auth0 SDKs', () => {
  it('v7 stats.getDaily and stats.getActiveUsersCount parse the answers', async () => {
    const creds = server.bootstrap;
    const client = new ManagementClient({ domain: server.hostOf('dev'), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: server.fetch });
    const days = await client.stats.getDaily({ from: '20310301', to: '20310331' });
    expect(days.map((day) => [day.date, day.logins, day.signups, day.leaked_passwords])).toEqual([
      ['2031-03-01T00:00:00.000Z', 4, 1, 0],
      ['2031-03-02T00:00:00.000Z', 1, 0, 1],
      ['2031-03-03T00:00:00.000Z', 1, 0, 0],
    ]);
    expect(days[0]!.active_users).toBe(4);
    expect(await client.stats.getActiveUsersCount()).toBe(6);
  });

  it('v4 stats.getDaily and stats.getActiveUsersCount parse the answers', async () => {
    const creds = server.bootstrap;
    const client = new ManagementClientV4({ domain: server.hostOf('dev'), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: server.fetch });
    const days = await client.stats.getDaily({ from: '20310302', to: '20310302' });
    expect(days.status).toBe(200);
    expect(days.data).toEqual([expect.objectContaining({ date: '2031-03-02T00:00:00.000Z', logins: 1, signups: 0, leaked_passwords: 1, created_at: '2031-03-02T00:00:00.000Z' })]);
    const active = await client.stats.getActiveUsersCount();
    expect(active.status).toBe(200);
    // v4 reads this answer as text (TextApiResponse), whatever its type says.
    expect(Number(active.data)).toBe(6);
  });
});
