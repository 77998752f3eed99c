/**
 * Refresh tokens, found by the SHA-256 of the token. Tokens issued by rotation share a `family_id`
 * with their ancestors, so reuse of a rotated token can revoke the whole family at once.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export interface RefreshTokenGrant {
  audience?: string;
  scope: string[];
  sessionId?: string;
  authTime: number;
  nonce?: string;
  /** The authentication context class the family's ID tokens assert (kept from the authorization). */
  acr?: string;
  /** The rich authorization details (RFC 9396) approved with the login the family started from. */
  authorizationDetails?: Array<Record<string, unknown>>;
  /** A public client's token bound to its client certificate (RFC 8705 §4): the certificate's `x5t#S256`. */
  certificateThumbprint?: string;
}

export interface RefreshTokenRecord {
  tenantId: string;
  id: string;
  tokenHash: string;
  familyId: string;
  clientId: string;
  userId: string;
  /** Set on tokens issued from an authorization code, so a replayed code can revoke them. */
  codeHash: string | null;
  document: RefreshTokenGrant;
  createdAt: string;
  expiresAt: string | null;
  idleExpiresAt: string | null;
  lastUsedAt: string | null;
  rotatedAt: string | null;
  revokedAt: string | null;
}

type Row = Database['refresh_tokens'];

const toRecord = (row: Row): RefreshTokenRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  tokenHash: row.token_hash,
  familyId: row.family_id,
  clientId: row.client_id,
  userId: row.user_id,
  codeHash: row.code_hash,
  document: fromJson(row.document),
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  idleExpiresAt: row.idle_expires_at,
  lastUsedAt: row.last_used_at,
  rotatedAt: row.rotated_at,
  revokedAt: row.revoked_at,
});

export class RefreshTokensRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(token: RefreshTokenRecord): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        tenant_id: token.tenantId,
        id: token.id,
        token_hash: token.tokenHash,
        family_id: token.familyId,
        client_id: token.clientId,
        user_id: token.userId,
        code_hash: token.codeHash,
        document: toJson(token.document),
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        idle_expires_at: token.idleExpiresAt,
        last_used_at: token.lastUsedAt,
        rotated_at: token.rotatedAt,
        revoked_at: token.revokedAt,
      })
      .execute();
  }

  async findByHash(tenantId: string, tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Marks a token rotated if it was not already; true only for the one caller that did. */
  async markRotated(tenantId: string, id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ rotated_at: at, last_used_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('rotated_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markUsed(tenantId: string, id: string, at: string, idleExpiresAt: string | null): Promise<void> {
    await this.db.updateTable('refresh_tokens').set({ last_used_at: at, idle_expires_at: idleExpiresAt }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async revokeFamily(tenantId: string, familyId: string, at: string): Promise<void> {
    await this.db.updateTable('refresh_tokens').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
  }

  async revokeWhere(tenantId: string, filter: { userId?: string; clientId?: string; codeHash?: string }, at: string): Promise<void> {
    let query = this.db.updateTable('refresh_tokens').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('revoked_at', 'is', null);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
    if (filter.codeHash !== undefined) query = query.where('code_hash', '=', filter.codeHash);
    await query.execute();
  }
}
