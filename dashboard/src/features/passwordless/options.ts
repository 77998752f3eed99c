/**
 * The settings form of a passwordless connection and the `options` object it saves. The Management
 * API replaces `options` whole on PATCH (unspecified options fall back to their defaults), so the
 * saved object is the stored one with the form's fields written over it: options this screen does
 * not show are kept. No DOM: unit-tested in test/unit/dashboard-security.test.ts.
 */
import type { Connection, ConnectionOptions } from './connection-types.js';

/** The Management API's bounds on `options.totp` (src/management-api/connections.ts). */
export const OTP_LENGTH = { min: 4, max: 10 } as const;
export const OTP_LIFETIME = { min: 30, max: 86_400 } as const;
/** Tessera's defaults (domain/connections/strategies/passwordless-options.ts). */
export const OTP_DEFAULTS = { length: 6, time_step: 180 } as const;

export interface PasswordlessForm {
  /** Email: `options.email.from` (empty: the server's own sender), `.subject`, `.body`. */
  from: string;
  subject: string;
  body: string;
  /** SMS: `options.template`. */
  template: string;
  otpLength: number;
  otpLifetime: number;
  disableSignup: boolean;
  bruteForce: boolean;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const integer = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isInteger(value) ? value : fallback);

export function formOf(connection: Connection): PasswordlessForm {
  const options = (connection.options ?? {}) as Record<string, unknown>;
  const email = (options.email ?? {}) as Record<string, unknown>;
  const totp = (options.totp ?? {}) as Record<string, unknown>;
  return {
    from: text(email.from),
    subject: text(email.subject),
    body: text(email.body),
    template: text(options.template),
    otpLength: integer(totp.length, OTP_DEFAULTS.length),
    otpLifetime: integer(totp.time_step, OTP_DEFAULTS.time_step),
    disableSignup: options.disable_signup === true,
    // On unless turned off, as the strategies default it.
    bruteForce: options.brute_force_protection !== false,
  };
}

export function optionsOf(connection: Connection, form: PasswordlessForm): ConnectionOptions {
  const stored = (connection.options ?? {}) as Record<string, unknown>;
  const channel =
    connection.strategy === 'email'
      ? { email: { ...((stored.email ?? {}) as object), from: form.from.trim(), subject: form.subject, body: form.body } }
      : { template: form.template };
  return {
    ...stored,
    ...channel,
    totp: { ...((stored.totp ?? {}) as object), length: form.otpLength, time_step: form.otpLifetime },
    disable_signup: form.disableSignup,
    brute_force_protection: form.bruteForce,
  } as ConnectionOptions;
}

/** Whole minutes, as the `{{ code_expiration }}` template variable shows the lifetime. */
export function lifetimeMinutes(seconds: number): number {
  return Math.max(1, Math.round(seconds / 60));
}
