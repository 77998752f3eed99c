/**
 * Dashboard accounts: the admin-tenant users who may sign in to the dashboard, whether each is a
 * platform owner, and their preferences. Keyed by the admin-tenant user id (the table belongs to
 * the admin tenant alone, so it has no tenant column).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromFlag, fromJson, toFlag, toJson } from './json.js';

export type DashboardTheme = 'light' | 'dark' | 'system';

export interface DashboardPreferences {
  theme?: DashboardTheme;
}

export interface DashboardAccountRecord {
  userId: string;
  /** A platform owner: may create tenants, and becomes Admin of every new tenant. */
  isOwner: boolean;
  preferences: DashboardPreferences;
  createdAt: string;
  updatedAt: string;
}

type Row = Database['dashboard_accounts'];

/** Most owners `listOwners` returns: owners are a handful of people; the bound only keeps the read finite. */
export const DASHBOARD_OWNERS_LISTED = 1000;

const toRecord = (row: Row): DashboardAccountRecord => ({
  userId: row.user_id,
  isOwner: fromFlag(row.is_owner),
  preferences: fromJson<DashboardPreferences>(row.preferences),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class DashboardAccountsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(account: DashboardAccountRecord): Promise<void> {
    await this.db
      .insertInto('dashboard_accounts')
      .values({
        user_id: account.userId,
        is_owner: toFlag(account.isOwner),
        preferences: toJson(account.preferences),
        created_at: account.createdAt,
        updated_at: account.updatedAt,
      })
      .execute();
  }

  async find(userId: string): Promise<DashboardAccountRecord | undefined> {
    const row = await this.db.selectFrom('dashboard_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Replaces the account's preferences; false when there is no such account. */
  async updatePreferences(userId: string, preferences: DashboardPreferences, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('dashboard_accounts')
      .set({ preferences: toJson(preferences), updated_at: at })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Makes the account a platform owner or not; false when there is no such account. */
  async setOwner(userId: string, isOwner: boolean, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('dashboard_accounts')
      .set({ is_owner: toFlag(isOwner), updated_at: at })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The platform owners, oldest first (at most DASHBOARD_OWNERS_LISTED). */
  async listOwners(): Promise<DashboardAccountRecord[]> {
    const rows = await this.db
      .selectFrom('dashboard_accounts')
      .selectAll()
      .where('is_owner', '=', 1)
      .orderBy('created_at')
      .orderBy('user_id')
      .limit(DASHBOARD_OWNERS_LISTED)
      .execute();
    return rows.map(toRecord);
  }

  /** Whether any account exists (first start: the setup link is offered only while none does); one row read at most. */
  async exists(): Promise<boolean> {
    const row = await this.db.selectFrom('dashboard_accounts').select('user_id').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('dashboard_accounts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
