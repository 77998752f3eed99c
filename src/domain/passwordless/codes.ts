/**
 * Passwordless one-time codes: numeric, of the connection's `totp.length` digits, valid for its
 * `totp.time_step` seconds, usable once and only by the application it was sent for, and dead
 * after MAX_FAILED_ATTEMPTS wrong guesses. Only an HMAC of the code is stored (see `digestOf`),
 * so a read of the database yields no usable code.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Storage } from '../../storage/storage.js';
import type { Connection } from '../connections/connection.js';
import { DEFAULT_TOTP } from '../connections/strategies/passwordless-options.js';
import { isoAt, systemClock, type Clock } from '../clock.js';
import type { BackgroundTasks } from '../background-tasks.js';

/** Wrong guesses a code survives; the next redemption fails even with the right code. */
export const MAX_FAILED_ATTEMPTS = 3;
/** Share of issued codes that also sweep long-expired codes (of every tenant) out of the table. */
const PRUNE_PROBABILITY = 0.01;
/**
 * How long an expired code is kept before a sweep deletes it: a late attempt meanwhile is told the
 * code expired (and to start again) rather than that it is wrong.
 */
export const EXPIRED_CODE_RETENTION_MS = 3600 * 1000;

/** The Management API's bounds on `options.totp`, applied again in case of older stored options. */
const LENGTH = { min: 4, max: 10 };
const LIFETIME = { min: 30, max: 86_400 };

export type Redemption = 'ok' | 'wrong' | 'expired' | 'exhausted' | 'unknown';

export interface IssuedCode {
  code: string;
  /** Seconds the code is valid for. */
  lifetime: number;
}

/** `options.totp` of an email or sms connection, with defaults and bounds applied. */
export function totpOf(connection: Connection): { length: number; timeStep: number } {
  const totp = (connection.options.totp ?? {}) as { length?: unknown; time_step?: unknown };
  const clamp = (value: unknown, fallback: number, bounds: { min: number; max: number }) =>
    typeof value === 'number' && Number.isInteger(value) ? Math.min(bounds.max, Math.max(bounds.min, value)) : fallback;
  return { length: clamp(totp.length, DEFAULT_TOTP.length, LENGTH), timeStep: clamp(totp.time_step, DEFAULT_TOTP.time_step, LIFETIME) };
}

/**
 * The stored form of a code: HMAC-SHA256, keyed with a subkey of the master encryption key
 * (crypto/subkeys.ts), over the issued code's random id and the code. A salted hash with the salt in
 * the same row gave a 6-digit code back to anyone who read the row, in a million hashes; without
 * the key, the row alone gives nothing to test guesses against. The id still makes digests of the
 * same code differ between issues.
 *
 * Codes issued before the HMAC (salted SHA-256) simply stop matching at the upgrade: they live
 * minutes (a day at most), and a user caught by it asks for a new one.
 */
const digestOf = (key: Uint8Array, id: string, code: string): Buffer => createHmac('sha256', key).update(`${id}:${code}`).digest();

/** Uniformly random digits (randomInt has no modulo bias). */
const randomDigits = (length: number): string => Array.from({ length }, () => randomInt(10)).join('');

export interface PasswordlessCodesDeps {
  /** The HMAC key of stored codes: `deriveSubkey(masterKey, 'passwordlessCodes')`. */
  codeKey: Uint8Array;
  /** Runs the occasional prune off the request path (domain/background-tasks.ts). */
  background: Pick<BackgroundTasks, 'run'>;
  /** Decides when an issue also sweeps expired codes; tests replace it to sweep deterministically. */
  random?: () => number;
  /** Decides when a code expires (default: the system clock). */
  clock?: Clock;
}

export class PasswordlessCodes {
  private readonly clock: Clock;

  constructor(
    private readonly storage: Storage,
    private readonly deps: PasswordlessCodesDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  /** A new code for `identifier`, replacing any earlier one (which stops working at once). */
  async issue(tenantId: string, connection: Connection, identifier: string, clientId: string): Promise<IssuedCode> {
    const { length, timeStep } = totpOf(connection);
    const code = randomDigits(length);
    const id = randomBytes(16).toString('base64url');
    const now = this.clock.now();
    await this.storage.repos.passwordlessCodes.replace({
      tenantId,
      connectionId: connection.id,
      identifier,
      id,
      clientId,
      codeHash: digestOf(this.deps.codeKey, id, code).toString('base64url'),
      failedAttempts: 0,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + timeStep * 1000).toISOString(),
      consumedAt: null,
    });
    // Codes are replaced per address, but the rows of addresses never used again would stay
    // forever: now and then, a sweep after an issue (off the request path) deletes them.
    if ((this.deps.random ?? Math.random)() < PRUNE_PROBABILITY) this.deps.background.run(() => this.pruneExpired());
    return { code, lifetime: timeStep };
  }

  /** Deletes the codes, of every tenant, that expired more than EXPIRED_CODE_RETENTION_MS ago. */
  async pruneExpired(now = this.clock.now()): Promise<void> {
    await this.storage.repos.passwordlessCodes.deleteExpired(new Date(now - EXPIRED_CODE_RETENTION_MS).toISOString());
  }

  /**
   * Redeems `otp` for `identifier` once, by the application it was issued to. The comparison is
   * constant-time; a wrong guess is counted against the live code, and the right code is refused
   * once it is used, expired or exhausted.
   */
  async redeem(tenantId: string, connectionId: string, identifier: string, clientId: string, otp: string): Promise<Redemption> {
    const repo = this.storage.repos.passwordlessCodes;
    const record = await repo.find(tenantId, connectionId, identifier);
    if (!record || record.consumedAt !== null) return 'unknown';
    const now = isoAt(this.clock);
    if (record.expiresAt <= now) return 'expired';
    if (record.failedAttempts >= MAX_FAILED_ATTEMPTS) return 'exhausted';
    const expected = Buffer.from(record.codeHash, 'base64url');
    // A stored value of another length (a damaged row) is a mismatch; timingSafeEqual would throw.
    const presented = digestOf(this.deps.codeKey, record.id, otp.trim());
    const matches = presented.length === expected.length && timingSafeEqual(presented, expected);
    // A code is good only for the application it was sent for: presented by another one, it is
    // a wrong guess and counts as one (a code phished through one app cannot log in to another).
    if (!matches || record.clientId !== clientId) {
      await repo.recordFailure(tenantId, connectionId, identifier, record.id);
      return 'wrong';
    }
    // Conditional on the same state we just read: a concurrent redemption or failure wins the race.
    return (await repo.consume(tenantId, connectionId, identifier, record.id, now, MAX_FAILED_ATTEMPTS)) ? 'ok' : 'unknown';
  }
}
