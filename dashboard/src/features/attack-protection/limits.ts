/**
 * The Management API's bounds on attack protection numbers (Auth0's, as
 * src/domain/attack-protection/settings.ts LIMITS declares them), for the form's inputs, and the
 * throttle rate in words. No DOM: unit-tested in test/unit/dashboard-security.test.ts.
 */
export const LIMITS = {
  bruteForceMaxAttempts: { min: 1, max: 100 },
  preLogin: { maxAttempts: { min: 1, max: 2500 }, rate: { min: 34_560, max: 86_400_000 } },
  preUserRegistration: { maxAttempts: { min: 1, max: 72_000 }, rate: { min: 1_200, max: 86_400_000 } },
} as const;

const DAY_MS = 86_400_000;

/** A throttle rate (milliseconds per granted attempt) as attempts a day, e.g. 864000 → "100". */
export function attemptsPerDay(rateMs: number): string {
  if (!Number.isFinite(rateMs) || rateMs <= 0) return '—';
  const perDay = DAY_MS / rateMs;
  return Number.isInteger(perDay) ? perDay.toLocaleString('en') : perDay.toLocaleString('en', { maximumFractionDigits: 1 });
}
