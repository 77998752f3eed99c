import { describe, expect, it } from 'vitest';
import { IpAllowlist, invalidAllowlistEntry, normalizeIp, parseAllowlistEntry } from '../../src/domain/attack-protection/ip-allowlist.js';
import { afterTaking, isEmpty, takeableUntil, type BucketLimits } from '../../src/domain/attack-protection/token-bucket.js';
import { isBreachedPassword } from '../../src/domain/attack-protection/breached-passwords.js';
import { BREACHED_PASSWORD_LIST } from '../../src/domain/attack-protection/breached-password-list.js';
import { applyFeaturePatch, defaultAttackProtectionSettings, resolveSettings } from '../../src/domain/attack-protection/settings.js';
import { DomainError } from '../../src/domain/errors.js';

describe('token bucket (suspicious IP throttling)', () => {
  const limits: BucketLimits = { maxAttempts: 3, rateMs: 1000 };

  /** Takes `n` tokens at `now` the way the repository does: only while the bucket is not empty. */
  function take(tat: number | undefined, now: number, n: number): number | undefined {
    let current = tat;
    for (let i = 0; i < n; i++) {
      if (current !== undefined && current > takeableUntil(now, limits)) break;
      current = afterTaking(current, now, limits);
    }
    return current;
  }

  it('starts full and empties after max_attempts takes in a burst', () => {
    expect(isEmpty(undefined, 0, limits)).toBe(false);
    expect(isEmpty(take(undefined, 0, 2), 0, limits)).toBe(false);
    expect(isEmpty(take(undefined, 0, 3), 0, limits)).toBe(true);
  });

  it('never lets an empty bucket be pushed further out', () => {
    const empty = take(undefined, 0, 3);
    expect(take(empty, 0, 10)).toBe(empty);
  });

  it('grants one attempt back every `rate` milliseconds, up to the capacity', () => {
    const empty = take(undefined, 0, 3)!;
    expect(isEmpty(empty, 999, limits)).toBe(true);
    // One token back after one interval: one attempt, then empty again.
    expect(isEmpty(empty, 1000, limits)).toBe(false);
    expect(isEmpty(take(empty, 1000, 1), 1000, limits)).toBe(true);
    // Two back after two intervals; never more than the capacity.
    expect(isEmpty(take(empty, 2000, 1), 2000, limits)).toBe(false);
    expect(isEmpty(take(empty, 2000, 2), 2000, limits)).toBe(true);
    expect(isEmpty(take(empty, 60_000, 3), 60_000, limits)).toBe(true);
    expect(isEmpty(take(empty, 60_000, 2), 60_000, limits)).toBe(false);
  });

  it('allows exactly max_attempts in any burst after a full refill', () => {
    const empty = take(undefined, 0, 3)!;
    const later = 10_000;
    expect(isEmpty(take(empty, later, 2), later, limits)).toBe(false);
    expect(isEmpty(take(empty, later, 3), later, limits)).toBe(true);
  });

  it('a bucket of one attempt an hour says yes once per hour (notification throttle)', () => {
    const hourly: BucketLimits = { maxAttempts: 1, rateMs: 3_600_000 };
    const first = afterTaking(undefined, 0, hourly);
    expect(first).toBe(3_600_000);
    expect(first <= takeableUntil(1000, hourly)).toBe(false);
    expect(first <= takeableUntil(3_600_000, hourly)).toBe(true);
  });
});

