/**
 * A clock a test moves by hand (domain/clock.ts): the in-process server's services read expiry,
 * blocks and token times from it, so a test of "expired after N seconds" advances it instead of
 * sleeping, and never rewrites a stored deadline.
 *
 * It follows the wall clock plus an offset, so time still moves forward between two requests (rows
 * are ordered as in production) and `advance` jumps ahead; `set` fixes an offset from a given time.
 */
import type { Clock } from '../../src/domain/clock.js';

export class TestClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the clock `ms` milliseconds ahead (a negative value moves it back). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }

  /** The clock reads `epochMs` now, and moves on from there. */
  set(epochMs: number): void {
    this.offsetMs = epochMs - Date.now();
  }
}
