/**
 * The statistics' counted log types (domain/stats/stat-types.ts) and UTC day rules (days.ts):
 * the table is pinned type by type, since a change to it changes every tenant's numbers.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVE_USER_TYPES, ALL_COUNTED_TYPES, COUNTED_TYPES, COUNTERS, counterOf, tally } from '../../src/domain/stats/stat-types.js';
import { addDays, compactDay, dayOf, daysBetween, lastClosedDay, parseCompactDay, parseDay } from '../../src/domain/stats/days.js';
import { daysFrom } from '../../src/domain/stats/stats-aggregator.js';

describe('counted log types', () => {
  it('counts exactly the planned types per counter', () => {
    expect(COUNTED_TYPES).toEqual({
      logins: ['s'],
      signups: ['ss'],
      failed_logins: ['f', 'fp', 'fu'],
      leaked_passwords: ['pwd_leak'],
      attack_protection: ['limit_wc', 'limit_mu', 'limit_sul'],
    });
    expect(Object.keys(COUNTED_TYPES)).toEqual([...COUNTERS]);
  });

  it('makes users active on a successful login or token exchange, never on client credentials', () => {
    expect([...ACTIVE_USER_TYPES].sort()).toEqual(['s', 'scoa', 'seacft', 'sepft', 'sertft', 'ssa']);
    expect(ACTIVE_USER_TYPES).not.toContain('seccft');
    for (const failure of ['f', 'fp', 'fu', 'feacft', 'fertft', 'fepft', 'fcoa']) expect(ACTIVE_USER_TYPES).not.toContain(failure);
  });

  it('gives each type one counter at most, and lists each once', () => {
    expect(new Set(ALL_COUNTED_TYPES).size).toBe(ALL_COUNTED_TYPES.length);
    expect(ALL_COUNTED_TYPES).toHaveLength(9);
    for (const counter of COUNTERS) for (const type of COUNTED_TYPES[counter]) expect(counterOf(type)).toBe(counter);
    for (const other of ['seccft', 'sapi', 'fapi', 'ssa', 'seacft', 'S', ' s', '', 'toString', '__proto__']) expect(counterOf(other)).toBeUndefined();
  });

  it('is frozen', () => {
    expect(() => (COUNTED_TYPES.logins as string[]).push('x')).toThrow();
    expect(() => (ACTIVE_USER_TYPES as string[]).push('x')).toThrow();
  });

  it('adds per-type counts into the counters and keeps the earliest counted date', () => {
    const { counts, firstEventAt } = tally([
      { type: 'f', count: 2, first: '2026-12-01T10:00:00.000Z' },
      { type: 'fp', count: 3, first: '2026-12-01T09:00:00.000Z' },
      { type: 's', count: 7, first: '2026-12-01T08:00:00.000Z' },
      { type: 'sapi', count: 100, first: '2026-12-01T00:00:00.000Z' },
      { type: 'limit_mu', count: 1, first: '2026-12-01T23:59:59.999Z' },
      { type: 'limit_wc', count: 0, first: null },
    ]);
    expect(counts).toEqual({ logins: 7, signups: 0, failed_logins: 5, leaked_passwords: 0, attack_protection: 1 });
    expect(firstEventAt).toBe('2026-12-01T08:00:00.000Z');
    expect(tally([])).toEqual({ counts: { logins: 0, signups: 0, failed_logins: 0, leaked_passwords: 0, attack_protection: 0 }, firstEventAt: null });
  });
});

describe('UTC days', () => {
  const at = (iso: string) => Date.parse(iso);

  it('closes a day at 00:05 UTC the day after', () => {
    expect(lastClosedDay(at('2026-12-07T00:04:59.999Z'))).toBe('2026-12-05');
    expect(lastClosedDay(at('2026-12-07T00:05:00.000Z'))).toBe('2026-12-06');
    expect(lastClosedDay(at('2026-12-07T23:59:59.999Z'))).toBe('2026-12-06');
    expect(lastClosedDay(at('2027-01-01T00:05:00.000Z'))).toBe('2026-12-31');
  });

  it('steps over month, year and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -120)).toBe('2025-11-01');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2026-01-02', '2026-01-01')).toBe(-1);
    expect(dayOf(at('2026-12-06T23:59:59.999Z'))).toBe('2026-12-06');
    expect(daysFrom('2026-12-30', '2027-01-02', 31)).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(daysFrom('2026-12-30', '2027-01-02', 2)).toEqual(['2026-12-30', '2026-12-31']);
    expect(daysFrom('2026-12-30', '2026-12-29', 31)).toEqual([]);
  });

  it('accepts only real calendar days in both written forms', () => {
    expect(parseCompactDay('20261201')).toBe('2026-12-01');
    expect(parseCompactDay('20280229')).toBe('2028-02-29');
    expect(compactDay('2026-12-01')).toBe('20261201');
    for (const bad of ['20270229', '20261301', '20261200', '20261232', '00001231', '09991231', '2026121', '202612011', '2026-12-01', ' 20261201', '2026120a', '']) {
      expect(parseCompactDay(bad), bad).toBeUndefined();
    }
    expect(parseDay('2026-12-01')).toBe('2026-12-01');
    for (const bad of ['2026-02-30', '20261201', '2026-12-1', '2026-12-01T00:00:00Z', '0999-01-01']) expect(parseDay(bad), bad).toBeUndefined();
  });
});
