/**
 * Dashboard memberships: which dashboard accounts (admin-tenant users) may manage which tenant, with
 * which roles. Keyed by (tenant, account); the grant id changes at every write, so dashboard tokens
 * that carry an earlier one stop working.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export interface MembershipRecord {
  tenantId: string;
  userId: string;
  roles: string[];
  grantId: string;
  createdAt: string;
  updatedAt: string;
}

type Row = Database['dashboard_memberships'];

const toRecord = (row: Row): MembershipRecord => ({
  tenantId: row.tenant_id,
  userId: row.user_id,
  roles: fromJson<string[]>(row.roles),
  grantId: row.grant_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Tenants a person can see in the dashboard's switcher, and members a tenant can list: both bounded. */
export const MAX_MEMBERSHIPS_LISTED = 1_000;

export class DashboardMembershipsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(tenantId: string, userId: string): Promise<MembershipRecord | undefined> {
    const row = await this.db.selectFrom('dashboard_memberships').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Inserts the membership or replaces its roles; either way under a new grant id. */
  async upsert(record: MembershipRecord): Promise<void> {
    await this.db
      .insertInto('dashboard_memberships')
      .values({ tenant_id: record.tenantId, user_id: record.userId, roles: toJson(record.roles), grant_id: record.grantId, created_at: record.createdAt, updated_at: record.updatedAt })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ roles: toJson(record.roles), grant_id: record.grantId, updated_at: record.updatedAt }))
      .execute();
  }

  async delete(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('dashboard_memberships').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteForTenant(tenantId: string): Promise<void> {
    await this.db.deleteFrom('dashboard_memberships').where('tenant_id', '=', tenantId).execute();
  }

  /** Whether the tenant has an Admin other than `userId` (role ids are JSON strings: `"admin"` matches only that role). */
  async hasOtherAdmin(tenantId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('dashboard_memberships')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '!=', userId)
      .where('roles', 'like', '%"admin"%')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listForTenant(tenantId: string): Promise<MembershipRecord[]> {
    const rows = await this.db.selectFrom('dashboard_memberships').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('user_id').limit(MAX_MEMBERSHIPS_LISTED).execute();
    return rows.map(toRecord);
  }

  async listForUser(userId: string): Promise<MembershipRecord[]> {
    const rows = await this.db.selectFrom('dashboard_memberships').selectAll().where('user_id', '=', userId).orderBy('tenant_id').limit(MAX_MEMBERSHIPS_LISTED).execute();
    return rows.map(toRecord);
  }
}