describe('allowlists (IPv4, IPv6, CIDR)', () => {
  it('parses addresses and ranges and refuses anything else', () => {
    expect(parseAllowlistEntry('10.0.0.1')).toEqual({ family: 'ipv4', address: '10.0.0.1' });
    expect(parseAllowlistEntry('10.0.0.0/8')).toEqual({ family: 'ipv4', address: '10.0.0.0', prefix: 8 });
    expect(parseAllowlistEntry('2001:db8::/32')).toEqual({ family: 'ipv6', address: '2001:db8::', prefix: 32 });
    expect(parseAllowlistEntry('::1')).toEqual({ family: 'ipv6', address: '::1' });
    for (const bad of ['', ' 10.0.0.1', '10.0.0.256', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/x', 'example.com', '10.0.0.0/8/8', 'fe80::1%eth0', 'fe80::%1/64']) {
      expect(parseAllowlistEntry(bad), bad).toBeUndefined();
    }
    expect(invalidAllowlistEntry(['10.0.0.1', '::1', 'nope'])).toEqual({ index: 2, entry: 'nope' });
    expect(invalidAllowlistEntry(['10.0.0.1'])).toBeUndefined();
  });

  it('matches addresses numerically, inside ranges, and IPv4 written as IPv6', () => {
    const list = new IpAllowlist(['192.0.2.7', '10.0.0.0/8', '2001:db8::/32']);
    expect(list.contains('192.0.2.7')).toBe(true);
    expect(list.contains('192.0.2.8')).toBe(false);
    expect(list.contains('10.255.3.4')).toBe(true);
    expect(list.contains('11.0.0.1')).toBe(false);
    expect(list.contains('::ffff:10.1.2.3')).toBe(true);
    expect(list.contains('2001:0db8:0000::abcd')).toBe(true);
    expect(list.contains('2001:db9::1')).toBe(false);
    expect(list.contains('not an ip')).toBe(false);
    expect(new IpAllowlist([]).contains('10.0.0.1')).toBe(false);
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('::1')).toBe('::1');
  });
});

describe('breached password list', () => {
  it('is sorted, de-duplicated and a few thousand entries long', () => {
    expect(BREACHED_PASSWORD_LIST.length).toBeGreaterThan(3000);
    expect(new Set(BREACHED_PASSWORD_LIST).size).toBe(BREACHED_PASSWORD_LIST.length);
    const sorted = [...BREACHED_PASSWORD_LIST].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(BREACHED_PASSWORD_LIST).toEqual(sorted);
  });

  it('finds listed passwords exactly and case-insensitively, and nothing else', () => {
    for (const password of ['123456', 'password1', 'qwerty', 'letmein', 'Password1', 'QWERTY', 'iloveyou']) expect(isBreachedPassword(password), password).toBe(true);
    for (const password of ['', 'Xk9#mTq2!vLp', 'correct horse battery staple 42', 'password1 ', 'qwerty!x9']) expect(isBreachedPassword(password), password).toBe(false);
  });
});

describe('attack protection settings', () => {
  it('fills what was never patched with the defaults', () => {
    expect(resolveSettings(undefined)).toEqual(defaultAttackProtectionSettings());
    const resolved = resolveSettings({ brute_force_protection: { max_attempts: 3 }, suspicious_ip_throttling: { stage: { 'pre-login': { max_attempts: 5 } } } });
    expect(resolved.brute_force_protection).toMatchObject({ enabled: true, max_attempts: 3, mode: 'count_per_identifier_and_ip' });
    expect(resolved.suspicious_ip_throttling.stage).toEqual({ 'pre-login': { max_attempts: 5, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 1_728_000 } });
  });

  it('replaces top-level fields, merges stages, de-duplicates lists and checks allowlist entries', () => {
    const defaults = defaultAttackProtectionSettings();
    const patched = applyFeaturePatch(defaults.suspicious_ip_throttling, { shields: ['block', 'block'], allowlist: ['10.0.0.0/8', '10.0.0.0/8'], stage: { 'pre-user-registration': { rate: 1200 } } });
    expect(patched).toEqual({
      enabled: true,
      shields: ['block'],
      allowlist: ['10.0.0.0/8'],
      stage: { 'pre-login': { max_attempts: 100, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 1200 } },
    });
    expect(defaults.suspicious_ip_throttling.shields).toEqual(['admin_notification', 'block']);
    let error: unknown;
    try {
      applyFeaturePatch(defaults.brute_force_protection, { allowlist: ['1.2.3.4', '1.2.3.4/40'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toContain("'allowlist[1]'");
  });
});
