/**
 * The background sweeper: the one place expiring rows are deleted, for every tenant, off the
 * request path. Each tick deletes in bounded batches (BATCH rows per table per round, at most
 * MAX_ROUNDS rounds) so a backlog is worked off over a few ticks without long transactions or a
 * blocked database; errors go to the background error handler and the next tick tries again.
 * Every instance may sweep: the deletes are idempotent.
 *
 * Swept (see ExpiredRowsRepository): ttl_entries past expiry, sessions past their idle deadline,
 * refresh tokens expired or revoked, passwordless codes expired more than an hour ago, brute-force
 * counters older than a block lasts, full token buckets. The logs table is not swept: retention of
 * tenant logs is an operator's decision (dev_outbox neither: development only).
 */
import type { Storage } from '../../storage/storage.js';
import { EXPIRED_CODE_RETENTION_MS } from '../passwordless/codes.js';
import { BLOCK_LIFETIME_MS } from '../attack-protection/attack-protection-service.js';

export const SWEEP_INTERVAL_MS = 60_000;
const BATCH = 500;
const MAX_ROUNDS = 20;

export type SweepCounts = Record<'ttlEntries' | 'sessions' | 'refreshTokens' | 'passwordlessCodes' | 'loginFailures' | 'rateBuckets', number>;

/** One sweep at `now` (ms; injectable for tests): returns how many rows of each table it deleted. */
export async function sweepExpired(storage: Storage, now: number = Date.now(), batch = BATCH, maxRounds = MAX_ROUNDS): Promise<SweepCounts> {
  const at = new Date(now).toISOString();
  const expired = storage.repos.expiredRows;
  const steps: Record<keyof SweepCounts, (limit: number) => Promise<number>> = {
    ttlEntries: (limit) => expired.ttlEntries(at, limit),
    sessions: (limit) => expired.sessions(at, limit),
    refreshTokens: (limit) => expired.refreshTokens(at, limit),
    passwordlessCodes: (limit) => expired.passwordlessCodes(new Date(now - EXPIRED_CODE_RETENTION_MS).toISOString(), limit),
    loginFailures: (limit) => expired.loginFailures(new Date(now - BLOCK_LIFETIME_MS).toISOString(), limit),
    rateBuckets: (limit) => expired.rateBuckets(now, limit),
  };
  const counts = { ttlEntries: 0, sessions: 0, refreshTokens: 0, passwordlessCodes: 0, loginFailures: 0, rateBuckets: 0 };
  for (const [table, step] of Object.entries(steps) as Array<[keyof SweepCounts, (limit: number) => Promise<number>]>) {
    for (let round = 0; round < maxRounds; round++) {
      const deleted = await step(batch);
      counts[table] += deleted;
      if (deleted < batch) break;
      // Let requests in between rounds of a large backlog.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return counts;
}

export interface Sweeper {
  stop(): Promise<void>;
}

/**
 * Sweeps every `intervalMs`, with ±50% jitter so instances started together do not sweep in
 * step. The timer does not keep the process alive; `stop` waits for a sweep in progress.
 */
export function startSweeper(storage: Storage, onError: (error: unknown) => void, intervalMs = SWEEP_INTERVAL_MS): Sweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, intervalMs * (0.5 + Math.random()));
    timer.unref();
  };
  const tick = () => {
    running = sweepExpired(storage)
      .then(() => undefined, onError)
      .finally(schedule);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
