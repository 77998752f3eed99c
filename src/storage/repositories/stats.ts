/**
 * Activity statistics (domain/stats/): the per-day rows, the users' last active day, and the
 * reads the aggregator makes of a closed day's logs. Every method takes the tenant id.
 *
 * No query here reads a large table in full: the log reads are range scans of one day on the
 * covering index `logs_tenant_type_date` (tenant, type, date, user_id; migration 016), the first
 * log of a tenant is one seek on `logs_tenant_date`, users are counted on `users_tenant_created`,
 * and the statistics tables are read by their keys.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema.js';

export interface DailyStatsRecord {
  tenantId: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  logins: number;
  signups: number;
  failedLogins: number;
  leakedPasswords: number;
  attackProtection: number;
  activeUsers: number;
  usersTotal: number;
  /** The day's first counted event; null on a day without one. */
  firstEventAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A half-open range of log dates, `[start, end)`, in the stored `toISOString()` form. */
export interface DateRange {
  start: string;
  end: string;
}

export interface TypeCount {
  type: string;
  count: number;
  /** The earliest date of this type in the range. */
  first: string | null;
}

export interface TenantTotals {
  users: number;
  applications: number;
  apis: number;
  connections: number;
}

type Row = Selectable<Database['stats_daily']>;

const toRecord = (row: Row): DailyStatsRecord => ({
  tenantId: row.tenant_id,
  day: row.day,
  logins: Number(row.logins),
  signups: Number(row.signups),
  failedLogins: Number(row.failed_logins),
  leakedPasswords: Number(row.leaked_passwords),
  attackProtection: Number(row.attack_protection),
  activeUsers: Number(row.active_users),
  usersTotal: Number(row.users_total),
  firstEventAt: row.first_event_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class StatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The latest day aggregated for the tenant. */
  async lastDay(tenantId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('stats_daily').select('day').where('tenant_id', '=', tenantId).orderBy('day', 'desc').limit(1).executeTakeFirst();
    return row?.day;
  }

  /** The date of the tenant's first log event (one index seek: `order by date limit 1`, not `min`, which not every planner turns into one). */
  async firstLogDate(tenantId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('logs').select('date').where('tenant_id', '=', tenantId).orderBy('date', 'asc').limit(1).executeTakeFirst();
    return row?.date;
  }

  /** Events of each of `types` in the range, and the first date of each. */
  async countLogTypes(tenantId: string, types: readonly string[], range: DateRange): Promise<TypeCount[]> {
    if (types.length === 0) return [];
    const rows = await this.db
      .selectFrom('logs')
      .select((eb) => ['type', eb.fn.countAll<number | string>().as('n'), eb.fn.min('date').as('first')])
      .where('tenant_id', '=', tenantId)
      .where('type', 'in', [...types])
      .where('date', '>=', range.start)
      .where('date', '<', range.end)
      .groupBy('type')
      .execute();
    return rows.map((row) => ({ type: row.type, count: Number(row.n), first: row.first ?? null }));
  }

  /** Distinct users named by events of `types` in the range. */
  async countDistinctUsers(tenantId: string, types: readonly string[], range: DateRange): Promise<number> {
    if (types.length === 0) return 0;
    const row = await this.db
      .selectFrom('logs')
      .select((eb) => eb.fn.count<number | string>('user_id').distinct().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('type', 'in', [...types])
      .where('date', '>=', range.start)
      .where('date', '<', range.end)
      .where('user_id', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Users created before `before` (an ISO instant) that still exist. */
  async countUsersCreatedBefore(tenantId: string, before: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<', before)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Writes a day's row; a recomputed day keeps its `created_at`. */
  async upsertDay(record: DailyStatsRecord): Promise<void> {
    await this.db
      .insertInto('stats_daily')
      .values({
        tenant_id: record.tenantId,
        day: record.day,
        logins: record.logins,
        signups: record.signups,
        failed_logins: record.failedLogins,
        leaked_passwords: record.leakedPasswords,
        attack_protection: record.attackProtection,
        active_users: record.activeUsers,
        users_total: record.usersTotal,
        first_event_at: record.firstEventAt,
        created_at: record.createdAt,
        updated_at: record.updatedAt,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'day']).doUpdateSet((eb) => ({
          logins: eb.ref('excluded.logins'),
          signups: eb.ref('excluded.signups'),
          failed_logins: eb.ref('excluded.failed_logins'),
          leaked_passwords: eb.ref('excluded.leaked_passwords'),
          attack_protection: eb.ref('excluded.attack_protection'),
          active_users: eb.ref('excluded.active_users'),
          users_total: eb.ref('excluded.users_total'),
          first_event_at: eb.ref('excluded.first_event_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  /**
   * Marks every user named by events of `types` in the range as active on `day`, in one statement.
   * A user already marked on a later day keeps it: the day never moves backwards, so recomputing an
   * old day (a forced rebuild, a late or concurrent run) cannot lower anyone's last activity.
   */
  async markActive(tenantId: string, day: string, types: readonly string[], range: DateRange): Promise<void> {
    if (types.length === 0) return;
    await this.db
      .insertInto('user_last_active')
      .columns(['tenant_id', 'user_id', 'day'])
      .expression((eb) =>
        eb
          .selectFrom('logs')
          // The tenant as a parameter, not the column: selecting the column made SQLite's planner pick
          // logs_tenant_date and read the table (bench/stats.mjs checks the plan).
          .select((inner) => [sql<string>`cast(${tenantId} as text)`.as('tenant_id'), inner.ref('user_id').$notNull().as('user_id'), sql<string>`cast(${day} as text)`.as('day')])
          .distinct()
          .where('tenant_id', '=', tenantId)
          .where('type', 'in', [...types])
          .where('date', '>=', range.start)
          .where('date', '<', range.end)
          // Also resolves SQLite's parsing ambiguity of INSERT ... SELECT ... ON CONFLICT (its SELECT needs a WHERE).
          .where('user_id', 'is not', null),
      )
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'user_id'])
          .doUpdateSet((eb) => ({ day: eb.ref('excluded.day') }))
          .where((eb) => eb('excluded.day', '>', eb.ref('user_last_active.day'))),
      )
      .execute();
  }

  /** The tenant's rows from `from` to `to` (inclusive days), in date order. */
  async listDays(tenantId: string, from: string, to: string): Promise<DailyStatsRecord[]> {
    const rows = await this.db.selectFrom('stats_daily').selectAll().where('tenant_id', '=', tenantId).where('day', '>=', from).where('day', '<=', to).orderBy('day', 'asc').execute();
    return rows.map(toRecord);
  }

  /** Users whose last active day is `from` or later. */
  async countActiveSince(tenantId: string, from: string): Promise<number> {
    const row = await this.db
      .selectFrom('user_last_active')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('day', '>=', from)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** What the tenant holds now: one count per table, each on the tenant's key prefix. */
  async totals(tenantId: string): Promise<TenantTotals> {
    const count = async (table: 'users' | 'clients' | 'resource_servers' | 'connections'): Promise<number> => {
      const row = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return { users: await count('users'), applications: await count('clients'), apis: await count('resource_servers'), connections: await count('connections') };
  }
}
