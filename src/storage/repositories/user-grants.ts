/** Users' consent: which scopes of which API a user granted to which application. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export interface UserGrantRecord {
  tenantId: string;
  id: string;
  userId: string;
  clientId: string;
  /** The API identifier, or '' for OpenID Connect scopes alone. */
  audience: string;
  scope: string[];
  createdAt: string;
  updatedAt: string;
}

type Row = Database['user_grants'];

const toRecord = (row: Row): UserGrantRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  userId: row.user_id,
  clientId: row.client_id,
  audience: row.audience,
  scope: fromJson(row.scope),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class UserGrantsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(tenantId: string, userId: string, clientId: string, audience: string): Promise<UserGrantRecord | undefined> {
    const row = await this.db
      .selectFrom('user_grants')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .where('audience', '=', audience)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async upsert(grant: UserGrantRecord): Promise<void> {
    const existing = await this.find(grant.tenantId, grant.userId, grant.clientId, grant.audience);
    if (existing) {
      await this.db
        .updateTable('user_grants')
        .set({ scope: toJson(grant.scope), updated_at: grant.updatedAt })
        .where('tenant_id', '=', grant.tenantId)
        .where('id', '=', existing.id)
        .execute();
      return;
    }
    await this.db
      .insertInto('user_grants')
      .values({
        tenant_id: grant.tenantId,
        id: grant.id,
        user_id: grant.userId,
        client_id: grant.clientId,
        audience: grant.audience,
        scope: toJson(grant.scope),
        created_at: grant.createdAt,
        updated_at: grant.updatedAt,
      })
      .execute();
  }

  async list(tenantId: string, filter: { userId?: string; clientId?: string; audience?: string }): Promise<UserGrantRecord[]> {
    let query = this.db.selectFrom('user_grants').selectAll().where('tenant_id', '=', tenantId);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
    if (filter.audience !== undefined) query = query.where('audience', '=', filter.audience);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toRecord);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('user_grants').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteWhere(tenantId: string, filter: { userId?: string; clientId?: string }): Promise<void> {
    let query = this.db.deleteFrom('user_grants').where('tenant_id', '=', tenantId);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
    await query.execute();
  }
}
