/** Constant-time client secret comparison. */
import { createHash, timingSafeEqual } from 'node:crypto';

const storedDigests = new Map<string, Buffer>();

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Hashing both sides first gives equal-length inputs, so neither the comparison nor an early
 * length check leaks how much of the secret matched or how long it is. The stored secret's digest
 * is memoised (bounded): it is compared on every token request.
 */
export function secretsMatch(presented: string, stored: string): boolean {
  let expected = storedDigests.get(stored);
  if (!expected) {
    if (storedDigests.size >= 10_000) storedDigests.clear();
    storedDigests.set(stored, (expected = digest(stored)));
  }
  return timingSafeEqual(digest(presented), expected);
}
