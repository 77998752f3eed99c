import type { Kysely, Migration } from 'kysely';

/**
 * Activity statistics (docs/plans/dashboard.md, "4. Stats"; domain/stats/):
 * - `stats_daily`: one row per tenant and closed UTC day (`YYYY-MM-DD`), the counts the aggregator
 *   read from that day's logs, the number of users that existed at its end, and when the day's
 *   first counted event happened. Written only by the aggregator, recomputed in place.
 * - `user_last_active`: the last closed day on which each user was active (logged in or exchanged a
 *   token); the aggregator only ever moves it forward. The (tenant, day) index serves "active in
 *   the last 30 days".
 * - `logs_tenant_type_date`: the index every aggregation query reads instead of the table. With
 *   `user_id` as its last column it covers the counts and the distinct users of a day: a day of N
 *   counted events is N index entries, whatever else the tenant logs.
 */
export const stats: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('stats_daily')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('logins', 'integer', (c) => c.notNull())
      .addColumn('signups', 'integer', (c) => c.notNull())
      .addColumn('failed_logins', 'integer', (c) => c.notNull())
      .addColumn('leaked_passwords', 'integer', (c) => c.notNull())
      .addColumn('attack_protection', 'integer', (c) => c.notNull())
      .addColumn('active_users', 'integer', (c) => c.notNull())
      .addColumn('users_total', 'integer', (c) => c.notNull())
      // Null on a day without counted events.
      .addColumn('first_event_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stats_daily_pk', ['tenant_id', 'day'])
      .execute();

    await db.schema
      .createTable('user_last_active')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_last_active_pk', ['tenant_id', 'user_id'])
      .execute();
    await db.schema.createIndex('user_last_active_day').on('user_last_active').columns(['tenant_id', 'day']).execute();

    await db.schema.createIndex('logs_tenant_type_date').on('logs').columns(['tenant_id', 'type', 'date', 'user_id']).execute();
  },
};
