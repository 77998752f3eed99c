/**
 * What a rate-limit store does: count one request against a key's current window.
 *
 * Fixed windows anchored at a key's first request, rather than a token bucket or a sliding log:
 * a window is one integer per key, which Redis increments atomically with a single INCR (one round
 * trip, no clock shared between instances: the window's end is the key's TTL on the Redis server),
 * and it makes `x-ratelimit-reset` exact — the moment the window ends and the whole limit is
 * available again. The price is the fixed window's known burst: up to twice the limit across the
 * boundary of two windows, which is acceptable for protection against floods and runaway clients.
 * Every window has the same length (a minute), so the in-process store can expire keys in order.
 */

export interface WindowHit {
  /** Requests counted in the key's current window, this one included (denied requests count too). */
  readonly count: number;
  /** When the current window ends (epoch milliseconds). */
  readonly resetAt: number;
}

export interface RateLimitStore {
  /**
   * Counts one request for the key. The in-process store answers synchronously; Redis with a
   * promise. Callers check for a promise rather than always awaiting, so the default store adds no
   * promise hop to the token endpoint.
   */
  hit(key: string): WindowHit | Promise<WindowHit>;
  /** Requests counted in the key's current window, without counting one (0 when no window is open). */
  peek(key: string): number | Promise<number>;
  close(): Promise<void>;
}

export const WINDOW_MS = 60_000;
