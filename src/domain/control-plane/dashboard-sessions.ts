/**
 * The dashboard's own sessions (docs/plans/dashboard.md §1.6): the BFF cookie the control API sets
 * on the admin host after a login through the admin tenant's hosted pages.
 *
 * - The cookie value is 256 random bits (base64url); only its SHA-256 is stored (`id_hash`). The
 *   session's public id (`ds_…`, the `dsid` claim of dashboard tokens, the id `/me/sessions` shows
 *   and revokes by) is a separate random value, so nothing shown or logged opens the session.
 * - Lifetimes: idle 8 h, absolute 3 days. Each authenticated request slides the idle deadline,
 *   written at most once a minute per session, never past the absolute deadline.
 * - `status(dsid)` answers the Management API's check of a dashboard token on every request, from
 *   an EntityCache (kind `dashboard-session`, 60 s) that revokes drop through the bus, after commit.
 *   The table belongs to the admin tenant alone, so entries live under one pseudo-tenant key.
 * - Every time that decides anything is read from the injected Clock.
 */
import type { Storage } from '../../storage/storage.js';
import type { DashboardSessionRecord } from '../../storage/repositories/dashboard-sessions.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import { hashSecret, newSecret } from '../secrets.js';
import { randomAlphanumeric } from '../ids.js';
import { systemClock, type Clock } from '../clock.js';

/** Idle lifetime: a session unused this long ends. */
export const DASHBOARD_SESSION_IDLE_MS = 8 * 60 * 60_000;
/** Absolute lifetime: a session ends this long after sign-in, however active. */
export const DASHBOARD_SESSION_ABSOLUTE_MS = 3 * 24 * 60 * 60_000;
/** The idle deadline is written at most this often per session (a busy SPA would otherwise write on every call). */
export const DASHBOARD_SESSION_TOUCH_INTERVAL_MS = 60_000;
/** How long `status` trusts its cached answer without a bus message (the safety net, as every cache has one). */
export const DASHBOARD_SESSION_STATUS_TTL_MS = 60_000;

/** The invalidation kind of the session status cache; only `invalidateDashboardSessions` publishes it. */
export const DASHBOARD_SESSION_KIND = 'dashboard-session';
/** The pseudo-tenant the status cache keys its entries under (the table has no tenant column). */
const SESSIONS = '*';

/** Stored lengths of what the browser tells about itself (recorded for `/me/sessions`, never trusted). */
export const DASHBOARD_USER_AGENT_MAX = 512;
export const DASHBOARD_IP_MAX = 64;

/** A cookie value as `create` makes it: 32 bytes of base64url. Anything else is refused before any hashing or lookup. */
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
/** A public id as `create` makes it. */
const SESSION_ID = /^ds_[A-Za-z0-9]{32}$/;

/** A session as the control API sees it: everything but the cookie's hash. */
export interface DashboardSession {
  id: string;
  userId: string;
  ssoSid: string | null;
  userAgent: string;
  ip: string;
  createdAt: string;
  lastActiveAt: string;
  expiresAt: string;
  idleExpiresAt: string;
}

export interface DashboardSessionStatus {
  userId: string;
  /** Not revoked, and before both deadlines, at the clock's time. */
  active: boolean;
}

/** What the status cache keeps: enough to judge `active` at any later time without a read. */
interface CachedStatus {
  userId: string;
  revoked: boolean;
  expiresAt: number;
  idleExpiresAt: number;
}

const toSession = (record: DashboardSessionRecord): DashboardSession => ({
  id: record.id,
  userId: record.userId,
  ssoSid: record.ssoSid,
  userAgent: record.userAgent,
  ip: record.ip,
  createdAt: record.createdAt,
  lastActiveAt: record.lastActiveAt,
  expiresAt: record.expiresAt,
  idleExpiresAt: record.idleExpiresAt,
});

const newDashboardSessionId = (): string => `ds_${randomAlphanumeric(32)}`;

/** Whether `id` has the shape of a public session id (bounds a path parameter or claim before any lookup). */
export const isDashboardSessionId = (id: unknown): id is string => typeof id === 'string' && SESSION_ID.test(id);

/**
 * After a committed revoke: drops session `id`'s cached status everywhere, or every cached status
 * when no id is given (a revoke of all of an account's sessions). For writers that revoke inside a
 * transaction of their own (a membership change) and cannot call the service's method.
 */
export function invalidateDashboardSessions(bus: InvalidationBus, id?: string): Promise<void> {
  return bus.publish(id === undefined ? { tenantId: SESSIONS, kind: DASHBOARD_SESSION_KIND } : { tenantId: SESSIONS, kind: DASHBOARD_SESSION_KIND, key: id });
}

