/**
 * The in-process store: the default, and the fallback while Redis is unreachable. Each instance
 * counts on its own, so N instances without Redis allow up to N times the limit.
 *
 * The Map's insertion order is the order in which windows end (every window has the same length,
 * and a key whose window restarts is deleted and inserted again), so expired keys are always at the
 * front: dropping them costs nothing per request and needs no timer. The number of keys is bounded;
 * past the bound the window closest to its end is forgotten (that key starts over), so a flood of
 * distinct addresses cannot grow memory without limit.
 */
import { WINDOW_MS, type RateLimitStore, type WindowHit } from './store.js';

interface Window {
  count: number;
  resetAt: number;
}

export class MemoryStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs = WINDOW_MS,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): WindowHit {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      if (window !== undefined) this.windows.delete(key);
      this.expire(now);
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return { count: window.count, resetAt: window.resetAt };
  }

  peek(key: string): number {
    const window = this.windows.get(key);
    return window !== undefined && window.resetAt > this.now() ? window.count : 0;
  }

  get size(): number {
    return this.windows.size;
  }

  private expire(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.resetAt > now && this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}
