/**
 * Attempts at the control API's public routes that take a secret (the setup link, invitation
 * tickets): counted per client address (IPv6 by /64) and per route, at most `perMinute` a minute,
 * in the same store as the Authentication API's rate limits (Redis when configured, so the count
 * holds across instances). Tickets are 256-bit, so this is against floods, not guessing. There is
 * no bucket shared by all addresses: anyone with enough addresses could fill it and lock every real
 * invitee (or the installer) out, and a refused ticket costs no more than any other 404.
 *
 * Quotas bound what an account may make the platform do in an hour (tenant creations): counted in
 * hour-long windows of their own store.
 */
import type { FastifyRequest } from 'fastify';
import { ManagementApiError } from '../http/errors.js';
// The same bucket as the Authentication API's rate limits and attack protection's counters (IPv6 by /64).
import { addressBucket } from '../domain/attack-protection/address-bucket.js';

export interface AttemptLimiter {
  /** Counts one attempt for the key; the number counted in the current minute, this one included. */
  hit(key: string): { count: number; resetAt: number } | Promise<{ count: number; resetAt: number }>;
}

export const ATTEMPTS_PER_MINUTE = 10;

/** Counts one attempt per client address (and per `subject`, e.g. an account, when given: its own bucket too). */
export async function countAttempt(limiter: AttemptLimiter, request: FastifyRequest, route: string, perMinute = ATTEMPTS_PER_MINUTE, subject?: string): Promise<void> {
  if (subject !== undefined) checkHit(await limiter.hit(`control:${route}:subject:${subject}`), perMinute);
  checkHit(await limiter.hit(`control:${route}:${addressBucket(request.ip)}`), perMinute);
}

/**
 * Counts one use of an hourly quota (`quotas` has hour-long windows), e.g. `tenant-create` per
 * account; over `perHour` it is 429 with the quota's own message.
 */
export async function countQuota(quotas: AttemptLimiter, quota: string, subject: string, perHour: number, message: string): Promise<void> {
  const hit = await quotas.hit(`control-quota:${quota}:${subject}`);
  if (hit.count > perHour) throw new ManagementApiError(429, message, 'too_many_requests', retryAfter(hit.resetAt));
}

function checkHit(hit: { count: number; resetAt: number }, perMinute: number): void {
  if (hit.count > perMinute) throw new ManagementApiError(429, 'Too many attempts; try again in a minute.', 'too_many_attempts', retryAfter(hit.resetAt));
}

function retryAfter(resetAt: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))) };
}
