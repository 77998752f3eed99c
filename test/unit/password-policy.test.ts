import { describe, expect, it } from 'vitest';
import { PASSWORD_ERRORS, meetsStrength, passwordProblem, passwordRulesOf } from '../../src/domain/users/password-policy.js';

describe('password strength levels (docs: password strength)', () => {
  const rules = (passwordPolicy: string, extra: Record<string, unknown> = {}) => passwordRulesOf({ passwordPolicy, ...extra });

  it.each([
    ['none', 'a', true],
    ['none', '', false],
    ['low', 'abcdef', true],
    ['low', 'abcde', false],
    ['fair', 'abcDEF12', true], // lower, upper and digit
    ['fair', 'abcdef1!', false], // no upper case
    ['fair', 'abcDE12', false], // 7 characters
    ['good', 'abcdef1!', true], // 3 of 4 classes
    ['good', 'ABCDEF1!', true],
    ['good', 'abcdefg1', false], // 2 classes
    ['excellent', 'abcdefgh1!', true],
    ['excellent', 'abcdefg1!', false], // 9 characters
    ['excellent', 'abcdeff f1!', true], // two identical in a row are fine
    ['excellent', 'abcdefff1!', false], // three are not
  ])('%s: %j → %s', (policy, password, ok) => {
    expect(meetsStrength(password, rules(policy))).toBe(ok);
  });

  it('lets min_length replace the level minimum and counts characters, not bytes', () => {
    expect(meetsStrength('abc', rules('none', { password_complexity_options: { min_length: 4 } }))).toBe(false);
    expect(meetsStrength('abcD1!', rules('good', { password_complexity_options: { min_length: 6 } }))).toBe(true);
    expect(meetsStrength('éééé', rules('none', { password_complexity_options: { min_length: 4 } }))).toBe(true);
  });

  it('treats a missing or null policy as none', () => {
    expect(passwordRulesOf({}).policy).toBe('none');
    expect(passwordRulesOf({ passwordPolicy: null }).minLength).toBe(1);
  });
});

describe('password problems and their Auth0 messages', () => {
  it('refuses passwords longer than bcrypt reads (72 bytes)', () => {
    const rules = passwordRulesOf({ passwordPolicy: 'none' });
    expect(passwordProblem('a'.repeat(72), rules)).toBeUndefined();
    expect(passwordProblem('a'.repeat(73), rules)).toBe(PASSWORD_ERRORS.tooLong);
    expect(passwordProblem('é'.repeat(37), rules)).toBe(PASSWORD_ERRORS.tooLong); // 74 bytes
  });

  it('checks the built-in and custom dictionaries case-insensitively when enabled', () => {
    const on = passwordRulesOf({ passwordPolicy: 'low', password_dictionary: { enable: true, dictionary: ['Hunter22'] } });
    expect(passwordProblem('PASSWORD123', on)).toBe('PasswordDictionaryError: Password is too common');
    expect(passwordProblem('hunter22', on)).toBe('PasswordDictionaryError: Password is too common');
    expect(passwordProblem('unusual-phrase', on)).toBeUndefined();
    expect(passwordProblem('password123', passwordRulesOf({ passwordPolicy: 'low' }))).toBeUndefined();
  });

  it('refuses personal information when enabled', () => {
    const on = passwordRulesOf({ passwordPolicy: 'low', password_no_personal_info: { enable: true } });
    const info = { email: 'jsmith@example.com', name: 'Jane Smith', username: 'jane_s', user_metadata: { first: 'Janet' } };
    for (const password of ['jsmith-2024', 'SMITHsmith', 'i-am-jane_s', 'janet-rocks']) {
      expect(passwordProblem(password, on, info)).toBe('PasswordNoUserInfoError: Password is based on user information');
    }
    expect(passwordProblem('correct horse', on, info)).toBeUndefined();
    // Parts shorter than three characters do not count.
    expect(passwordProblem('alpha-bravo', on, { name: 'Al B' })).toBeUndefined();
  });

  it('reads history settings with Auth0 defaults', () => {
    expect(passwordRulesOf({ password_history: { enable: true } }).history).toEqual({ size: 5 });
    expect(passwordRulesOf({ password_history: { enable: true, size: 2 } }).history).toEqual({ size: 2 });
    expect(passwordRulesOf({ password_history: { enable: false, size: 2 } }).history).toBeUndefined();
  });
});
