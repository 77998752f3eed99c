import type { Kysely, Migration } from 'kysely';

/**
 * Brute-force counters tell attempts still being checked from completed failures: `pending` is
 * how many attempts of the pair are between admission and outcome (as of `pending_at`, the last
 * admission; after a minute they are presumed lost to a crash and no longer count). Admission is
 * bounded by failures + pending, so concurrent guesses cannot all pass; a block, its log and its
 * email follow completed failures only, so concurrent correct logins never look like an attack.
 */
export const loginAttemptsInFlight: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('login_failures').addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('login_failures').addColumn('pending_at', 'text').execute();
  },
};
