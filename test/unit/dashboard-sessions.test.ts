/**
 * Dashboard sessions and accounts over a real database (TEST_DATABASE=sqlite or postgres): the
 * repositories of migration 015's tables and DashboardSessionService on a TestClock (lifetimes,
 * sliding renewal, revokes), and the status cache that dashboard tokens are checked against, whose
 * revokes travel on the bus after their commit.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { migrateToLatest, openDatabase } from '../../src/storage/database.js';
import { Storage } from '../../src/storage/storage.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import {
  DASHBOARD_SESSION_ABSOLUTE_MS,
  DASHBOARD_SESSION_IDLE_MS,
  DashboardSessionService,
  invalidateDashboardSessions,
} from '../../src/domain/control-plane/dashboard-sessions.js';
import { DASHBOARD_SESSIONS_LISTED } from '../../src/storage/repositories/dashboard-sessions.js';
import { RecordingBus } from '../support/recording-bus.js';
import { freshDatabase, withRawDatabase, type TestDatabase } from '../support/database.js';
import { TestClock } from '../support/test-clock.js';

const HOUR = 60 * 60_000;

let database: TestDatabase;
let storage: Storage;
let bus: RecordingBus;
let clock: TestClock;
let sessions: DashboardSessionService;
/** A second instance (another server process) over the same database and bus, with its own cache. */
let other: DashboardSessionService;
let userCounter = 0;
const newUser = () => `auth0|dash-${++userCounter}-${Math.random().toString(36).slice(2)}`;

