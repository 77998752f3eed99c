/**
 * Attack protection state: per-tenant settings, brute-force failure counters and token buckets.
 * Counters and buckets change with single atomic upserts (`INSERT ... ON CONFLICT DO UPDATE ...
 * RETURNING`, the same in SQLite and PostgreSQL), so concurrent attempts on any number of
 * instances are all counted, none slips past a limit, and exactly one failure sees a threshold
 * being reached.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export interface FailureRecord {
  connection: string;
  identifier: string;
  /** The counting key: the IP in mode count_per_identifier_and_ip, '' in mode count_per_identifier. */
  ip: string;
  failures: number;
  lastIp: string;
  firstFailedAt: string;
  lastFailedAt: string;
}

/** One brute-force counter: an identifier in a connection, for one IP (or '' for all). */
export interface CounterKey {
  connection: string;
  identifier: string;
  /** The counting key: the IP in mode count_per_identifier_and_ip, '' in mode count_per_identifier. */
  ip: string;
}

export interface AdmissionInput extends CounterKey {
  lastIp: string;
  now: string;
  /** Failures whose last one is older than this no longer count (blocks expire). */
  restartBefore: string;
  /** Pending attempts last admitted before this are presumed lost (a crash between admission and outcome). */
  pendingSince: string;
  /** Admit only while completed failures plus attempts in flight stay under this. */
  limit?: number;
}

type FailureRow = Database['login_failures'];

const toFailure = (row: FailureRow): FailureRecord => ({
  connection: row.connection,
  identifier: row.identifier,
  ip: row.ip,
  failures: Number(row.failures),
  lastIp: row.last_ip,
  firstFailedAt: row.first_failed_at,
  lastFailedAt: row.last_failed_at,
});

/** Integers only: PostgreSQL parses bigint parameters strictly. */
const bigint = (value: number) => sql<number>`cast(${Math.floor(value)} as bigint)`;

