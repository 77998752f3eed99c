/** Comparing secrets without telling by the time taken how much of a guess was right. */
import { timingSafeEqual } from 'node:crypto';

/** Equal strings, compared in constant time; strings of different lengths differ at once (their length is not the secret). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