const rawSession = (id: string) => withRawDatabase(database, (db) => db.selectFrom('dashboard_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow());

beforeAll(async () => {
  database = freshDatabase();
  const opened = await openDatabase(parseDatabaseUrl(database.url));
  await migrateToLatest(opened);
  storage = new Storage(opened.db, opened.dialect, new SecretBox(new Uint8Array(32)));
  bus = new RecordingBus();
  const transaction = storage.transaction.bind(storage);
  storage.transaction = async (work) => {
    bus.openTransactions++;
    try {
      return await transaction(work);
    } finally {
      bus.openTransactions--;
    }
  };
  clock = new TestClock();
  sessions = new DashboardSessionService(storage, bus, clock);
  other = new DashboardSessionService(storage, bus, clock);
});

beforeEach(() => {
  bus.take();
});

afterAll(async () => {
  await storage?.close();
  await database?.drop();
});

describe('DashboardSessionService', () => {
  it('create stores only the hash of the cookie value; authenticate finds the session by the value', async () => {
    const userId = newUser();
    const { cookieValue, session } = await sessions.create({ userId, ssoSid: 'sid-1', userAgent: 'Mozilla/5.0 test', ip: '192.0.2.7' });
    expect(cookieValue).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.id).toMatch(/^ds_[A-Za-z0-9]{32}$/);
    expect(session).toMatchObject({ userId, ssoSid: 'sid-1', userAgent: 'Mozilla/5.0 test', ip: '192.0.2.7' });
    expect(Date.parse(session.expiresAt) - Date.parse(session.createdAt)).toBe(DASHBOARD_SESSION_ABSOLUTE_MS);
    expect(Date.parse(session.idleExpiresAt) - Date.parse(session.createdAt)).toBe(DASHBOARD_SESSION_IDLE_MS);
    expect(session).not.toHaveProperty('idHash');

    const row = await rawSession(session.id);
    expect(row.id_hash).toBe(createHash('sha256').update(cookieValue).digest('base64url'));
    expect(Object.values(row).filter((value) => typeof value === 'string' && value.includes(cookieValue))).toEqual([]);
    expect(row.id).not.toBe(cookieValue);

    expect(await sessions.authenticate(cookieValue)).toEqual(session);
    expect(bus.take()).toEqual([]);
  });

  it('authenticate refuses unknown, malformed and missing values without a match', async () => {
    const { cookieValue, session } = await sessions.create({ userId: newUser() });
    expect(await sessions.authenticate(undefined)).toBeUndefined();
    expect(await sessions.authenticate('')).toBeUndefined();
    expect(await sessions.authenticate(cookieValue.slice(0, -1) + (cookieValue.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    // The hash itself, the public id, and a long value are not the cookie.
    expect(await sessions.authenticate((await rawSession(session.id)).id_hash)).toBeUndefined();
    expect(await sessions.authenticate(session.id)).toBeUndefined();
    expect(await sessions.authenticate(`${cookieValue}${'x'.repeat(100_000)}`)).toBeUndefined();
  });

  it('truncates the user agent to 512 characters and the IP to 64, without splitting a character', async () => {
    const { session } = await sessions.create({ userId: newUser(), userAgent: 'U'.repeat(511) + '😀' + 'A'.repeat(1000), ip: '1'.repeat(200) });
    expect(session.userAgent).toBe('U'.repeat(511));
    expect(session.ip).toBe('1'.repeat(64));
    const row = await rawSession(session.id);
    expect([row.user_agent, row.ip]).toEqual([session.userAgent, session.ip]);
    const { session: plain } = await sessions.create({ userId: newUser() });
    expect([plain.userAgent, plain.ip, plain.ssoSid]).toEqual(['', '', null]);
  });

  it('ends after 8 hours without activity', async () => {
    const { cookieValue } = await sessions.create({ userId: newUser() });
    const { cookieValue: idle } = await sessions.create({ userId: newUser() });
    clock.advance(DASHBOARD_SESSION_IDLE_MS - 1000);
    expect(await sessions.authenticate(cookieValue)).toBeDefined();
    clock.advance(2000);
    expect(await sessions.authenticate(idle)).toBeUndefined();
    // The first one was used a second before its idle deadline: it lives on.
    expect(await sessions.authenticate(cookieValue)).toBeDefined();
  });

  it('slides the idle deadline on use, writing at most once a minute', async () => {
    const { cookieValue, session } = await sessions.create({ userId: newUser() });
    clock.advance(30_000);
    expect(await sessions.authenticate(cookieValue)).toEqual(session);
    expect((await rawSession(session.id)).last_active_at).toBe(session.lastActiveAt);

    clock.advance(31_000);
    const renewed = await sessions.authenticate(cookieValue);
    const row = await rawSession(session.id);
    expect(row.last_active_at).not.toBe(session.lastActiveAt);
    expect(renewed).toMatchObject({ lastActiveAt: row.last_active_at, idleExpiresAt: row.idle_expires_at });
    expect(Date.parse(row.idle_expires_at) - Date.parse(row.last_active_at)).toBe(DASHBOARD_SESSION_IDLE_MS);

    // Past the first idle deadline, within the renewed one.
    clock.advance(DASHBOARD_SESSION_IDLE_MS - 30_000);
    expect(await sessions.authenticate(cookieValue)).toBeDefined();
  });

  it('ends 3 days after sign-in however active, the idle deadline never past the absolute one', async () => {
    const { cookieValue, session } = await sessions.create({ userId: newUser() });
    for (let elapsed = 0; elapsed + 7 * HOUR < DASHBOARD_SESSION_ABSOLUTE_MS; elapsed += 7 * HOUR) {
      clock.advance(7 * HOUR);
      expect(await sessions.authenticate(cookieValue)).toBeDefined();
    }
    const row = await rawSession(session.id);
    expect(row.expires_at).toBe(session.expiresAt);
    expect(Date.parse(row.idle_expires_at)).toBe(Date.parse(session.expiresAt));
    clock.set(Date.parse(session.expiresAt) - 1000);
    expect(await sessions.authenticate(cookieValue)).toBeDefined();
    clock.set(Date.parse(session.expiresAt));
    expect(await sessions.authenticate(cookieValue)).toBeUndefined();
    expect(await sessions.list(session.userId)).toEqual([]);
  });

  it('revoke ends one session of its own account and answers false for anything else', async () => {
    const userId = newUser();
    const first = await sessions.create({ userId });
    const second = await sessions.create({ userId });
    const stranger = await sessions.create({ userId: newUser() });
    bus.take();

    expect(await sessions.revoke(userId, stranger.session.id)).toBe(false);
    expect(await sessions.revoke(userId, 'ds_' + 'x'.repeat(32))).toBe(false);
    expect(await sessions.revoke(userId, 'not a session id')).toBe(false);
    expect(bus.take()).toEqual([]);

    expect(await sessions.revoke(userId, first.session.id)).toBe(true);
    expect(bus.take()).toEqual([{ tenantId: '*', kind: 'dashboard-session', key: first.session.id }]);
    expect(await sessions.revoke(userId, first.session.id)).toBe(false);
    expect(bus.take()).toEqual([]);

    expect(await sessions.authenticate(first.cookieValue)).toBeUndefined();
    expect(await sessions.authenticate(second.cookieValue)).toBeDefined();
    expect(await sessions.authenticate(stranger.cookieValue)).toBeDefined();
    expect((await sessions.list(userId)).map((s) => s.id)).toEqual([second.session.id]);
    expect((await rawSession(first.session.id)).revoked_at).not.toBeNull();
  });

  it('revokeAllForUser ends every session of the account but the current one, and no one else’s', async () => {
    const userId = newUser();
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await sessions.create({ userId }));
    const stranger = await sessions.create({ userId: newUser() });
    bus.take();

    expect(await sessions.revokeAllForUser(userId, created[1]!.session.id)).toBe(2);
    expect(bus.take()).toEqual([{ tenantId: '*', kind: 'dashboard-session' }]);
    expect((await sessions.list(userId)).map((s) => s.id)).toEqual([created[1]!.session.id]);
    expect(await sessions.authenticate(created[0]!.cookieValue)).toBeUndefined();
    expect(await sessions.authenticate(created[2]!.cookieValue)).toBeUndefined();
    expect(await sessions.authenticate(stranger.cookieValue)).toBeDefined();

    expect(await sessions.revokeAllForUser(userId)).toBe(1);
    expect(await sessions.revokeAllForUser(userId)).toBe(0);
    expect(bus.take()).toEqual([{ tenantId: '*', kind: 'dashboard-session' }]);
    expect(await sessions.list(userId)).toEqual([]);
  });

  it('list: the live sessions, newest first, at most 100', async () => {
    const userId = newUser();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await sessions.create({ userId })).session.id);
      clock.advance(1000);
    }
    expect((await sessions.list(userId)).map((s) => s.id)).toEqual([...ids].reverse());

    const busy = newUser();
    const at = new Date(clock.now()).toISOString();
    const far = new Date(clock.now() + HOUR).toISOString();
    for (let i = 0; i < DASHBOARD_SESSIONS_LISTED + 5; i++) {
      const created = new Date(clock.now() - i * 1000).toISOString();
      await storage.repos.dashboardSessions.insert({ id: `ds_bulk${String(i).padStart(27, '0')}`, idHash: `hash-${busy}-${i}`, userId: busy, ssoSid: null, userAgent: '', ip: '', createdAt: created, lastActiveAt: at, expiresAt: far, idleExpiresAt: far, revokedAt: null });
    }
    const listed = await sessions.list(busy);
    expect(listed).toHaveLength(DASHBOARD_SESSIONS_LISTED);
    expect(listed[0]!.id).toBe(`ds_bulk${'0'.repeat(27)}`);
  });

  it('status: whose session and whether it is live, cached, and a revoke reaches every instance through the bus', async () => {
    const userId = newUser();
    const { session } = await sessions.create({ userId });
    expect(await sessions.status(session.id)).toEqual({ userId, active: true });
    expect(await other.status(session.id)).toEqual({ userId, active: true });
    expect(other.peekStatus(session.id)).toEqual({ userId, active: true });
    expect(await sessions.status('ds_' + 'q'.repeat(32))).toBeUndefined();
    expect(await sessions.status('../etc')).toBeUndefined();

    // A revoke written without the service's publish stays unseen by the cache (so the cache is real)...
    const at = new Date(clock.now()).toISOString();
    expect(await storage.repos.dashboardSessions.revoke(session.id, userId, at)).toBe(true);
    expect(await other.status(session.id)).toEqual({ userId, active: true });
    // ...until its invalidation arrives.
    await invalidateDashboardSessions(bus, session.id);
    expect(other.peekStatus(session.id)).toBeUndefined();
    expect(await other.status(session.id)).toEqual({ userId, active: false });
    expect(await sessions.status(session.id)).toEqual({ userId, active: false });
  });

  it('status follows the service revokes: one session, and all of an account', async () => {
    const userId = newUser();
    const first = await sessions.create({ userId });
    const second = await sessions.create({ userId });
    const third = await sessions.create({ userId });
    for (const s of [first, second, third]) expect(await other.status(s.session.id)).toEqual({ userId, active: true });

    await sessions.revoke(userId, first.session.id);
    expect(await other.status(first.session.id)).toEqual({ userId, active: false });
    expect(await other.status(second.session.id)).toEqual({ userId, active: true });

    await sessions.revokeAllForUser(userId, third.session.id);
    expect(await other.status(second.session.id)).toEqual({ userId, active: false });
    expect(await other.status(third.session.id)).toEqual({ userId, active: true });
  });

  it('status turns inactive at either deadline from a cached entry, and sees a renewed idle deadline', async () => {
    const userId = newUser();
    const { cookieValue, session } = await sessions.create({ userId });
    const { session: idle } = await sessions.create({ userId });
    expect(await other.status(session.id)).toEqual({ userId, active: true });
    expect(await other.status(idle.id)).toEqual({ userId, active: true });

    // The first session is used (its idle deadline slides without any publish); the second is not.
    clock.advance(DASHBOARD_SESSION_IDLE_MS - 30 * 60_000);
    expect(await sessions.authenticate(cookieValue)).toBeDefined();
    clock.advance(31 * 60_000);
    expect(await other.status(session.id)).toEqual({ userId, active: true });
    expect(await other.status(idle.id)).toEqual({ userId, active: false });
    expect(other.peekStatus(idle.id)).toBeUndefined();

    clock.set(Date.parse(session.expiresAt));
    expect(await other.status(session.id)).toEqual({ userId, active: false });
  });

  it('touch does not revive a revoked session', async () => {
    const userId = newUser();
    const { cookieValue, session } = await sessions.create({ userId });
    await sessions.revoke(userId, session.id);
    const at = new Date(clock.now()).toISOString();
    expect(await storage.repos.dashboardSessions.touch(session.id, at, at)).toBe(false);
    expect(await sessions.authenticate(cookieValue)).toBeUndefined();
  });
});

