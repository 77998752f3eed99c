/**
 * The dashboard's own sessions (the BFF cookie on the admin host), found by the SHA-256 of the
 * cookie value. The table belongs to the admin tenant alone, so it has no tenant column: every
 * query is scoped by the session's own id or by the account's user id instead.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface DashboardSessionRecord {
  /** The public id (`ds_…`): the `dsid` claim of dashboard tokens and the id `/me/sessions` lists. */
  id: string;
  /** SHA-256 of the cookie value; the value itself is never stored. */
  idHash: string;
  /** The admin-tenant user the session belongs to. */
  userId: string;
  /** The admin tenant's SSO session the login went through (null after first-start setup). */
  ssoSid: string | null;
  userAgent: string;
  ip: string;
  createdAt: string;
  lastActiveAt: string;
  /** The absolute deadline. */
  expiresAt: string;
  idleExpiresAt: string;
  revokedAt: string | null;
}

type Row = Database['dashboard_sessions'];

/** Most sessions `listActiveForUser` returns (the newest). */
export const DASHBOARD_SESSIONS_LISTED = 100;

const toRecord = (row: Row): DashboardSessionRecord => ({
  id: row.id,
  idHash: row.id_hash,
  userId: row.user_id,
  ssoSid: row.sso_sid,
  userAgent: row.user_agent,
  ip: row.ip,
  createdAt: row.created_at,
  lastActiveAt: row.last_active_at,
  expiresAt: row.expires_at,
  idleExpiresAt: row.idle_expires_at,
  revokedAt: row.revoked_at,
});

export class DashboardSessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: DashboardSessionRecord): Promise<void> {
    await this.db
      .insertInto('dashboard_sessions')
      .values({
        id: session.id,
        id_hash: session.idHash,
        user_id: session.userId,
        sso_sid: session.ssoSid,
        user_agent: session.userAgent,
        ip: session.ip,
        created_at: session.createdAt,
        last_active_at: session.lastActiveAt,
        expires_at: session.expiresAt,
        idle_expires_at: session.idleExpiresAt,
        revoked_at: session.revokedAt,
      })
      .execute();
  }

  async findByIdHash(idHash: string): Promise<DashboardSessionRecord | undefined> {
    const row = await this.db.selectFrom('dashboard_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findById(id: string): Promise<DashboardSessionRecord | undefined> {
    const row = await this.db.selectFrom('dashboard_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /**
   * The user's sessions that are neither revoked nor past either deadline at `nowIso`, newest first,
   * at most DASHBOARD_SESSIONS_LISTED. Deadlines are ISO-8601 UTC strings of one shape
   * (`toISOString`), so comparing the text compares the times, in both dialects.
   */
  async listActiveForUser(userId: string, nowIso: string): Promise<DashboardSessionRecord[]> {
    const rows = await this.db
      .selectFrom('dashboard_sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', nowIso)
      .where('idle_expires_at', '>', nowIso)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(DASHBOARD_SESSIONS_LISTED)
      .execute();
    return rows.map(toRecord);
  }

  /** Records activity and the new idle deadline, unless the session was revoked meanwhile; true when written. */
  async touch(id: string, lastActiveAt: string, idleExpiresAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('dashboard_sessions')
      .set({ last_active_at: lastActiveAt, idle_expires_at: idleExpiresAt })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes session `id` if it is `userId`'s and not revoked yet; true when this call revoked it. */
  async revoke(id: string, userId: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('dashboard_sessions')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes every unrevoked session of `userId`, except `exceptId` when given; how many it revoked. */
  async revokeAllForUser(userId: string, at: string, exceptId?: string): Promise<number> {
    let query = this.db.updateTable('dashboard_sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
