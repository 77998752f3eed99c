/**
 * Login sessions behind the tenant's SSO cookie: created at login, found again by the cookie on
 * later `/authorize` requests (silent login), bounded by the tenant's absolute and idle lifetimes.
 */
import type { Storage } from '../../storage/storage.js';
import type { SessionRecord } from '../../storage/repositories/sessions.js';
import type { TenantSettings } from '../tenants/tenant-settings.js';
import { hashSecret, newSecret } from '../secrets.js';
import { randomAlphanumeric } from '../ids.js';
import { isoAt, systemClock, type Clock } from '../clock.js';

export interface Session {
  sid: string;
  userId: string;
  /** Seconds since the epoch: the `auth_time` claim. */
  authTime: number;
  amr: string[];
  connection?: string;
}

const toSession = (record: SessionRecord): Session => ({
  sid: record.sid,
  userId: record.userId,
  authTime: Math.floor(Date.parse(record.authenticatedAt) / 1000),
  amr: record.document.amr ?? [],
  ...(record.document.connection ? { connection: record.document.connection } : {}),
});

export class SessionService {
  constructor(
    private readonly storage: Storage,
    /** Decides the absolute and idle deadlines and `auth_time`. */
    private readonly clock: Clock = systemClock,
  ) {}

  /** Starts a session; returns the cookie value (the only copy of the secret) and the session. */
  async create(tenantId: string, settings: TenantSettings, login: { userId: string; amr: string[]; connection?: string }): Promise<{ cookie: string; session: Session; maxAgeSeconds: number }> {
    const cookie = newSecret();
    const now = new Date(this.clock.now());
    const record: SessionRecord = {
      tenantId,
      idHash: hashSecret(cookie),
      sid: randomAlphanumeric(32),
      userId: login.userId,
      authenticatedAt: now.toISOString(),
      lastInteractionAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + settings.session_lifetime_in_minutes * 60_000).toISOString(),
      // Never later than the absolute deadline (as `resume` extends it), whatever the two settings.
      idleExpiresAt: new Date(now.getTime() + Math.min(settings.session_lifetime_in_minutes, settings.idle_session_lifetime_in_minutes) * 60_000).toISOString(),
      document: { amr: login.amr, ...(login.connection ? { connection: login.connection } : {}) },
      revokedAt: null,
    };
    await this.storage.transaction((repos) => repos.sessions.insert(record));
    return { cookie, session: toSession(record), maxAgeSeconds: settings.session_lifetime_in_minutes * 60 };
  }

  /**
   * The live session behind a cookie, extending its idle deadline; undefined when the cookie is
   * unknown, revoked, or past the absolute or idle lifetime.
   */
  async resume(tenantId: string, settings: TenantSettings, cookie: string | undefined): Promise<Session | undefined> {
    if (!cookie) return undefined;
    const idHash = hashSecret(cookie);
    const record = await this.storage.repos.sessions.findByIdHash(tenantId, idHash);
    const now = new Date(this.clock.now());
    if (!record || record.revokedAt || Date.parse(record.expiresAt) <= now.getTime() || Date.parse(record.idleExpiresAt) <= now.getTime()) return undefined;
    const idleExpiresAt = new Date(Math.min(Date.parse(record.expiresAt), now.getTime() + settings.idle_session_lifetime_in_minutes * 60_000)).toISOString();
    await this.storage.repos.sessions.touch(tenantId, idHash, now.toISOString(), idleExpiresAt, record.document);
    return toSession(record);
  }

  async end(tenantId: string, cookie: string | undefined): Promise<Session | undefined> {
    if (!cookie) return undefined;
    const idHash = hashSecret(cookie);
    const record = await this.storage.repos.sessions.findByIdHash(tenantId, idHash);
    if (!record || record.revokedAt) return undefined;
    await this.storage.repos.sessions.revoke(tenantId, idHash, isoAt(this.clock));
    return toSession(record);
  }
}
