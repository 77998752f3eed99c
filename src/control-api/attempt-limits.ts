/**
 * Attempts at the control API's public routes that take a secret (the setup link, invitation
 * tickets): counted per client address (IPv6 by /64) and per route, at most `perMinute` a minute,
 * in the same store as the Authentication API's rate limits (Redis when configured, so the count
 * holds across instances). Tickets are 256-bit, so this is against floods, not guessing.
 */
import type { FastifyRequest } from 'fastify';
import { ManagementApiError } from '../http/errors.js';

export interface AttemptLimiter {
  /** Counts one attempt for the key; the number counted in the current minute, this one included. */
  hit(key: string): { count: number; resetAt: number } | Promise<{ count: number; resetAt: number }>;
}

export const ATTEMPTS_PER_MINUTE = 10;

/**
 * The client address's bucket: an IPv6 address by its /64 (one host usually holds the whole /64),
 * after expanding `::`, so every address of a /64 lands in one bucket however it is written.
 */
export function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const address = ip.split('%')[0]!.toLowerCase();
  if (address.includes('.')) return address; // IPv4-mapped or -embedded: its own bucket
  const [head = '', tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, '') || '0')
    .join(':');
}

/** Counts one attempt per client address (and per `subject`, e.g. an account, when given: its own bucket too). */
export async function countAttempt(limiter: AttemptLimiter, request: FastifyRequest, route: string, perMinute = ATTEMPTS_PER_MINUTE, subject?: string): Promise<void> {
  if (subject !== undefined) await checkHit(await limiter.hit(`control:${route}:subject:${subject}`), perMinute);
  await checkHit(await limiter.hit(`control:${route}:${addressKey(request.ip)}`), perMinute);
}

function checkHit(hit: { count: number; resetAt: number }, perMinute: number): void {
  if (hit.count > perMinute) {
    throw new ManagementApiError(429, 'Too many attempts; try again in a minute.', 'too_many_attempts', { 'retry-after': String(Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000))) });
  }
}
