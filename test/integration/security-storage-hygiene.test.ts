/**
 * Finding 6: the database no longer only grows. The background sweeper (domain/maintenance/sweeper.ts)
 * deletes expired rows of every expiring table and leaves live ones (driven here directly, with its
 * `now` argument, against the real server's database); log events bound attacker-supplied values.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';
import { openDatabase } from '../../src/storage/database.js';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { Storage } from '../../src/storage/storage.js';
import type { Database } from '../../src/storage/schema.js';
import { sweepExpired } from '../../src/domain/maintenance/sweeper.js';

const DB = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function seed(db: Kysely<Database>, tenantId: string): Promise<void> {
  const ttl = (key: string, expires: number, consumed: number | null = null) => ({
    tenant_id: tenantId, kind: 'sweep_test', key_hash: key, document: '{}', created_at: iso(expires - HOUR), expires_at: iso(expires), consumed_at: consumed === null ? null : iso(consumed),
  });
  // Expired entries are kept 7 days (expired verification links still redirect, replayed codes are still recognised).
  await db.insertInto('ttl_entries').values([
    ttl('ttl-expired-8-days', -8 * DAY), ttl('ttl-consumed-expired-8-days', -8 * DAY, -8 * DAY - 60_000),
    ttl('ttl-expired-6-days', -6 * DAY), ttl('ttl-consumed-expired', -1000, -60_000), ttl('ttl-live', HOUR),
  ]).execute();

  const session = (id: string, idle: number, absolute = Math.max(idle, DAY)) => ({
    tenant_id: tenantId, id_hash: id, sid: id, user_id: 'auth0|sweep', authenticated_at: iso(-DAY), last_interaction_at: iso(-HOUR),
    expires_at: iso(absolute), idle_expires_at: iso(idle), document: '{}', revoked_at: null,
  });
  await db.insertInto('sessions').values([
    session('session-idle-expired', -1000),
    // An idle deadline later than the absolute one (idle lifetime set longer): dead all the same.
    session('session-absolute-expired', HOUR, -1000),
    session('session-live', HOUR),
  ]).execute();

  // Dashboard sessions (admin host): the same two deadlines; a revoked one goes with them.
  const dashboard = (id: string, idle: number, absolute = Math.max(idle, DAY), revoked = false) => ({
    id, id_hash: `hash-${id}`, user_id: 'auth0|sweep', sso_sid: null, user_agent: '', ip: '', created_at: iso(-DAY), last_active_at: iso(-HOUR),
    expires_at: iso(absolute), idle_expires_at: iso(idle), revoked_at: revoked ? iso(-HOUR) : null,
  });
  await db.insertInto('dashboard_sessions').values([
    dashboard('ds-idle-expired', -1000),
    dashboard('ds-absolute-expired', HOUR, -1000),
    dashboard('ds-revoked-expired', -1000, DAY, true),
    dashboard('ds-revoked-live', HOUR, DAY, true),
    dashboard('ds-live', HOUR),
  ]).execute();

  const refresh = (id: string, fields: { expires?: number | null; idle?: number | null; rotated?: boolean; revoked?: boolean }) => ({
    tenant_id: tenantId, id, token_hash: `hash-${id}`, family_id: id.startsWith('rt-family') ? 'family-1' : `family-${id}`, client_id: 'client', user_id: 'auth0|sweep',
    code_hash: null, document: '{}', created_at: iso(-DAY),
    expires_at: fields.expires === undefined || fields.expires === null ? null : iso(fields.expires),
    idle_expires_at: fields.idle === undefined || fields.idle === null ? null : iso(fields.idle),
    last_used_at: null, rotated_at: fields.rotated ? iso(-HOUR) : null, revoked_at: fields.revoked ? iso(-HOUR) : null,
  });
  await db.insertInto('refresh_tokens').values([
    refresh('rt-expired', { expires: -1000, idle: HOUR }),
    refresh('rt-idle-expired', { expires: DAY, idle: -1000 }),
    refresh('rt-revoked', { expires: DAY }),
    // A live family: its rotated token stays (a replay of it must still revoke the family).
    refresh('rt-family-rotated', { expires: DAY, idle: HOUR, rotated: true }),
    refresh('rt-family-current', { expires: DAY, idle: HOUR }),
    refresh('rt-never-expires', {}),
  ]).execute();
  await db.updateTable('refresh_tokens').set({ revoked_at: iso(-HOUR) }).where('id', '=', 'rt-revoked').execute();

  const code = (identifier: string, expires: number) => ({
    tenant_id: tenantId, connection_id: 'con_sweep', identifier, id: identifier, client_id: 'client', code_hash: 'x', failed_attempts: 0, created_at: iso(-DAY), expires_at: iso(expires), consumed_at: null,
  });
  // Expired codes are kept an hour (a late attempt is told "expired", not "wrong").
  await db.insertInto('passwordless_codes').values([code('code-long-expired', -2 * HOUR), code('code-just-expired', -60_000), code('code-live', 60_000)]).execute();

  const failure = (identifier: string, last: number) => ({
    tenant_id: tenantId, connection: DB, identifier, ip: '', failures: 3, last_ip: '203.0.113.1', first_failed_at: iso(last), last_failed_at: iso(last), pending: 0, pending_at: null,
  });
  await db.insertInto('login_failures').values([failure('failure-old', -31 * DAY), failure('failure-recent', -DAY)]).execute();
  await db.insertInto('rate_buckets').values([
    { tenant_id: tenantId, bucket: 'sweep', key: 'bucket-full-again', tat_ms: NOW - 1000 },
    { tenant_id: tenantId, bucket: 'sweep', key: 'bucket-in-use', tat_ms: NOW + 60_000 },
  ]).execute();
}

async function remaining(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const column = async (query: Promise<Array<{ k: string }>>) => (await query).map((r) => r.k).sort();
  return {
    ttl: await column(db.selectFrom('ttl_entries').select('key_hash as k').where('kind', '=', 'sweep_test').execute()),
    sessions: await column(db.selectFrom('sessions').select('id_hash as k').where('user_id', '=', 'auth0|sweep').execute()),
    dashboardSessions: await column(db.selectFrom('dashboard_sessions').select('id as k').where('user_id', '=', 'auth0|sweep').execute()),
    refresh: await column(db.selectFrom('refresh_tokens').select('id as k').where('user_id', '=', 'auth0|sweep').execute()),
    codes: await column(db.selectFrom('passwordless_codes').select('identifier as k').where('connection_id', '=', 'con_sweep').execute()),
    failures: await column(db.selectFrom('login_failures').select('identifier as k').where('identifier', 'like', 'failure-%').execute()),
    buckets: await column(db.selectFrom('rate_buckets').select('key as k').where('bucket', '=', 'sweep').execute()),
  };
}

describe('finding 6: the background sweeper', () => {
  it('finding 6 (review 1, 2): ttl entries are kept 7 days past expiry (older ones deleted); sessions past their absolute deadline are deleted even when the idle one is later; the sweeper deletes the expired rows of each expiring table, in bounded batches, and leaves live ones', async () => {
    const { db, dialect } = await openDatabase(parseDatabaseUrl(server.database.url));
    try {
      const tenantId = (await db.selectFrom('tenants').select('id').where('name', '=', 'dev').executeTakeFirstOrThrow()).id;
      await seed(db, tenantId);
      // Batches of one row, so the bounded rounds are exercised too.
      const errors: unknown[] = [];
      const counts = await sweepExpired(new Storage(db, dialect), (error) => errors.push(error), NOW, 1);
      expect(errors).toEqual([]);
      expect(counts).toMatchObject({ ttlEntries: expect.any(Number), sessions: expect.any(Number), dashboardSessions: 3 });
      expect(counts.refreshTokens).toBeGreaterThanOrEqual(3);
      expect(await remaining(db)).toEqual({
        ttl: ['ttl-consumed-expired', 'ttl-expired-6-days', 'ttl-live'],
        sessions: ['session-live'],
        dashboardSessions: ['ds-live', 'ds-revoked-live'],
        refresh: ['rt-family-current', 'rt-family-rotated', 'rt-never-expires'],
        codes: ['code-just-expired', 'code-live'],
        failures: ['failure-recent'],
        buckets: ['bucket-in-use'],
      });
      // A second sweep finds nothing more to delete among these.
      await sweepExpired(new Storage(db, dialect), (error) => errors.push(error), NOW);
      expect((await remaining(db)).refresh).toEqual(['rt-family-current', 'rt-family-rotated', 'rt-never-expires']);
    } finally {
      await db.destroy();
    }
  });
});

describe('finding 6: one failing table does not stop the sweep', () => {
  it('finding 6 (review 3): a table whose deletes fail is reported to onError, and every other table is still swept', async () => {
    const swept: string[] = [];
    const table = (name: string) => async () => {
      swept.push(name);
      return 0;
    };
    const expiredRows = {
      ttlEntries: table('ttlEntries'),
      sessions: async () => {
        throw new Error('sessions table unavailable');
      },
      dashboardSessions: table('dashboardSessions'),
      refreshTokens: table('refreshTokens'),
      passwordlessCodes: table('passwordlessCodes'),
      clientAssertionJtis: table('clientAssertionJtis'),
      loginFailures: table('loginFailures'),
      rateBuckets: table('rateBuckets'),
    };
    const errors: Error[] = [];
    const counts = await sweepExpired({ repos: { expiredRows } }, (error) => errors.push(error as Error), NOW);
    expect(swept).toEqual(['ttlEntries', 'dashboardSessions', 'refreshTokens', 'passwordlessCodes', 'clientAssertionJtis', 'loginFailures', 'rateBuckets']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('sessions');
    expect((errors[0]!.cause as Error).message).toBe('sessions table unavailable');
    expect(counts.sessions).toBe(0);
  });
});

describe('finding 6: bounded log values', () => {
  it('finding 6: a 1 MB attacker value in a failed login is stored truncated', async () => {
    const token = await managementToken(server);
    const app = await call(server, '/api/v2/clients', {
      headers: { authorization: `Bearer ${token}` },
      body: { name: 'password app', app_type: 'regular_web', grant_types: ['password', REALM_GRANT] },
    });
    expect(app.status, app.text).toBe(201);
    const marker = randomBytes(6).toString('hex');
    const huge = `${marker}${'A'.repeat(1_000_000)}`;
    const failed = await call(server, '/oauth/token', {
      form: { grant_type: REALM_GRANT, realm: DB, username: huge, password: 'wrong-password-1', client_id: app.body.client_id, client_secret: app.body.client_secret },
    });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(failed.status).toBeLessThan(500);

    const { db } = await openDatabase(parseDatabaseUrl(server.database.url));
    try {
      const rows = await eventually(
        async () => (await sql<{ document: string }>`select document from logs where document like ${`%${marker}%`}`.execute(db)).rows,
        (found) => found.length > 0,
        5_000,
      );
      for (const row of rows) {
        expect(row.document.length).toBeLessThan(8_000);
        expect(row.document).toContain('[truncated]');
      }
    } finally {
      await db.destroy();
    }
  });
});
