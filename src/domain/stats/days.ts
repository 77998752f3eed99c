/**
 * UTC calendar days as the statistics store them (`YYYY-MM-DD`), and the rule of when a day is
 * closed. Pure functions of a time in milliseconds: the callers read it from `services.clock`.
 */

export const DAY_MS = 86_400_000;

/**
 * A day D is closed, and aggregated, from D+1 00:05 UTC: log events are written in batches every
 * 200 ms after they happen, so the five minutes leave ample slack for the last events of D.
 */
export const CLOSE_DELAY_MS = 5 * 60_000;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT_DAY = /^(\d{4})(\d{2})(\d{2})$/;

/** The UTC day of an instant. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Midnight UTC at the start of `day`, in ms. */
export const dayStartMs = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);

/** Midnight UTC at the start of `day` in the stored form of log dates (`toISOString()`), so strings compare in time order. */
export const dayStart = (day: string): string => `${day}T00:00:00.000Z`;

export const addDays = (day: string, days: number): string => dayOf(dayStartMs(day) + days * DAY_MS);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((dayStartMs(to) - dayStartMs(from)) / DAY_MS);

/** The last day that is closed at `nowMs` (see CLOSE_DELAY_MS). */
export const lastClosedDay = (nowMs: number): string => addDays(dayOf(nowMs - CLOSE_DELAY_MS), -1);

/** `YYYY-MM-DD` → `YYYYMMDD`, the form of the Management API's `from`/`to`. */
export const compactDay = (day: string): string => day.replace(/-/g, '');

/** A real calendar day between the years 1000 and 9999 from its parts, or undefined (2026-02-30 is not a day). */
function calendarDay(year: string, month: string, dayOfMonth: string): string | undefined {
  const day = `${year}-${month}-${dayOfMonth}`;
  const ms = dayStartMs(day);
  if (Number.isNaN(ms) || Number(year) < 1000 || dayOf(ms) !== day) return undefined;
  return day;
}

/** `YYYY-MM-DD` (the CLI's `--from`) if it is a real day, else undefined. */
export function parseDay(text: string): string | undefined {
  const parts = DAY.exec(text);
  return parts ? calendarDay(parts[1]!, parts[2]!, parts[3]!) : undefined;
}

/** `YYYYMMDD` (the Management API's `from`/`to`) as `YYYY-MM-DD` if it is a real day, else undefined. */
export function parseCompactDay(text: string): string | undefined {
  const parts = COMPACT_DAY.exec(text);
  return parts ? calendarDay(parts[1]!, parts[2]!, parts[3]!) : undefined;
}
