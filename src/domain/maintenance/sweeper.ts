/**
 * The background sweeper: where expiring rows are deleted, for every tenant, off the request path
 * (passwordless codes are also swept now and then after an issue, PasswordlessCodes.pruneExpired). Each tick deletes in bounded batches (BATCH rows per table per round, at most
 * MAX_ROUNDS rounds) so a backlog is worked off over a few ticks without long transactions or a
 * blocked database. Each table is swept on its own: an error in one goes to the background error
 * handler and the others are still swept; the next tick tries again. Every instance may sweep:
 * the deletes are idempotent.
 *
 * Swept (see ExpiredRowsRepository): ttl_entries expired more than EXPIRED_TTL_RETENTION_MS ago
 * (7 days), sessions and dashboard sessions past their absolute or idle deadline, refresh tokens expired or revoked,
 * passwordless codes expired more than an hour ago, brute-force counters older than a block lasts,
 * full token buckets. The logs table is not swept: retention of tenant logs is an operator's
 * decision (dev_outbox neither: development only).
 */
import type { ExpiredRowsRepository } from '../../storage/repositories/expired-rows.js';
import { EXPIRED_CODE_RETENTION_MS } from '../passwordless/codes.js';
import { BLOCK_LIFETIME_MS } from '../attack-protection/attack-protection-service.js';
import { EXPIRED_TTL_RETENTION_MS } from '../oidc/ttl-store.js';
import { systemClock, type Clock } from '../clock.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';

export const SWEEP_INTERVAL_MS = 60_000;
const BATCH = 500;
const MAX_ROUNDS = 20;

type Table = 'ttlEntries' | 'sessions' | 'dashboardSessions' | 'refreshTokens' | 'passwordlessCodes' | 'clientAssertionJtis' | 'loginFailures' | 'rateBuckets';
export type SweepCounts = Record<Table, number>;

/** What the sweeper needs of the storage (the Storage facade fits; tests may pass a stub). */
export interface SweepSource {
  repos: { expiredRows: Pick<ExpiredRowsRepository, Table> };
}

/**
 * One sweep at `now` (ms; injectable for tests): returns how many rows of each table it deleted.
 * A table whose deletes fail is reported to `onError` (naming the table) and the next one is swept.
 */
export async function sweepExpired(storage: SweepSource, onError: (error: unknown) => void, now: number = Date.now(), batch = BATCH, maxRounds = MAX_ROUNDS): Promise<SweepCounts> {
  const at = new Date(now).toISOString();
  const before = (retentionMs: number) => new Date(now - retentionMs).toISOString();
  const expired = storage.repos.expiredRows;
  const steps: Record<Table, (limit: number) => Promise<number>> = {
    ttlEntries: (limit) => expired.ttlEntries(before(EXPIRED_TTL_RETENTION_MS), limit),
    sessions: (limit) => expired.sessions(at, limit),
    dashboardSessions: (limit) => expired.dashboardSessions(at, limit),
    refreshTokens: (limit) => expired.refreshTokens(at, limit),
    passwordlessCodes: (limit) => expired.passwordlessCodes(before(EXPIRED_CODE_RETENTION_MS), limit),
    clientAssertionJtis: (limit) => expired.clientAssertionJtis(at, limit),
    loginFailures: (limit) => expired.loginFailures(before(BLOCK_LIFETIME_MS), limit),
    rateBuckets: (limit) => expired.rateBuckets(now, limit),
  };
  const counts = { ttlEntries: 0, sessions: 0, dashboardSessions: 0, refreshTokens: 0, passwordlessCodes: 0, clientAssertionJtis: 0, loginFailures: 0, rateBuckets: 0 };
  for (const [table, step] of Object.entries(steps) as Array<[Table, (limit: number) => Promise<number>]>) {
    try {
      for (let round = 0; round < maxRounds; round++) {
        const deleted = await step(batch);
        counts[table] += deleted;
        if (deleted < batch) break;
        // Let requests in between rounds of a large backlog.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      onError(new Error(`sweeping expired ${table} failed`, { cause: error }));
    }
  }
  return counts;
}

export type Sweeper = PeriodicJob;

/**
 * Sweeps every `intervalMs`, with ±50% jitter so instances started together do not sweep in
 * step. The timer does not keep the process alive; `stop` waits for a sweep in progress. "Expired"
 * is read on `clock`, the one that decided the expiry (services.clock); the ticks are wall-clock.
 */
export function startSweeper(storage: SweepSource, onError: (error: unknown) => void, intervalMs = SWEEP_INTERVAL_MS, clock: Clock = systemClock): Sweeper {
  return startPeriodicJob(() => sweepExpired(storage, onError, clock.now()), onError, intervalMs);
}
