/**
 * The statistics aggregator: turns each tenant's closed days of logs into `stats_daily` rows and
 * moves `user_last_active` forward (docs/plans/dashboard.md, "4. Stats"). It runs in the
 * background beside the sweeper (startStatsJob, every 10 minutes ±50%) and from `tessera stats
 * rebuild`, never on the request path, and reads the time from the clock it is given
 * (services.clock).
 *
 * - Which days: from the day after the tenant's last row; for a tenant without rows, from the later
 *   of its first log's day and today−120 (a 60-day range and its comparison period). Up to the last
 *   closed day (days.ts: D closes at D+1 00:05 UTC), at most MAX_DAYS_PER_RUN days per tenant and run.
 * - Per day: the counts of the counted types (stat-types.ts), the distinct active users and the
 *   users that existed at the day's end are read first, off the transaction (a closed day's logs do
 *   not change, and on SQLite a transaction holds the one write lock); then one transaction writes
 *   the day's row and the users' last active day, so the two never disagree.
 * - Idempotent: recomputing a day over the same logs writes the same numbers (`users_total` can
 *   only drop, if users were deleted since), and a user's last active day never moves backwards. A
 *   crash mid-run, two instances racing or a forced rebuild are harmless.
 * - Cost: a day with N events of the counted and active-user types reads about 3N entries of the
 *   covering index `logs_tenant_type_date` (three range scans) and never the table; other log types
 *   (client credentials, Management API calls) are not read at all. `users_total` counts the
 *   tenant's users created before the day's end on `users_tenant_created` (index entries only).
 */
import type { Storage } from '../../storage/storage.js';
import type { DailyStatsRecord } from '../../storage/repositories/stats.js';
import { ACTIVE_USER_TYPES, ALL_COUNTED_TYPES, tally } from './stat-types.js';
import { addDays, dayOf, dayStart, daysBetween, lastClosedDay } from './days.js';
import type { Clock } from '../clock.js';
import { startPeriodicJob, type PeriodicJob } from '../maintenance/periodic-job.js';

export const STATS_INTERVAL_MS = 10 * 60_000;
/** Days aggregated per tenant and run: a backlog is worked off over a few runs, never in one long burst. */
export const MAX_DAYS_PER_RUN = 31;
/** How far back a tenant's first aggregation starts: the dashboard's longest range (60 days) and its comparison period. */
export const FIRST_RUN_LOOKBACK_DAYS = 120;

/** Aggregates one closed day of one tenant (see above); `now` (ms) stamps `updated_at`. */
export async function aggregateDay(storage: Storage, tenantId: string, day: string, now: number): Promise<DailyStatsRecord> {
  const stats = storage.repos.stats;
  const range = { start: dayStart(day), end: dayStart(addDays(day, 1)) };
  const { counts, firstEventAt } = tally(await stats.countLogTypes(tenantId, ALL_COUNTED_TYPES, range));
  const activeUsers = await stats.countDistinctUsers(tenantId, ACTIVE_USER_TYPES, range);
  const usersTotal = await stats.countUsersCreatedBefore(tenantId, range.end);
  const at = new Date(now).toISOString();
  const record: DailyStatsRecord = {
    tenantId,
    day,
    logins: counts.logins,
    signups: counts.signups,
    failedLogins: counts.failed_logins,
    leakedPasswords: counts.leaked_passwords,
    attackProtection: counts.attack_protection,
    activeUsers,
    usersTotal,
    firstEventAt,
    createdAt: at,
    updatedAt: at,
  };
  await storage.transaction(async (repos) => {
    await repos.stats.upsertDay(record);
    await repos.stats.markActive(tenantId, day, ACTIVE_USER_TYPES, range);
  });
  return record;
}

/**
 * The first day a tenant's aggregation starts from when it has no row yet (or a rebuild is asked
 * for without `--from`): the later of its first log's day and today−120; undefined without logs.
 */
export async function firstDayToAggregate(storage: Storage, tenantId: string, now: number): Promise<string | undefined> {
  const firstLog = await storage.repos.stats.firstLogDate(tenantId);
  if (firstLog === undefined) return undefined;
  const firstLogDay = dayOf(Date.parse(firstLog));
  const earliest = addDays(dayOf(now), -FIRST_RUN_LOOKBACK_DAYS);
  return firstLogDay > earliest ? firstLogDay : earliest;
}

/** The closed days still to aggregate for a tenant at `now`, oldest first, at most `maxDays`. */
export async function pendingDays(storage: Storage, tenantId: string, now: number, maxDays = MAX_DAYS_PER_RUN): Promise<string[]> {
  const last = await storage.repos.stats.lastDay(tenantId);
  const start = last !== undefined ? addDays(last, 1) : await firstDayToAggregate(storage, tenantId, now);
  if (start === undefined) return [];
  return daysFrom(start, lastClosedDay(now), maxDays);
}

/** `start`, `start`+1, ... up to `end` inclusive, at most `maxDays` of them. */
export function daysFrom(start: string, end: string, maxDays: number): string[] {
  const count = Math.min(daysBetween(start, end) + 1, maxDays);
  const days: string[] = [];
  for (let i = 0; i < count; i++) days.push(addDays(start, i));
  return days;
}

export interface StatsRunResult {
  tenants: number;
  days: number;
}

/**
 * One run over every active tenant at `clock`'s time. A tenant whose aggregation fails is reported
 * to `onError` (naming it) and the others are still aggregated; the next run tries it again from
 * its last written day.
 */
export async function aggregateAll(
  storage: Storage,
  clock: Clock,
  onError: (error: unknown) => void,
  options: { maxDays?: number; stopped?: () => boolean } = {},
): Promise<StatsRunResult> {
  const { maxDays = MAX_DAYS_PER_RUN, stopped = () => false } = options;
  const result: StatsRunResult = { tenants: 0, days: 0 };
  // The lead adds the admin tenant's exclusion (tenants.kind) at merge; every active tenant until then.
  for (const tenant of await storage.repos.tenants.listActive()) {
    if (stopped()) break;
    try {
      const days = await pendingDays(storage, tenant.id, clock.now(), maxDays);
      for (const day of days) {
        if (stopped()) break;
        await aggregateDay(storage, tenant.id, day, clock.now());
        result.days++;
        // Let requests in between days.
        await new Promise((resolve) => setImmediate(resolve));
      }
      result.tenants++;
    } catch (error) {
      onError(new Error(`aggregating the statistics of tenant ${tenant.name} failed`, { cause: error }));
    }
  }
  return result;
}

export type StatsJob = PeriodicJob;

/** What the job runs each time: one aggregation over every tenant (StatsService.aggregate). */
export interface StatsRunner {
  aggregate(onError: (error: unknown) => void, stopped: () => boolean): Promise<StatsRunResult>;
}

/**
 * Runs `stats.aggregate` every `intervalMs` with ±50% jitter, so instances started together do not
 * run in step. The timer does not keep the process alive; `stop` waits for a run in progress, which
 * finishes the day it is on and leaves the rest to the next start. The ticks are wall-clock; which
 * days are closed is read on the services' clock.
 */
export function startStatsJob(stats: StatsRunner, onError: (error: unknown) => void, intervalMs = STATS_INTERVAL_MS): StatsJob {
  return startPeriodicJob((stopped) => stats.aggregate(onError, stopped), onError, intervalMs);
}
