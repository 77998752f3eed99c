/** Constant-time client secret comparison. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Hashing both sides first gives equal-length inputs, so neither the comparison nor an early
 * length check leaks how much of the secret matched or how long it is.
 */
export function secretsMatch(presented: string, stored: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(stored).digest();
  return timingSafeEqual(a, b);
}
