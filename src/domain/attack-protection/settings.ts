/**
 * The three attack protection configurations as the Management API shows them
 * (`/api/v2/attack-protection/{brute-force-protection,suspicious-ip-throttling,breached-password-detection}`),
 * their defaults for a tenant that never changed them (Auth0's for a new tenant), and how a PATCH
 * applies: top-level fields replace, `stage` merges stage by stage and field by field.
 */
import { invalid } from '../errors.js';
import { invalidAllowlistEntry } from './ip-allowlist.js';

export const BRUTE_FORCE_SHIELDS = ['block', 'user_notification'] as const;
export const BRUTE_FORCE_MODES = ['count_per_identifier_and_ip', 'count_per_identifier'] as const;
export const SUSPICIOUS_IP_SHIELDS = ['block', 'admin_notification'] as const;
export const BREACHED_PASSWORD_SHIELDS = ['block', 'user_notification', 'admin_notification'] as const;
export const BREACHED_PASSWORD_STAGE_SHIELDS = ['block', 'admin_notification'] as const;
export const ADMIN_NOTIFICATION_FREQUENCIES = ['immediately', 'daily', 'weekly', 'monthly'] as const;
export const BREACHED_PASSWORD_METHODS = ['standard', 'enhanced'] as const;

/** Limits of Auth0's schemas. */
export const LIMITS = {
  bruteForceMaxAttempts: { min: 1, max: 100 },
  preLogin: { maxAttempts: { min: 1, max: 2500 }, rate: { min: 34_560, max: 86_400_000 } },
  preUserRegistration: { maxAttempts: { min: 1, max: 72_000 }, rate: { min: 1_200, max: 86_400_000 } },
  allowlistSize: 100,
} as const;

export interface BruteForceProtection {
  enabled: boolean;
  shields: Array<(typeof BRUTE_FORCE_SHIELDS)[number]>;
  mode: (typeof BRUTE_FORCE_MODES)[number];
  allowlist: string[];
  max_attempts: number;
}

export interface ThrottlingStage {
  max_attempts: number;
  /** Milliseconds after which one more attempt is granted. */
  rate: number;
}

export interface SuspiciousIpThrottling {
  enabled: boolean;
  shields: Array<(typeof SUSPICIOUS_IP_SHIELDS)[number]>;
  allowlist: string[];
  stage: { 'pre-login': ThrottlingStage; 'pre-user-registration': ThrottlingStage };
}

export type BreachedStageShield = (typeof BREACHED_PASSWORD_STAGE_SHIELDS)[number];

export interface BreachedPasswordDetection {
  enabled: boolean;
  shields: Array<(typeof BREACHED_PASSWORD_SHIELDS)[number]>;
  admin_notification_frequency: Array<(typeof ADMIN_NOTIFICATION_FREQUENCIES)[number]>;
  method: (typeof BREACHED_PASSWORD_METHODS)[number];
  stage: { 'pre-user-registration': { shields: BreachedStageShield[] }; 'pre-change-password': { shields: BreachedStageShield[] } };
}

export interface AttackProtectionSettings {
  brute_force_protection: BruteForceProtection;
  suspicious_ip_throttling: SuspiciousIpThrottling;
  breached_password_detection: BreachedPasswordDetection;
}

export type AttackProtectionFeature = keyof AttackProtectionSettings;

/**
 * A new tenant's settings: brute-force protection and suspicious IP throttling are on (Auth0 turns
 * both on for every new tenant), breached password detection is off until an administrator turns
 * it on (on Auth0 it is a paid feature, off by default).
 */
export function defaultAttackProtectionSettings(): AttackProtectionSettings {
  return {
    brute_force_protection: { enabled: true, shields: ['block', 'user_notification'], mode: 'count_per_identifier_and_ip', allowlist: [], max_attempts: 10 },
    suspicious_ip_throttling: {
      enabled: true,
      shields: ['admin_notification', 'block'],
      allowlist: [],
      stage: { 'pre-login': { max_attempts: 100, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 1_728_000 } },
    },
    breached_password_detection: {
      enabled: false,
      shields: [],
      admin_notification_frequency: [],
      method: 'standard',
      stage: { 'pre-user-registration': { shields: [] }, 'pre-change-password': { shields: [] } },
    },
  };
}

/**
 * The effective settings from what is stored: stored values over the defaults, so fields added
 * in a later version get their default without a migration.
 */
export function resolveSettings(stored: Partial<Record<AttackProtectionFeature, Record<string, unknown>>> | undefined): AttackProtectionSettings {
  const defaults = defaultAttackProtectionSettings();
  if (!stored) return defaults;
  return {
    brute_force_protection: mergeFeature(defaults.brute_force_protection, stored.brute_force_protection),
    suspicious_ip_throttling: mergeFeature(defaults.suspicious_ip_throttling, stored.suspicious_ip_throttling),
    breached_password_detection: mergeFeature(defaults.breached_password_detection, stored.breached_password_detection),
  };
}

/** Applies a (schema-valid) PATCH body to one feature; returns a new object. */
export function applyFeaturePatch<T extends AttackProtectionSettings[AttackProtectionFeature]>(current: T, patch: Record<string, unknown>): T {
  const next = mergeFeature(current, patch);
  const record = next as unknown as Record<string, unknown>;
  for (const field of ['shields', 'admin_notification_frequency'] as const) {
    if (Array.isArray(record[field])) record[field] = unique(record[field] as string[]);
  }
  const stage = record.stage as Record<string, Record<string, unknown>> | undefined;
  for (const value of Object.values(stage ?? {})) if (Array.isArray(value.shields)) value.shields = unique(value.shields as string[]);
  if (Array.isArray(record.allowlist)) {
    const allowlist = record.allowlist as string[];
    const bad = invalidAllowlistEntry(allowlist);
    if (bad) throw invalid(`Payload validation error: 'allowlist[${bad.index}]' ("${bad.entry}") is not an IPv4/IPv6 address or CIDR range.`);
    record.allowlist = unique(allowlist);
  }
  return next;
}

/** `patch` over `base`: objects merge (recursively, for `stage`), everything else replaces. */
function mergeFeature<T>(base: T, patch: Record<string, unknown> | undefined): T {
  const result = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch ?? {})) {
    const existing = result[key];
    if (isPlainObject(value) && isPlainObject(existing)) result[key] = mergeFeature(existing, value);
    else result[key] = structuredClone(value);
  }
  return result as T;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const unique = <T>(values: T[]): T[] => [...new Set(values)];
