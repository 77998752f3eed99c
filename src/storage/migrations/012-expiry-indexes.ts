import type { Kysely, Migration } from 'kysely';

/**
 * Indexes for the background sweeper (domain/maintenance/sweeper.ts), which deletes expired rows
 * across tenants in bounded batches: without them each round would scan the whole table.
 * (ttl_entries and passwordless_codes already have theirs.)
 */
export const expiryIndexes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('sessions_idle_expiry').on('sessions').column('idle_expires_at').execute();
    await db.schema.createIndex('refresh_tokens_expiry').on('refresh_tokens').column('expires_at').execute();
    await db.schema.createIndex('refresh_tokens_idle_expiry').on('refresh_tokens').column('idle_expires_at').execute();
    await db.schema.createIndex('refresh_tokens_revoked').on('refresh_tokens').column('revoked_at').execute();
    await db.schema.createIndex('login_failures_last_failed').on('login_failures').column('last_failed_at').execute();
    await db.schema.createIndex('rate_buckets_tat_all').on('rate_buckets').column('tat_ms').execute();
  },
};
