/**
 * Finding 8 (review 5): HS256 signing keys were cached under the plaintext secret, without bound,
 * so every rotated signing_secret stayed in memory for the life of the process. Now one entry per
 * API holds its current secret only, in a bounded cache.
 */
import { describe, expect, it } from 'vitest';
import { hs256KeyFor } from '../../src/domain/tokens/access-token.js';

describe('finding 8: HS256 signing keys in memory', () => {
  it('finding 8 (review 5): a rotated secret replaces the API\'s cached key, and the cache is bounded', () => {
    const first = hs256KeyFor({ id: 'api-rotating', signing_secret: 'secret-one' });
    expect(hs256KeyFor({ id: 'api-rotating', signing_secret: 'secret-one' })).toBe(first);

    const rotated = hs256KeyFor({ id: 'api-rotating', signing_secret: 'secret-two' });
    expect(rotated).not.toBe(first);
    expect((rotated.key as Buffer).toString()).toBe('secret-two');
    // The old secret's key is no longer held: asking for it again builds a new one.
    expect(hs256KeyFor({ id: 'api-rotating', signing_secret: 'secret-one' })).not.toBe(first);

    const early = hs256KeyFor({ id: 'api-0', signing_secret: 's-0' });
    for (let i = 1; i <= 1000; i++) hs256KeyFor({ id: `api-${i}`, signing_secret: `s-${i}` });
    expect(hs256KeyFor({ id: 'api-0', signing_secret: 's-0' })).not.toBe(early);
  });
});
