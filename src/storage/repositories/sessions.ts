/** Login sessions (the tenant's SSO cookie), found by the SHA-256 of the cookie value. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export interface SessionRecord {
  tenantId: string;
  idHash: string;
  /** The public session id: the `sid` claim of ID tokens and the logout hint. */
  sid: string;
  userId: string;
  authenticatedAt: string;
  lastInteractionAt: string;
  expiresAt: string;
  idleExpiresAt: string;
  /** Methods used (`amr`), clients logged into through this session, ... */
  document: { amr?: string[]; clients?: string[]; connection?: string };
  revokedAt: string | null;
}

type Row = Database['sessions'];

const toRecord = (row: Row): SessionRecord => ({
  tenantId: row.tenant_id,
  idHash: row.id_hash,
  sid: row.sid,
  userId: row.user_id,
  authenticatedAt: row.authenticated_at,
  lastInteractionAt: row.last_interaction_at,
  expiresAt: row.expires_at,
  idleExpiresAt: row.idle_expires_at,
  document: fromJson(row.document),
  revokedAt: row.revoked_at,
});

export class SessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        tenant_id: session.tenantId,
        id_hash: session.idHash,
        sid: session.sid,
        user_id: session.userId,
        authenticated_at: session.authenticatedAt,
        last_interaction_at: session.lastInteractionAt,
        expires_at: session.expiresAt,
        idle_expires_at: session.idleExpiresAt,
        document: toJson(session.document),
        revoked_at: null,
      })
      .execute();
  }

  async findByIdHash(tenantId: string, idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('tenant_id', '=', tenantId).where('id_hash', '=', idHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async touch(tenantId: string, idHash: string, at: string, idleExpiresAt: string, document: SessionRecord['document']): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_interaction_at: at, idle_expires_at: idleExpiresAt, document: toJson(document) })
      .where('tenant_id', '=', tenantId)
      .where('id_hash', '=', idHash)
      .execute();
  }

  async revoke(tenantId: string, idHash: string, at: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('id_hash', '=', idHash).execute();
  }

  /** The session with this public id (the dashboard ends the admin tenant's session behind one of its own). */
  async revokeBySid(tenantId: string, sid: string, at: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('sid', '=', sid).where('revoked_at', 'is', null).execute();
  }

  /** The public ids of the user's live sessions (bounded: a user has a handful). */
  async listSidsForUser(tenantId: string, userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('sessions').select('sid').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('revoked_at', 'is', null).limit(1_000).execute();
    return rows.map((row) => row.sid);
  }

  async revokeForUser(tenantId: string, userId: string, at: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  }
}
