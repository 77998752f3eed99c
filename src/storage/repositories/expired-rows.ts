/**
 * Housekeeping across tenants for the background sweeper: each method deletes at most `limit`
 * rows that the server already treats as gone (expired, revoked), and returns how many it deleted.
 * `delete ... where key in (select key ... limit n)` bounds a round the same way on SQLite and
 * PostgreSQL (neither dialect's DELETE takes a portable LIMIT).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.js';

type Table = keyof Database;

export class ExpiredRowsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private async deleteBatch(table: Table, key: string[], condition: RawBuilder<unknown>, limit: number): Promise<number> {
    const columns = sql.join(key.map((column) => sql.ref(column)));
    const result = await sql`delete from ${sql.table(table)} where (${columns}) in (select ${columns} from ${sql.table(table)} where ${condition} limit ${limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  /**
   * One-time secrets (authorize transactions, tickets, codes) that expired before `expiredBefore`
   * (the caller keeps them a retention period past their expiry; consumed ones included).
   */
  ttlEntries(expiredBefore: string, limit: number): Promise<number> {
    return this.deleteBatch('ttl_entries', ['tenant_id', 'kind', 'key_hash'], sql`expires_at < ${expiredBefore}`, limit);
  }

  /**
   * Sessions past their absolute or their idle deadline, revoked ones included (either deadline
   * ends a session; rows written before the idle one was capped at the absolute one may have it later).
   */
  async sessions(now: string, limit: number): Promise<number> {
    const key = ['tenant_id', 'id_hash'];
    let deleted = await this.deleteBatch('sessions', key, sql`expires_at < ${now}`, limit);
    if (deleted < limit) deleted += await this.deleteBatch('sessions', key, sql`idle_expires_at < ${now}`, limit - deleted);
    return deleted;
  }

  /** Dashboard sessions past their absolute or idle deadline, revoked ones included (as `sessions`). */
  async dashboardSessions(now: string, limit: number): Promise<number> {
    let deleted = await this.deleteBatch('dashboard_sessions', ['id'], sql`expires_at < ${now}`, limit);
    if (deleted < limit) deleted += await this.deleteBatch('dashboard_sessions', ['id'], sql`idle_expires_at < ${now}`, limit - deleted);
    return deleted;
  }

  /**
   * Refresh tokens past one of their own deadlines, or revoked: the token endpoint answers such a
   * token exactly as an unknown one, and reuse detection only concerns rotated tokens still within
   * their deadlines, which stay.
   */
  async refreshTokens(now: string, limit: number): Promise<number> {
    const key = ['tenant_id', 'id'];
    let deleted = await this.deleteBatch('refresh_tokens', key, sql`expires_at < ${now}`, limit);
    if (deleted < limit) deleted += await this.deleteBatch('refresh_tokens', key, sql`idle_expires_at < ${now}`, limit - deleted);
    if (deleted < limit) deleted += await this.deleteBatch('refresh_tokens', key, sql`revoked_at < ${now}`, limit - deleted);
    return deleted;
  }

  /** Replay-store entries of private_key_jwt assertions that have expired (an expired assertion is refused anyway). */
  clientAssertionJtis(now: string, limit: number): Promise<number> {
    return this.deleteBatch('client_assertion_jtis', ['tenant_id', 'client_id', 'jti_hash'], sql`expires_at < ${now}`, limit);
  }

  passwordlessCodes(expiredBefore: string, limit: number): Promise<number> {
    return this.deleteBatch('passwordless_codes', ['tenant_id', 'connection_id', 'identifier'], sql`expires_at < ${expiredBefore}`, limit);
  }

  /** Brute-force counters whose last failure is older than a block lasts. */
  loginFailures(lastFailedBefore: string, limit: number): Promise<number> {
    return this.deleteBatch('login_failures', ['tenant_id', 'connection', 'identifier', 'ip'], sql`last_failed_at < ${lastFailedBefore}`, limit);
  }

  /** Token buckets full again (their theoretical arrival time is past): same as no row. */
  rateBuckets(nowMs: number, limit: number): Promise<number> {
    return this.deleteBatch('rate_buckets', ['tenant_id', 'bucket', 'key'], sql`tat_ms < ${nowMs}`, limit);
  }
}
