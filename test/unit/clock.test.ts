/** The clock the services read (domain/clock.ts) and the TestClock the in-process tier moves. */
import { describe, expect, it } from 'vitest';
import { isoAt, secondsAt, systemClock } from '../../src/domain/clock.js';
import { TestClock } from '../support/test-clock.js';

describe('Clock', () => {
  it('is the system clock unless a test sets its own', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('writes deadlines as ISO-8601 and JWT times in whole seconds', () => {
    const clock = { now: () => Date.UTC(2030, 0, 2, 3, 4, 5, 678) };
    expect(isoAt(clock)).toBe('2030-01-02T03:04:05.678Z');
    expect(isoAt(clock, 60_000)).toBe('2030-01-02T03:05:05.678Z');
    expect(isoAt(clock, -1_000)).toBe('2030-01-02T03:04:04.678Z');
    expect(secondsAt(clock)).toBe(Math.floor(Date.UTC(2030, 0, 2, 3, 4, 5) / 1000));
  });

  it('TestClock follows the wall clock, jumps ahead when advanced, and can be set', () => {
    const clock = new TestClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    clock.advance(2_100);
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(2_050);
    clock.advanceSeconds(300);
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(302_050);
    clock.set(Date.UTC(2030, 0, 1));
    expect(Math.abs(clock.now() - Date.UTC(2030, 0, 1))).toBeLessThan(50);
  });
});
