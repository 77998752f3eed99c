/**
 * Time, as the services read it.
 *
 * The reads that decide a protocol outcome (is this code, ticket, session or refresh token still
 * valid; is this account blocked; what `iat`/`exp`/`auth_time` does a token carry) go through one
 * `Clock` that `createServices` receives and hands down, so tests can run them on a clock they set
 * and advance (test/support/test-clock.ts) instead of sleeping or rewriting stored deadlines.
 * Production passes nothing and gets `systemClock`, which is `Date.now()`.
 *
 * Bookkeeping timestamps (`created_at`/`updated_at` of Management API entities, cache
 * invalidation feed, certificates) keep the global `nowIso()` below: they record when something
 * happened on this machine and decide nothing. Tenant log dates are the exception: they are read
 * back by the log search (`date:`), so LogService takes the services' clock and a test's log
 * events carry the time its protocol outcomes were decided at.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The clock's time plus `offsetMs`, as an ISO-8601 string (the stored form of deadlines). */
export const isoAt = (clock: Clock, offsetMs = 0): string => new Date(clock.now() + offsetMs).toISOString();

/** The clock's time in whole seconds (JWT `iat`, `exp`, `auth_time`). */
export const secondsAt = (clock: Clock): number => Math.floor(clock.now() / 1000);

/** Wall-clock time for bookkeeping timestamps that decide nothing (see above). */
export const nowIso = (): string => new Date().toISOString();
