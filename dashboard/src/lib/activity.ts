/**
 * Pure helpers of the Activity screen (features/activity): UTC day ranges ending yesterday (today is
 * never aggregated: docs/plans/dashboard.md §4), the previous period of a range, the percentage
 * change between two figures, and the retention series and its headline mean. No DOM, no dates
 * library: unit-tested in test/unit/dashboard-activity.test.ts.
 */

/** A UTC calendar day, `YYYY-MM-DD`. */
export type Day = string;

/** Both ends inclusive. */
export interface DayRange {
  from: Day;
  to: Day;
}

export const PRESET_DAYS = [7, 14, 30, 60] as const;
/** The API refuses spans over 366 days (`/stats/daily`). */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function epochDay(day: Day): number {
  const match = DAY_PATTERN.exec(day);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD day: ${day}`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== day) throw new RangeError(`Not a calendar day: ${day}`);
  return ms / DAY_MS;
}

function fromEpochDay(n: number): Day {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day of an instant. */
export function utcDay(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: Day, n: number): Day {
  return fromEpochDay(epochDay(day) + n);
}

/** The last day that can have statistics: yesterday (UTC). */
export function lastSelectableDay(nowMs: number): Day {
  return addDays(utcDay(nowMs), -1);
}

/** Days in a range, both ends counted. */
export function rangeLength(range: DayRange): number {
  return epochDay(range.to) - epochDay(range.from) + 1;
}

/** Every day of a range, in order. */
export function daysOf(range: DayRange): Day[] {
  const start = epochDay(range.from);
  return Array.from({ length: Math.max(0, rangeLength(range)) }, (_, i) => fromEpochDay(start + i));
}

/** The last `days` days up to yesterday. */
export function presetRange(days: number, nowMs: number): DayRange {
  const to = lastSelectableDay(nowMs);
  return { from: addDays(to, -(days - 1)), to };
}

/** The period of the same length that ends the day before `range` starts. */
export function previousPeriod(range: DayRange): DayRange {
  const length = rangeLength(range);
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

/** Why a custom range cannot be asked for, or undefined when it can. */
export function rangeProblem(range: DayRange, nowMs: number): string | undefined {
  if (!DAY_PATTERN.test(range.from) || !DAY_PATTERN.test(range.to)) return 'Choose both a start and an end day.';
  if (range.from > range.to) return 'The start day must not be after the end day.';
  if (range.to > lastSelectableDay(nowMs)) return 'Today cannot be selected: data may take up to 24 hours to display.';
  if (rangeLength(range) > MAX_RANGE_DAYS) return `Choose at most ${MAX_RANGE_DAYS} days.`;
  return undefined;
}

/** `2026-12-01` → `20261201`, the `from`/`to` format of `GET /api/v2/stats/daily`. */
export function apiDate(day: Day): string {
  epochDay(day);
  return day.replaceAll('-', '');
}

/**
 * The change from `previous` to `current` in percent, or undefined when there is no baseline
 * (previous is 0 and current is not, or either is missing). 0 → 0 is no change.
 */
export function percentChange(current: number | undefined, previous: number | undefined): number | undefined {
  if (current === undefined || previous === undefined || !Number.isFinite(current) || !Number.isFinite(previous)) return undefined;
  if (previous === 0) return current === 0 ? 0 : undefined;
  return ((current - previous) / Math.abs(previous)) * 100;
}

/** `+12.5%`, `−3%`, `0%` (one decimal at most). */
export function formatChange(change: number): string {
  const rounded = Math.round(change * 10) / 10;
  if (rounded === 0) return '0%';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
}

/** The mean of the defined values, or undefined when there are none. */
export function mean(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (present.length === 0) return undefined;
  return present.reduce((a, b) => a + b, 0) / present.length;
}

export function sum(values: readonly (number | undefined)[]): number {
  return values.reduce<number>((a, b) => a + (b ?? 0), 0);
}

/** The fields of a `/stats/daily` element the screen reads. */
export interface DailyStat {
  date: string;
  logins?: number;
  signups?: number;
  failed_logins?: number;
  active_users?: number;
  users_total?: number;
}

/** Retention of one day in percent: active users out of all users that day (0 users → 0). */
export function retention(stat: Pick<DailyStat, 'active_users' | 'users_total'>): number {
  const total = stat.users_total ?? 0;
  if (total <= 0) return 0;
  return ((stat.active_users ?? 0) / total) * 100;
}

/**
 * One value per day of `range` (undefined where the API has no row: not aggregated yet), so a
 * chart's x axis is the whole range and the previous period lines up day by day.
 */
export function alignDays<T extends { date: string }>(range: DayRange, rows: readonly T[]): (T | undefined)[] {
  const byDay = new Map(rows.map((row) => [row.date.slice(0, 10), row]));
  return daysOf(range).map((day) => byDay.get(day));
}

/** The headline retention of a range: the mean of its daily values (distinct users per range are not stored). */
export function retentionHeadline(rows: readonly (DailyStat | undefined)[]): number | undefined {
  return mean(rows.map((row) => (row ? retention(row) : undefined)));
}
