/** The code base's one email check (finding 3 of issue 11): the usual cases, and linear on hostile input. */
import { describe, expect, it } from 'vitest';
import { EMAIL_MAX_LENGTH, isEmailAddress, normalizeEmailAddress } from '../../src/domain/validation/email.js';

describe('isEmailAddress', () => {
  it('finding 3: accepts ordinary, tagged, dotted and internationalized addresses', () => {
    for (const email of ['jane@example.com', 'JANE.DOE@Example.COM', 'jane+news@mail.example.co.uk', "o'brien@example.org", 'a_b-c@x-y.example', 'jürgen@münchen.de', 'x@a.io']) {
      expect(isEmailAddress(email), email).toBe(true);
    }
  });

  it('finding 3: refuses what is not one address', () => {
    for (const email of ['', '@', 'jane', 'jane@', '@example.com', 'jane@example', 'jane@@example.com', 'a@b@example.com', 'jane doe@example.com', 'jane@exa mple.com', 'jane@.example.com', 'jane@example..com', 'jane@example.com.', 'jane@-example.com', 'jane@example-.com', '.jane@example.com', 'jane.@example.com', 'ja..ne@example.com', '<script>alert(1)</script>@example.com', '"jane"@example.com', 'jane@example.com\n', 'jane\u0000@example.com', 'jane@exa_mple.com', 'jane@example.com>']) {
      expect(isEmailAddress(email), JSON.stringify(email)).toBe(false);
    }
    expect(isEmailAddress(42)).toBe(false);
    expect(isEmailAddress(undefined)).toBe(false);
  });

  it('finding 3: refuses invisible and reordering characters (bidi overrides, zero-width, lone surrogates) that let one address pass for another', () => {
    for (const email of ['evil\u202egnp.exe@example.com', 'ja\u200dne@example.com', 'jane\u200b@example.com', 'ja\u00adne@example.com', 'jane@exam\u2060ple.com', 'a\ud800@example.com', 'jane\u3000@example.com']) {
      expect(isEmailAddress(email), JSON.stringify(email)).toBe(false);
    }
    // Astral characters (a surrogate pair) are still one ordinary international character.
    expect(isEmailAddress('\u{1F600}@example.com')).toBe(true);
  });

  it('finding 3: caps the length at 254 characters (64 for the local part, 63 per label)', () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.com`;
    const longest = `${'a'.repeat(EMAIL_MAX_LENGTH - domain.length - 1)}@${domain}`;
    expect(longest.length).toBe(254);
    expect(isEmailAddress(`${'a'.repeat(64)}@example.com`)).toBe(true);
    expect(isEmailAddress(`${'a'.repeat(65)}@example.com`)).toBe(false);
    expect(isEmailAddress(`${'a'.repeat(60)}@${'b'.repeat(64)}.com`)).toBe(false);
    expect(isEmailAddress(longest)).toBe(true);
    expect(isEmailAddress(`a${longest}`)).toBe(false);
  });

  it('finding 3: refuses an 80 KB hostile address (no backtracking regex to feed)', () => {
    const hostile = `${'a'.repeat(40_000)}@${'a.'.repeat(20_000)}`;
    expect(isEmailAddress(hostile)).toBe(false);
    expect(normalizeEmailAddress(` ${'x'.repeat(80_000)}@example.com `)).toBeUndefined();
  });

  it('normalizes to the trimmed, lower-case form users are stored under', () => {
    expect(normalizeEmailAddress('  Jane@Example.COM ')).toBe('jane@example.com');
    expect(normalizeEmailAddress('not an address')).toBeUndefined();
  });
});