describe('DashboardAccountsRepository', () => {
  it('insert, find, preferences, owners, exists and count', async () => {
    const accounts = storage.repos.dashboardAccounts;
    expect(await accounts.exists()).toBe(false);
    expect(await accounts.count()).toBe(0);
    expect(await accounts.find('auth0|nobody')).toBeUndefined();

    const at = '2026-01-01T00:00:00.000Z';
    await accounts.insert({ userId: 'auth0|owner', isOwner: true, preferences: {}, createdAt: at, updatedAt: at });
    await accounts.insert({ userId: 'auth0|member', isOwner: false, preferences: { theme: 'dark' }, createdAt: '2026-01-02T00:00:00.000Z', updatedAt: at });
    expect(await accounts.exists()).toBe(true);
    expect(await accounts.count()).toBe(2);
    expect(await accounts.find('auth0|member')).toEqual({ userId: 'auth0|member', isOwner: false, preferences: { theme: 'dark' }, createdAt: '2026-01-02T00:00:00.000Z', updatedAt: at });

    const later = '2026-02-01T00:00:00.000Z';
    expect(await accounts.updatePreferences('auth0|member', { theme: 'light' }, later)).toBe(true);
    expect(await accounts.updatePreferences('auth0|nobody', { theme: 'light' }, later)).toBe(false);
    expect(await accounts.find('auth0|member')).toMatchObject({ preferences: { theme: 'light' }, updatedAt: later });

    expect((await accounts.listOwners()).map((a) => a.userId)).toEqual(['auth0|owner']);
    expect(await accounts.setOwner('auth0|member', true, later)).toBe(true);
    expect((await accounts.listOwners()).map((a) => a.userId)).toEqual(['auth0|owner', 'auth0|member']);
    expect(await accounts.setOwner('auth0|owner', false, later)).toBe(true);
    expect((await accounts.listOwners()).map((a) => a.userId)).toEqual(['auth0|member']);
    expect(await accounts.setOwner('auth0|nobody', true, later)).toBe(false);
    expect(await accounts.find('auth0|owner')).toMatchObject({ isOwner: false, updatedAt: later });

    await expect(accounts.insert({ userId: 'auth0|owner', isOwner: false, preferences: {}, createdAt: at, updatedAt: at })).rejects.toThrow();
  });
});
