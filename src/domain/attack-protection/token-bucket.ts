/**
 * Token buckets as Auth0 describes suspicious IP throttling: `max_attempts` tokens, one granted
 * back every `rate` milliseconds. Each bucket is stored as a single number, its "theoretical
 * arrival time" (the GCRA form of a token bucket): `tat` is when the bucket will be full again.
 * Taking a token moves `tat` one interval later; the bucket is empty while `tat` is more than
 * `max_attempts - 1` intervals ahead of now. One number per bucket means the database can take a
 * token atomically in one upsert (see the attack protection repository), shared by every instance.
 */

export interface BucketLimits {
  /** Capacity: how many attempts in a burst. */
  maxAttempts: number;
  /** Milliseconds after which one more attempt is granted. */
  rateMs: number;
}

/** True when no attempt is left: further attempts are refused until a token comes back. */
export function isEmpty(tat: number | undefined, now: number, limits: BucketLimits): boolean {
  return tat !== undefined && tat - now > (limits.maxAttempts - 1) * limits.rateMs;
}

/** The `tat` after one token is taken at `now` (the repository's upsert computes the same in SQL). */
export function afterTaking(tat: number | undefined, now: number, limits: BucketLimits): number {
  return Math.max(tat ?? now, now) + limits.rateMs;
}

/**
 * The highest `tat` from which a token may still be taken: the repository takes a token only when
 * the stored value is at most this, so a bucket that is already empty is never pushed further out.
 */
export function takeableUntil(now: number, limits: BucketLimits): number {
  return now + (limits.maxAttempts - 1) * limits.rateMs;
}