export class DashboardSessionService {
  private readonly statuses: EntityCache<CachedStatus>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    /** Decides both deadlines, the idle renewal and `status`. */
    private readonly clock: Clock = systemClock,
  ) {
    this.statuses = new EntityCache<CachedStatus>(DASHBOARD_SESSION_KIND, bus, { max: 10_000, valueBytes: 200, ttlMs: DASHBOARD_SESSION_STATUS_TTL_MS });
  }

  /** Starts a session; the cookie value returned is the only copy of the secret. */
  async create(login: { userId: string; ssoSid?: string | null; userAgent?: string; ip?: string }): Promise<{ cookieValue: string; session: DashboardSession }> {
    const cookieValue = newSecret();
    const now = this.clock.now();
    const at = new Date(now).toISOString();
    const record: DashboardSessionRecord = {
      id: newDashboardSessionId(),
      idHash: hashSecret(cookieValue),
      userId: login.userId,
      ssoSid: login.ssoSid ?? null,
      userAgent: truncate(login.userAgent ?? '', DASHBOARD_USER_AGENT_MAX),
      ip: truncate(login.ip ?? '', DASHBOARD_IP_MAX),
      createdAt: at,
      lastActiveAt: at,
      expiresAt: new Date(now + DASHBOARD_SESSION_ABSOLUTE_MS).toISOString(),
      idleExpiresAt: new Date(now + Math.min(DASHBOARD_SESSION_IDLE_MS, DASHBOARD_SESSION_ABSOLUTE_MS)).toISOString(),
      revokedAt: null,
    };
    await this.storage.transaction((repos) => repos.dashboardSessions.insert(record));
    return { cookieValue, session: toSession(record) };
  }

  /**
   * The live session behind a cookie value, its idle deadline slid forward (written at most once a
   * minute); undefined for a missing or malformed value, an unknown, revoked or expired session.
   */
  async authenticate(cookieValue: string | undefined): Promise<DashboardSession | undefined> {
    if (cookieValue === undefined || !COOKIE_VALUE.test(cookieValue)) return undefined;
    const record = await this.storage.repos.dashboardSessions.findByIdHash(hashSecret(cookieValue));
    const now = this.clock.now();
    if (!record || !isLive(record, now)) return undefined;
    if (now - Date.parse(record.lastActiveAt) < DASHBOARD_SESSION_TOUCH_INTERVAL_MS) return toSession(record);
    const lastActiveAt = new Date(now).toISOString();
    const idleExpiresAt = new Date(Math.min(Date.parse(record.expiresAt), now + DASHBOARD_SESSION_IDLE_MS)).toISOString();
    // Conditional on the session not being revoked: a revoke that lands between the read and here wins.
    if (!(await this.storage.repos.dashboardSessions.touch(record.id, lastActiveAt, idleExpiresAt))) return undefined;
    return toSession({ ...record, lastActiveAt, idleExpiresAt });
  }

  /** The account's live sessions, newest first (at most 100). */
  async list(userId: string): Promise<DashboardSession[]> {
    const records = await this.storage.repos.dashboardSessions.listActiveForUser(userId, new Date(this.clock.now()).toISOString());
    return records.map(toSession);
  }

  /** Ends the account's session `id`; false when the account has no such unrevoked session (a 404). */
  async revoke(userId: string, id: string): Promise<boolean> {
    if (!isDashboardSessionId(id)) return false;
    const at = new Date(this.clock.now()).toISOString();
    const revoked = await this.storage.transaction((repos) => repos.dashboardSessions.revoke(id, userId, at));
    if (revoked) await this.invalidate(id);
    return revoked;
  }

  /** Ends every session of the account, except `exceptId` (the current one) when given; how many it ended. */
  async revokeAllForUser(userId: string, exceptId?: string): Promise<number> {
    const at = new Date(this.clock.now()).toISOString();
    const count = await this.storage.transaction((repos) => repos.dashboardSessions.revokeAllForUser(userId, at, exceptId));
    if (count > 0) await this.invalidate();
    return count;
  }

  /**
   * Whose session `dsid` is and whether it is live now: the check behind every dashboard token.
   * Undefined for an unknown or malformed id. Cached 60 s; a revoke drops the entry through the bus.
   */
  async status(dsid: string): Promise<DashboardSessionStatus | undefined> {
    if (!isDashboardSessionId(dsid)) return undefined;
    const load = async (): Promise<CachedStatus | undefined> => {
      const record = await this.storage.repos.dashboardSessions.findById(dsid);
      return record && { userId: record.userId, revoked: record.revokedAt !== null, expiresAt: Date.parse(record.expiresAt), idleExpiresAt: Date.parse(record.idleExpiresAt) };
    };
    let cached = await this.statuses.get(SESSIONS, dsid, load);
    if (cached && this.idleOnlyExpired(cached)) {
      // Sliding renewal does not publish (it would, once a minute per session), so an idle deadline
      // that looks past may have been moved since the entry was loaded: read it again before saying no.
      this.statuses.drop(SESSIONS, dsid);
      cached = await this.statuses.get(SESSIONS, dsid, load);
    }
    return cached ? this.judge(cached) : undefined;
  }

  /**
   * `status` from the cache alone: undefined when not cached (the caller then awaits `status`), or
   * when the cached idle deadline has passed (it may have slid since).
   */
  peekStatus(dsid: string): DashboardSessionStatus | undefined {
    const cached = this.statuses.peek(SESSIONS, dsid);
    if (!cached || this.idleOnlyExpired(cached)) return undefined;
    return this.judge(cached);
  }

  /** After a committed revoke: one session's cached status, or all of them. */
  invalidate(id?: string): Promise<void> {
    return invalidateDashboardSessions(this.bus, id);
  }

  private judge(cached: CachedStatus): DashboardSessionStatus {
    const now = this.clock.now();
    return { userId: cached.userId, active: !cached.revoked && now < cached.expiresAt && now < cached.idleExpiresAt };
  }

  private idleOnlyExpired(cached: CachedStatus): boolean {
    const now = this.clock.now();
    return !cached.revoked && now < cached.expiresAt && now >= cached.idleExpiresAt;
  }
}

function isLive(record: DashboardSessionRecord, now: number): boolean {
  return record.revokedAt === null && now < Date.parse(record.expiresAt) && now < Date.parse(record.idleExpiresAt);
}

/** The first `max` UTF-16 units of `text`, without a high surrogate cut from its pair at the end. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(max - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
