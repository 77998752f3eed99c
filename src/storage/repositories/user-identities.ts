import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromFlag, fromJson, toFlag, toJson } from './json.js';

/** One identity of a user (see UserIdentitiesTable). Every query is scoped to one tenant. */
export interface UserIdentityRecord {
  tenantId: string;
  userId: string;
  connectionId: string;
  connection: string;
  provider: string;
  providerUserId: string;
  isSocial: boolean;
  profileData: Record<string, unknown> | null;
  createdAt: string;
}

type Row = Database['user_identities'];

const toRecord = (row: Row): UserIdentityRecord => ({
  tenantId: row.tenant_id,
  userId: row.user_id,
  connectionId: row.connection_id,
  connection: row.connection,
  provider: row.provider,
  providerUserId: row.provider_user_id,
  isSocial: fromFlag(row.is_social),
  profileData: row.profile_data === null ? null : fromJson(row.profile_data),
  createdAt: row.created_at,
});

const toRow = (identity: UserIdentityRecord): Row => ({
  tenant_id: identity.tenantId,
  user_id: identity.userId,
  connection_id: identity.connectionId,
  connection: identity.connection,
  provider: identity.provider,
  provider_user_id: identity.providerUserId,
  is_social: toFlag(identity.isSocial),
  profile_data: identity.profileData === null ? null : toJson(identity.profileData),
  created_at: identity.createdAt,
});

/** Users per query when listing a page's identities: well under both dialects' bound-parameter limits. */
const USERS_PER_QUERY = 500;

export class UserIdentitiesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(identity: UserIdentityRecord): Promise<void> {
    await this.db.insertInto('user_identities').values(toRow(identity)).execute();
  }

  /** The user's identities, in the order `identities[]` lists them (attached first, first). */
  async listForUser(tenantId: string, userId: string): Promise<UserIdentityRecord[]> {
    return (await this.listForUsers(tenantId, [userId])).get(userId) ?? [];
  }

  /** The identities of each of `userIds` (a page of users), one query per 500 users rather than one per user. */
  async listForUsers(tenantId: string, userIds: readonly string[]): Promise<Map<string, UserIdentityRecord[]>> {
    const byUser = new Map<string, UserIdentityRecord[]>();
    const unique = [...new Set(userIds)];
    for (let start = 0; start < unique.length; start += USERS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('user_identities')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', 'in', unique.slice(start, start + USERS_PER_QUERY))
        .orderBy('user_id')
        .orderBy('created_at')
        .orderBy('connection_id')
        .orderBy('provider_user_id')
        .execute();
      for (const row of rows) {
        const list = byUser.get(row.user_id);
        if (list) list.push(toRecord(row));
        else byUser.set(row.user_id, [toRecord(row)]);
      }
    }
    return byUser;
  }

  async deleteForUser(tenantId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('user_identities').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  }

  /**
   * Before a connection's users are deleted with it: their identities (wherever they are), and any
   * identity in the connection (a linked one belongs to a user of another connection).
   */
  async deleteForConnection(tenantId: string, connectionId: string): Promise<void> {
    // Two statements, each served by an index (the key's connection prefix, then user): one with
    // an OR of both read every identity of the tenant (bench/explain.mjs).
    await this.db.deleteFrom('user_identities').where('tenant_id', '=', tenantId).where('connection_id', '=', connectionId).execute();
    await this.db
      .deleteFrom('user_identities')
      .where('tenant_id', '=', tenantId)
      .where('user_id', 'in', (eb) => eb.selectFrom('users').select('users.user_id').where('users.tenant_id', '=', tenantId).where('users.connection_id', '=', connectionId))
      .execute();
  }
}
