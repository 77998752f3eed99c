/**
 * The log search's `date` field: a `YYYY-MM-DD` day means all of that UTC day, an ISO-8601
 * timestamp that instant, and ranges take either. Values come out in the stored `toISOString()`
 * form, so the repository compares them as strings in time order.
 */
import type { DomainError } from '../errors.js';
import type { DateBound, LogFilter } from '../../storage/repositories/logs.js';
import type { RangeToken, TermValue } from '../search/ast.js';

type QueryError = (message: string, position?: number) => DomainError;

export function dateTerm(field: 'date', value: TermValue, at: number, error: QueryError): LogFilter {
  if (value.segments.length > 1) throw error('date does not take wildcards; use a range such as date:[2026-01-01 TO 2026-01-31]', at);
  const parsed = parseDate(value.segments[0]!, at, error);
  // A day means all of it; an instant means exactly that instant.
  if (parsed.day) return { op: 'range', field, lower: { value: parsed.start, inclusive: true }, upper: { value: parsed.next, inclusive: false } };
  return { op: 'equals', field, value: parsed.start, ignoreCase: false };
}

export function dateRange(field: 'date', range: RangeToken, at: number, error: QueryError): LogFilter {
  const bound = (written: string | undefined, inclusive: boolean, isUpper: boolean): DateBound | undefined => {
    if (written === undefined) return undefined; // `*`: open end
    const parsed = parseDate(written, at, error);
    if (!parsed.day) return { value: parsed.start, inclusive };
    // Day bounds cover whole days: [.. TO 2026-01-31] includes the 31st, {2026-01-01 TO ..} starts on the 2nd.
    if (isUpper) return { value: inclusive ? parsed.next : parsed.start, inclusive: false };
    return { value: inclusive ? parsed.start : parsed.next, inclusive: true };
  };
  const lower = bound(range.lower, range.lowerInclusive, false);
  const upper = bound(range.upper, range.upperInclusive, true);
  const filter: LogFilter = { op: 'range', field };
  if (lower) filter.lower = lower;
  if (upper) filter.upper = upper;
  return filter;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A `YYYY-MM-DD` day (UTC) or an ISO-8601 instant, normalized to the stored `toISOString()` form. */
function parseDate(text: string, at: number, error: QueryError): { day: boolean; start: string; next: string } {
  const day = DAY.exec(text);
  if (day) {
    const start = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    // Date.UTC rolls 2026-02-30 over into March; a real calendar day reads back unchanged.
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== text || start.getUTCFullYear() < 1000) {
      throw error(`${text} is not a valid date`, at);
    }
    return { day: true, start: start.toISOString(), next: new Date(start.getTime() + 86_400_000).toISOString() };
  }
  // Without an offset, an instant is read as UTC (JavaScript would read it as local time).
  const parts = INSTANT.exec(text);
  const instant = parts ? new Date(parts[3] ? text : `${text}Z`) : undefined;
  if (!instant || Number.isNaN(instant.getTime()) || instant.getUTCFullYear() < 1000 || instant.getUTCFullYear() > 9999) {
    throw error(`${text} is not a date; use YYYY-MM-DD or an ISO-8601 timestamp`, at);
  }
  return { day: false, start: instant.toISOString(), next: instant.toISOString() };
}