export class AttackProtectionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  // --- settings ---------------------------------------------------------------------------------

  async findSettings<T>(tenantId: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('attack_protection_settings').select('document').where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? fromJson<T>(row.document) : undefined;
  }

  async saveSettings(tenantId: string, document: unknown, updatedAt: string): Promise<void> {
    await this.db
      .insertInto('attack_protection_settings')
      .values({ tenant_id: tenantId, document: toJson(document), updated_at: updatedAt })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ document: toJson(document), updated_at: updatedAt }))
      .execute();
  }

  // --- brute-force counters -----------------------------------------------------------------------

  /**
   * Admits one attempt of the pair: it is counted as in flight until `settleFailure` or
   * `settleSuccess`. Returns false, counting nothing, when the completed failures and the attempts
   * in flight had already reached `input.limit` (one atomic upsert, so concurrent attempts cannot
   * all slip under the limit).
   */
  async admitAttempt(tenantId: string, input: AdmissionInput): Promise<boolean> {
    const failures = sql<number>`case when ${sql.ref('login_failures.last_failed_at')} < ${input.restartBefore} then 0 else ${sql.ref('login_failures.failures')} end`;
    const pending = sql<number>`case when ${sql.ref('login_failures.pending_at')} is null or ${sql.ref('login_failures.pending_at')} < ${input.pendingSince} then 0 else ${sql.ref('login_failures.pending')} end`;
    const underLimit = input.limit === undefined ? sql<boolean>`true` : sql<boolean>`${failures} + ${pending} < ${input.limit}`;
    const row = await this.db
      .insertInto('login_failures')
      .values({
        tenant_id: tenantId,
        connection: input.connection,
        identifier: input.identifier,
        ip: input.ip,
        failures: 0,
        pending: 1,
        pending_at: input.now,
        last_ip: input.lastIp,
        first_failed_at: input.now,
        last_failed_at: input.now,
      })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'connection', 'identifier', 'ip'])
          .doUpdateSet({ failures, pending: sql<number>`${pending} + 1`, pending_at: input.now, last_ip: input.lastIp })
          .where(underLimit),
      )
      .returning('pending')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** An admitted attempt failed: one more consecutive failure; returns the count after it. */
  async settleFailure(tenantId: string, key: CounterKey, input: { lastIp: string; now: string }): Promise<number> {
    const failures = sql.ref('login_failures.failures');
    const pending = sql.ref('login_failures.pending');
    const row = await this.db
      .insertInto('login_failures')
      // The row is gone if the pair was unblocked meanwhile: the failure starts a new count.
      .values({ tenant_id: tenantId, ...key, failures: 1, pending: 0, pending_at: null, last_ip: input.lastIp, first_failed_at: input.now, last_failed_at: input.now })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'connection', 'identifier', 'ip']).doUpdateSet({
          failures: sql<number>`${failures} + 1`,
          pending: sql<number>`case when ${pending} > 0 then ${pending} - 1 else 0 end`,
          first_failed_at: sql<string>`case when ${failures} = 0 then ${input.now} else ${sql.ref('login_failures.first_failed_at')} end`,
          last_failed_at: input.now,
          last_ip: input.lastIp,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    return Number(row.failures);
  }

  /** An admitted attempt succeeded: the consecutive failures start again from zero. */
  async settleSuccess(tenantId: string, key: CounterKey): Promise<void> {
    // Nothing else in flight: the counter is no longer needed.
    const deleted = await this.db
      .deleteFrom('login_failures')
      .where('tenant_id', '=', tenantId)
      .where('connection', '=', key.connection)
      .where('identifier', '=', key.identifier)
      .where('ip', '=', key.ip)
      .where('pending', '<=', 1)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) > 0) return;
    const pending = sql.ref('pending');
    await this.db
      .updateTable('login_failures')
      .set({ failures: 0, pending: sql<number>`case when ${pending} > 0 then ${pending} - 1 else 0 end` })
      .where('tenant_id', '=', tenantId)
      .where('connection', '=', key.connection)
      .where('identifier', '=', key.identifier)
      .where('ip', '=', key.ip)
      .execute();
  }

  /** Counters of these identifiers (in one connection, or in all) with at least `minFailures`, the latest since `since`. */
  async listFailures(tenantId: string, filter: { identifiers: string[]; connection?: string; minFailures: number; since: string }): Promise<FailureRecord[]> {
    if (filter.identifiers.length === 0) return [];
    let query = this.db
      .selectFrom('login_failures')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('identifier', 'in', filter.identifiers)
      .where('failures', '>=', filter.minFailures)
      .where('last_failed_at', '>=', filter.since);
    if (filter.connection !== undefined) query = query.where('connection', '=', filter.connection);
    const rows = await query.orderBy('last_failed_at', 'desc').orderBy('ip').limit(1000).execute();
    return rows.map(toFailure);
  }

  /** Removes the counters of these identifiers (in one connection, or in all; begun by a time, or whenever); returns how many. */
  async deleteFailures(tenantId: string, filter: { identifiers: string[]; connection?: string; firstFailedBy?: string }): Promise<number> {
    if (filter.identifiers.length === 0) return 0;
    let query = this.db.deleteFrom('login_failures').where('tenant_id', '=', tenantId).where('identifier', 'in', filter.identifiers);
    if (filter.connection !== undefined) query = query.where('connection', '=', filter.connection);
    if (filter.firstFailedBy !== undefined) query = query.where('first_failed_at', '<=', filter.firstFailedBy);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // --- token buckets ------------------------------------------------------------------------------

  async findBucket(tenantId: string, bucket: string, key: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('rate_buckets')
      .select('tat_ms')
      .where('tenant_id', '=', tenantId)
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? Number(row.tat_ms) : undefined;
  }

  /**
   * Takes one token if the bucket's stored time is at most `takeableUntil` (so an empty bucket is
   * left as it is); returns the new time, or undefined when the bucket was empty.
   */
  async takeToken(tenantId: string, bucket: string, key: string, input: { now: number; rateMs: number; takeableUntil: number }): Promise<number | undefined> {
    const tat = sql.ref('rate_buckets.tat_ms');
    const row = await this.db
      .insertInto('rate_buckets')
      .values({ tenant_id: tenantId, bucket, key, tat_ms: bigint(input.now + input.rateMs) })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'bucket', 'key'])
          .doUpdateSet({ tat_ms: sql<number>`(case when ${tat} > ${bigint(input.now)} then ${tat} else ${bigint(input.now)} end) + ${bigint(input.rateMs)}` })
          .where('rate_buckets.tat_ms', '<=', bigint(input.takeableUntil)),
      )
      .returning('tat_ms')
      .executeTakeFirst();
    return row ? Number(row.tat_ms) : undefined;
  }

  /** Gives back one token taken from the bucket (moves its time one interval earlier). */
  async returnToken(tenantId: string, bucket: string, key: string, rateMs: number): Promise<void> {
    await this.db
      .updateTable('rate_buckets')
      .set({ tat_ms: sql<number>`${sql.ref('tat_ms')} - ${bigint(rateMs)}` })
      .where('tenant_id', '=', tenantId)
      .where('bucket', '=', bucket)
      .where('key', '=', key)
      .execute();
  }

  /** Removes one key's buckets of several kinds in one statement. */
  async deleteBuckets(tenantId: string, buckets: string[], key: string): Promise<void> {
    if (buckets.length === 0) return;
    await this.db.deleteFrom('rate_buckets').where('tenant_id', '=', tenantId).where('bucket', 'in', buckets).where('key', '=', key).execute();
  }
}
