/**
 * The tenant's activity statistics as the Management API reads them (`/api/v2/stats/daily`,
 * `/api/v2/stats/active-users`, `/api/v2/tessera/stats/totals`), and the aggregator's entry points
 * for the background job and `tessera stats rebuild`. Days are UTC; "today" and "yesterday" are
 * read on the services' clock.
 */
import type { Storage } from '../../storage/storage.js';
import type { DailyStatsRecord, TenantTotals } from '../../storage/repositories/stats.js';
import { invalid } from '../errors.js';
import type { Clock } from '../clock.js';
import { addDays, compactDay, dayOf, dayStart, daysBetween, lastClosedDay, parseCompactDay } from './days.js';
export type { TenantTotals };
import { aggregateAll, aggregateDay, daysFrom, firstDayToAggregate, type StatsRunResult } from './stats-aggregator.js';

/** Auth0's `DailyStats` (its fields first), then Tessera's extensions. */
export interface DailyStats {
  /** Midnight UTC of the day. */
  date: string;
  logins: number;
  signups: number;
  leaked_passwords: number;
  /** When the day's row was last computed. */
  updated_at: string;
  /** When the day's first counted event happened (Auth0: "approximate date and time the first event occurred"); the day's midnight when there was none. */
  created_at: string;
  failed_logins: number;
  active_users: number;
  users_total: number;
  attack_protection: number;
}

/** The longest range `/stats/daily` answers, in days (both ends included). */
export const MAX_RANGE_DAYS = 366;
/** The default range, and the window of `active-users`: 30 days up to yesterday. */
export const DEFAULT_RANGE_DAYS = 30;

const rangeProblem = (message: string) => invalid(`Query validation error: ${message}`, 'invalid_query_string');

function requestedDay(name: 'from' | 'to', text: string): string {
  const day = parseCompactDay(text);
  if (day === undefined) throw rangeProblem(`'${name}' must be a date in YYYYMMDD format (${text} is not).`);
  return day;
}

const toDailyStats = (record: DailyStatsRecord): DailyStats => ({
  date: dayStart(record.day),
  logins: record.logins,
  signups: record.signups,
  leaked_passwords: record.leakedPasswords,
  updated_at: record.updatedAt,
  created_at: record.firstEventAt ?? dayStart(record.day),
  failed_logins: record.failedLogins,
  active_users: record.activeUsers,
  users_total: record.usersTotal,
  attack_protection: record.attackProtection,
});

export class StatsService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  private yesterday(): string {
    return addDays(dayOf(this.clock.now()), -1);
  }

  /**
   * The aggregated days from `from` to `to` (`YYYYMMDD`, both included; `to` defaults to yesterday,
   * `from` to 29 days before `to`), in date order. Today and later days never appear, whatever the
   * range says. 400 `invalid_query_string` for a day that does not exist, `from` after `to`, or a
   * range over MAX_RANGE_DAYS days.
   */
  async daily(tenantId: string, query: { from?: string | undefined; to?: string | undefined }): Promise<DailyStats[]> {
    const yesterday = this.yesterday();
    const to = query.to !== undefined ? requestedDay('to', query.to) : yesterday;
    const from = query.from !== undefined ? requestedDay('from', query.from) : addDays(to, -(DEFAULT_RANGE_DAYS - 1));
    if (from > to) throw rangeProblem(`'from' (${compactDay(from)}) must not be after 'to' (${compactDay(to)}${query.to === undefined ? ', yesterday by default' : ''}).`);
    if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) throw rangeProblem(`the range from 'from' to 'to' must not be longer than ${MAX_RANGE_DAYS} days.`);
    const last = to < yesterday ? to : yesterday;
    if (from > last) return [];
    return (await this.storage.repos.stats.listDays(tenantId, from, last)).map(toDailyStats);
  }

  /** Users active (a login or token exchange) in the 30 days up to yesterday, as aggregated so far. */
  async activeUsers(tenantId: string): Promise<number> {
    return this.storage.repos.stats.countActiveSince(tenantId, addDays(this.yesterday(), -(DEFAULT_RANGE_DAYS - 1)));
  }

  /** Live counts of the tenant's users, applications, APIs and connections. */
  async totals(tenantId: string): Promise<TenantTotals> {
    return this.storage.repos.stats.totals(tenantId);
  }

  /** One run of the background job over every active tenant (stats-aggregator.ts); `stopped` ends it early, between days. */
  async aggregate(onError: (error: unknown) => void, stopped: () => boolean = () => false): Promise<StatsRunResult> {
    return aggregateAll(this.storage, this.clock, onError, { stopped });
  }

  /**
   * Recomputes a tenant's closed days from `from` (`YYYY-MM-DD`; by default, and never before, the
   * day of its first log, and by default not before today−120) up to the last closed day, all of
   * them in one call. Harmless at any time: the numbers come out the same over the same logs, and
   * no user's last active day moves backwards. Returns the days written.
   */
  async rebuild(tenantId: string, from?: string, onDay?: (day: string) => void): Promise<number> {
    const earliest = await firstDayToAggregate(this.storage, tenantId, this.clock.now());
    if (earliest === undefined) return 0;
    let start = earliest;
    if (from !== undefined) {
      const firstLogDate = await this.storage.repos.stats.firstLogDate(tenantId);
      const firstLogDay = dayOf(Date.parse(firstLogDate!));
      start = from > firstLogDay ? from : firstLogDay;
    }
    const end = lastClosedDay(this.clock.now());
    const days = daysFrom(start, end, Number.MAX_SAFE_INTEGER);
    for (const day of days) {
      await aggregateDay(this.storage, tenantId, day, this.clock.now());
      onDay?.(day);
    }
    return days.length;
  }
}
