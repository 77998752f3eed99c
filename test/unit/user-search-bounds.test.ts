/** Issue 11, finding 14: the user search's nesting and size are bounded like the log search's. */
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_DEPTH, MAX_QUERY_TERMS, parseUserQuery } from '../../src/domain/users/user-search.js';

describe('user search bounds', () => {
  it('finding 14: ~600 nested NOTs are refused with a clear message instead of reaching the database', () => {
    for (const q of [`${'NOT '.repeat(450)}email:a`, `${'-'.repeat(600)}email:a`, `${'!'.repeat(600)}email:a`, `${'('.repeat(600)}email:a${')'.repeat(600)}`]) {
      expect(() => parseUserQuery(q)).toThrow(`nested deeper than ${MAX_QUERY_DEPTH} levels`);
    }
  });

  it(`finding 14: up to ${MAX_QUERY_DEPTH} levels still parse, and at most ${MAX_QUERY_TERMS} terms`, () => {
    expect(parseUserQuery(`${'NOT '.repeat(MAX_QUERY_DEPTH)}email:a`)).toBeDefined();
    expect(parseUserQuery(`${'('.repeat(MAX_QUERY_DEPTH - 1)}NOT email:a${')'.repeat(MAX_QUERY_DEPTH - 1)}`)).toBeDefined();
    expect(() => parseUserQuery(`${'NOT '.repeat(MAX_QUERY_DEPTH + 1)}email:a`)).toThrow('nested deeper');
    expect(parseUserQuery(Array.from({ length: MAX_QUERY_TERMS }, (_, i) => `name:a${i}`).join(' OR '))).toBeDefined();
    expect(() => parseUserQuery(Array.from({ length: MAX_QUERY_TERMS + 1 }, () => 'a').join(' '))).toThrow(`more than ${MAX_QUERY_TERMS} terms`);
  });
});
