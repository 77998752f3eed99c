/**
 * Which tenant log types the daily statistics count (docs/plans/dashboard.md, "4. Stats"): one
 * table, read by the aggregator's queries and by nothing else. Pure data and two pure functions.
 *
 * - logins: `s` (successful login; passwordless OTP logins log `s` too);
 * - signups: `ss`;
 * - failed_logins: `f` (failed login), `fp` (wrong password), `fu` (wrong username or email);
 * - leaked_passwords: `pwd_leak` (breached password detected);
 * - attack_protection: `limit_wc` (brute-force block), `limit_mu` (suspicious IP throttled),
 *   `limit_sul` (too many logins from one IP);
 * - active users (DAU): distinct `user_id` over a successful login or token exchange: `s`, `ssa`
 *   (silent authentication), `seacft`/`sertft`/`sepft` (code, refresh token and password
 *   exchanges) and `scoa` (cross-origin authentication). `seccft` (client credentials) has no user.
 */

export const COUNTERS = ['logins', 'signups', 'failed_logins', 'leaked_passwords', 'attack_protection'] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number>;

/** The log types each counter adds up. A type belongs to one counter at most. */
export const COUNTED_TYPES: Readonly<Record<Counter, readonly string[]>> = Object.freeze({
  logins: Object.freeze(['s']),
  signups: Object.freeze(['ss']),
  failed_logins: Object.freeze(['f', 'fp', 'fu']),
  leaked_passwords: Object.freeze(['pwd_leak']),
  attack_protection: Object.freeze(['limit_wc', 'limit_mu', 'limit_sul']),
});

/** The log types whose `user_id` makes that user active on the event's day. */
export const ACTIVE_USER_TYPES: readonly string[] = Object.freeze(['s', 'ssa', 'seacft', 'sertft', 'sepft', 'scoa']);

/** Every type a counter reads, in a fixed order (the aggregator's `type in (...)`). */
export const ALL_COUNTED_TYPES: readonly string[] = Object.freeze(COUNTERS.flatMap((counter) => COUNTED_TYPES[counter]));

const COUNTER_OF_TYPE: ReadonlyMap<string, Counter> = new Map(COUNTERS.flatMap((counter) => COUNTED_TYPES[counter].map((type): [string, Counter] => [type, counter])));

/** The counter a log type adds to, if any. */
export const counterOf = (type: string): Counter | undefined => COUNTER_OF_TYPE.get(type);

export const zeroCounts = (): Counts => ({ logins: 0, signups: 0, failed_logins: 0, leaked_passwords: 0, attack_protection: 0 });

/**
 * Adds up per-type counts (one row per log type, as a `group by type` returns them) into the
 * counters, and the earliest `first` date among the counted types. Types no counter reads are ignored.
 */
export function tally(rows: ReadonlyArray<{ type: string; count: number; first: string | null }>): { counts: Counts; firstEventAt: string | null } {
  const counts = zeroCounts();
  let firstEventAt: string | null = null;
  for (const row of rows) {
    const counter = counterOf(row.type);
    if (!counter || row.count <= 0) continue;
    counts[counter] += row.count;
    if (row.first !== null && (firstEventAt === null || row.first < firstEventAt)) firstEventAt = row.first;
  }
  return { counts, firstEventAt };
}
