import type { Kysely, Migration } from 'kysely';

/**
 * Attack protection: each tenant's settings (one JSON document; absent means Auth0's defaults),
 * brute-force failure counters per (connection, identifier, IP), and token buckets (suspicious IP
 * throttling per IP and stage, notification throttles). Counters live in the database, not in
 * process memory, so every instance behind a load balancer counts the same failures.
 */
export const attackProtection: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('attack_protection_settings')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('attack_protection_settings_pk', ['tenant_id'])
      .execute();

    await db.schema
      .createTable('login_failures')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('connection', 'text', (c) => c.notNull())
      // Lower-cased email, username or phone number as typed, whether or not such a user exists.
      .addColumn('identifier', 'text', (c) => c.notNull())
      // The client IP in mode count_per_identifier_and_ip; '' in mode count_per_identifier.
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_ip', 'text', (c) => c.notNull())
      .addColumn('first_failed_at', 'text', (c) => c.notNull())
      .addColumn('last_failed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('login_failures_pk', ['tenant_id', 'connection', 'identifier', 'ip'])
      .execute();
    await db.schema.createIndex('login_failures_identifier').on('login_failures').columns(['tenant_id', 'identifier']).execute();
    await db.schema.createIndex('login_failures_age').on('login_failures').columns(['tenant_id', 'last_failed_at']).execute();

    await db.schema
      .createTable('rate_buckets')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      // Theoretical arrival time in epoch milliseconds (see domain/attack-protection/token-bucket.ts).
      .addColumn('tat_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('rate_buckets_pk', ['tenant_id', 'bucket', 'key'])
      .execute();
    await db.schema.createIndex('rate_buckets_tat').on('rate_buckets').columns(['tenant_id', 'tat_ms']).execute();
  },
};
