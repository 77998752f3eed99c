/**
 * The Activity screen's pure helpers (dashboard/src/lib/activity.ts): UTC ranges that end yesterday,
 * previous periods, percentage changes, retention and its headline mean; and the screen gates of
 * dashboard/src/lib/tenant-screens.ts (where `/t/{tenant}` lands for a role's scopes).
 */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  alignDays,
  apiDate,
  daysOf,
  formatChange,
  lastSelectableDay,
  mean,
  percentChange,
  presetRange,
  previousPeriod,
  rangeLength,
  rangeProblem,
  retention,
  retentionHeadline,
  sum,
} from '../../dashboard/src/lib/activity.js';
import { allowedScreens, landingPath, navSections, parseScopes } from '../../dashboard/src/lib/tenant-screens.js';
import { logTypeDescription } from '../../dashboard/src/lib/log-types.js';

const NOW = Date.parse('2026-12-07T03:20:00.000Z');

describe('activity date ranges', () => {
  it('ends presets yesterday (UTC), today never included', () => {
    expect(lastSelectableDay(NOW)).toBe('2026-12-06');
    expect(lastSelectableDay(Date.parse('2026-12-07T23:59:59.999Z'))).toBe('2026-12-06');
    expect(lastSelectableDay(Date.parse('2026-12-08T00:00:00.000Z'))).toBe('2026-12-07');
    expect(presetRange(7, NOW)).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(presetRange(30, NOW)).toEqual({ from: '2026-11-07', to: '2026-12-06' });
    for (const days of [7, 14, 30, 60]) expect(rangeLength(presetRange(days, NOW))).toBe(days);
  });

  it('crosses months, years and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(presetRange(7, Date.parse('2027-01-03T10:00:00Z'))).toEqual({ from: '2026-12-27', to: '2027-01-02' });
    expect(daysOf({ from: '2026-12-30', to: '2027-01-02' })).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('makes the previous period of the same length, ending the day before', () => {
    expect(previousPeriod({ from: '2026-11-30', to: '2026-12-06' })).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(previousPeriod({ from: '2026-12-06', to: '2026-12-06' })).toEqual({ from: '2026-12-05', to: '2026-12-05' });
    const sixty = presetRange(60, NOW);
    const before = previousPeriod(sixty);
    expect(rangeLength(before)).toBe(60);
    expect(addDays(before.to, 1)).toBe(sixty.from);
  });

  it('refuses custom ranges that include today, run backwards or exceed 366 days', () => {
    expect(rangeProblem({ from: '2026-12-01', to: '2026-12-06' }, NOW)).toBeUndefined();
    expect(rangeProblem({ from: '2026-12-01', to: '2026-12-07' }, NOW)).toMatch(/Today cannot be selected/);
    expect(rangeProblem({ from: '2026-12-05', to: '2026-12-01' }, NOW)).toMatch(/start day/);
    expect(rangeProblem({ from: '2025-12-06', to: '2026-12-06' }, NOW)).toBeUndefined();
    expect(rangeProblem({ from: '2025-12-05', to: '2026-12-06' }, NOW)).toMatch(/at most 366/);
    expect(rangeProblem({ from: '', to: '2026-12-06' }, NOW)).toMatch(/both/);
  });

  it('formats API dates as YYYYMMDD', () => {
    expect(apiDate('2026-12-01')).toBe('20261201');
    expect(() => apiDate('20261201')).toThrow(RangeError);
  });
});

describe('percent change', () => {
  it('is relative to the previous figure', () => {
    expect(percentChange(150, 100)).toBe(50);
    expect(percentChange(50, 100)).toBe(-50);
    expect(percentChange(100, 100)).toBe(0);
    expect(percentChange(0, 0)).toBe(0);
  });

  it('has no value without a baseline', () => {
    expect(percentChange(5, 0)).toBeUndefined();
    expect(percentChange(undefined, 3)).toBeUndefined();
    expect(percentChange(3, undefined)).toBeUndefined();
  });

  it('is shown signed, with one decimal at most', () => {
    expect(formatChange(50)).toBe('+50%');
    expect(formatChange(-12.345)).toBe('−12.3%');
    expect(formatChange(0.04)).toBe('0%');
    expect(formatChange(1234.5)).toBe('+1,234.5%');
  });
});

describe('retention', () => {
  it('is active users over all users of that day, 0 without users', () => {
    expect(retention({ active_users: 5, users_total: 20 })).toBe(25);
    expect(retention({ active_users: 0, users_total: 0 })).toBe(0);
    expect(retention({})).toBe(0);
  });

  it('headlines the mean of the days that have rows', () => {
    const rows = [
      { date: '2026-12-01T00:00:00.000Z', active_users: 1, users_total: 10 },
      undefined,
      { date: '2026-12-03T00:00:00.000Z', active_users: 3, users_total: 10 },
    ];
    expect(retentionHeadline(rows)).toBeCloseTo(20);
    expect(retentionHeadline([undefined])).toBeUndefined();
    expect(mean([])).toBeUndefined();
    expect(mean([1, undefined, 3])).toBe(2);
    expect(sum([1, undefined, 3])).toBe(4);
  });

  it('aligns rows on every day of the range, leaving holes where nothing was aggregated', () => {
    const rows = [{ date: '2026-12-03T00:00:00.000Z', n: 3 }, { date: '2026-12-01T00:00:00.000Z', n: 1 }];
    expect(alignDays({ from: '2026-12-01', to: '2026-12-03' }, rows).map((r) => r?.n)).toEqual([1, undefined, 3]);
  });
});

describe('tenant screens', () => {
  it('lands on Activity with read:stats, else on the first screen the role may read', () => {
    expect(landingPath('acme', parseScopes('read:stats'))).toBe('/t/acme/activity');
    // Editor/Viewer – Users: Users; Viewer – Config: Applications; a role with logs only: Logs.
    expect(landingPath('acme', parseScopes('read:users read:roles read:logs'))).toBe('/t/acme/users');
    expect(landingPath('acme', parseScopes('read:clients read:resource_servers read:roles'))).toBe('/t/acme/applications');
    expect(landingPath('acme', parseScopes('read:roles read:logs'))).toBe('/t/acme/roles');
    expect(landingPath('acme', parseScopes('read:logs'))).toBe('/t/acme/logs');
    expect(landingPath('acme', parseScopes('read:tenant_settings'))).toBe('/t/acme/overview');
    expect(landingPath('acme', parseScopes(''))).toBe('/t/acme/overview');
    // Editor/Viewer – Users read connections for the user screens: they still land on Users.
    expect(landingPath('acme', parseScopes('read:connections read:users read:roles'))).toBe('/t/acme/users');
    expect(landingPath('acme', parseScopes('read:connections'))).toBe('/t/acme/overview');
    expect(landingPath('acme', parseScopes('read:branding read:attack_protection'))).toBe('/t/acme/branding');
    // The roles' real scope sets (dashboard-roles.ts): the Users roles read connections too, and still land on Users;
    // Editor – Connections lands on Applications (read:clients).
    expect(landingPath('acme', parseScopes('read:users read:users_app_metadata read:roles read:role_members read:logs read:logs_users read:connections'))).toBe('/t/acme/users');
    expect(landingPath('acme', parseScopes('read:connections create:connections update:connections delete:connections read:clients'))).toBe('/t/acme/applications');
  });

  it('lists only the screens a role may read', () => {
    expect(allowedScreens(parseScopes('read:stats')).map((s) => s.key)).toEqual(['activity', 'overview']);
    expect(allowedScreens(parseScopes('read:stats read:clients read:resource_servers read:users read:roles read:logs')).map((s) => s.key)).toEqual([
      'activity',
      'applications',
      'apis',
      'users',
      'roles',
      'logs',
      'overview',
    ]);
    const security = allowedScreens(parseScopes('read:connections read:branding read:attack_protection'));
    expect(security.map((s) => [s.label, s.path])).toEqual([
      ['Database', 'authentication/database'],
      ['Passwordless', 'authentication/passwordless'],
      ['Branding', 'branding'],
      ['Attack Protection', 'security/attack-protection'],
      ['Overview', 'overview'],
    ]);
    expect(allowedScreens(parseScopes('read:clients read:connections')).map((s) => s.key)).toEqual(['applications', 'database', 'passwordless', 'overview']);
  });

  it('gathers consecutive screens of one group under its heading', () => {
    const sections = navSections(allowedScreens(parseScopes('read:stats read:clients read:resource_servers read:connections read:users read:branding read:logs')));
    expect(sections.map((section) => [section.group ?? null, section.screens.map((s) => s.key)])).toEqual([
      [null, ['activity']],
      ['Applications', ['applications', 'apis']],
      ['Authentication', ['database', 'passwordless']],
      ['User Management', ['users']],
      [null, ['branding']],
      ['Monitoring', ['logs']],
      ['Tenant', ['overview']],
    ]);
  });
});

describe('log types', () => {
  it("describes Auth0's codes and passes unknown ones through", () => {
    expect(logTypeDescription('s')).toBe('Success Login');
    expect(logTypeDescription('fp')).toBe('Failed Login (Incorrect Password)');
    expect(logTypeDescription('zz')).toBe('zz');
  });
});
