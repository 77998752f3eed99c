/**
 * Database connections' password rules (Auth0 "Password Strength" and "Password Options"), as
 * pure functions of a connection's `options`. Messages are Auth0's, e.g.
 * `PasswordStrengthError: Password is too weak`. Password history needs the stored hashes and is
 * checked by the user service.
 */
import { COMMON_PASSWORDS } from './common-passwords.js';

export const PASSWORD_POLICIES = ['none', 'low', 'fair', 'good', 'excellent'] as const;
export type PasswordPolicy = (typeof PASSWORD_POLICIES)[number];

/** bcrypt reads at most 72 bytes; a longer password would silently match on its first 72. */
export const MAX_PASSWORD_BYTES = 72;

export interface PasswordRules {
  policy: PasswordPolicy;
  minLength: number;
  history?: { size: number };
  noPersonalInfo: boolean;
  dictionary?: { entries: string[] };
}

/** The personal information a password must not contain when `password_no_personal_info` is on. */
export interface PersonalInfo {
  email?: string | null;
  username?: string | null;
  name?: string | null;
  nickname?: string | null;
  given_name?: string | null;
  family_name?: string | null;
  user_metadata?: Record<string, unknown>;
}

export const PASSWORD_ERRORS = {
  weak: 'PasswordStrengthError: Password is too weak',
  tooLong: `PasswordStrengthError: Password is too long (at most ${MAX_PASSWORD_BYTES} bytes)`,
  common: 'PasswordDictionaryError: Password is too common',
  personal: 'PasswordNoUserInfoError: Password is based on user information',
  reused: 'PasswordHistoryError: Password has previously been used',
} as const;

/** Minimum length of each policy level (docs: password strength). */
const LEVEL_MIN_LENGTH: Record<PasswordPolicy, number> = { none: 1, low: 6, fair: 8, good: 8, excellent: 10 };
const DEFAULT_HISTORY_SIZE = 5;

export const CHARACTER_CLASSES = [/[a-z]/, /[A-Z]/, /[0-9]/, /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/];

/** Reads the password rules from a database connection's options. */
export function passwordRulesOf(options: Record<string, unknown>): PasswordRules {
  const policy = PASSWORD_POLICIES.includes(options.passwordPolicy as PasswordPolicy) ? (options.passwordPolicy as PasswordPolicy) : 'none';
  const complexity = asObject(options.password_complexity_options);
  const history = asObject(options.password_history);
  const dictionary = asObject(options.password_dictionary);
  const personal = asObject(options.password_no_personal_info);
  const rules: PasswordRules = {
    policy,
    minLength: typeof complexity?.min_length === 'number' ? complexity.min_length : LEVEL_MIN_LENGTH[policy],
    noPersonalInfo: personal?.enable === true,
  };
  if (history?.enable === true) rules.history = { size: typeof history.size === 'number' ? history.size : DEFAULT_HISTORY_SIZE };
  if (dictionary?.enable === true) {
    rules.dictionary = { entries: Array.isArray(dictionary.dictionary) ? dictionary.dictionary.filter((e): e is string => typeof e === 'string') : [] };
  }
  return rules;
}

/** The Auth0 error message for a password that breaks the rules, or undefined when it is acceptable. */
export function passwordProblem(password: string, rules: PasswordRules, personal: PersonalInfo = {}): string | undefined {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return PASSWORD_ERRORS.tooLong;
  if (!meetsStrength(password, rules)) return PASSWORD_ERRORS.weak;
  if (rules.dictionary && isCommon(password, rules.dictionary.entries)) return PASSWORD_ERRORS.common;
  if (rules.noPersonalInfo && containsPersonalInfo(password, personal)) return PASSWORD_ERRORS.personal;
  return undefined;
}

export function meetsStrength(password: string, rules: Pick<PasswordRules, 'policy' | 'minLength'>): boolean {
  // Length in characters (code points), as users count them.
  if ([...password].length < rules.minLength) return false;
  const classes = CHARACTER_CLASSES.filter((re) => re.test(password)).length;
  switch (rules.policy) {
    case 'none':
    case 'low':
      return true;
    case 'fair':
      return CHARACTER_CLASSES.slice(0, 3).every((re) => re.test(password));
    case 'good':
      return classes >= 3;
    case 'excellent':
      return classes >= 3 && !/(.)\1\1/u.test(password);
  }
}

function isCommon(password: string, custom: string[]): boolean {
  const lower = password.toLowerCase();
  return COMMON_PASSWORDS.has(lower) || custom.some((entry) => entry.toLowerCase() === lower);
}

/** Values shorter than 3 characters are ignored: nearly every password would "contain" them. */
function containsPersonalInfo(password: string, info: PersonalInfo): boolean {
  const lower = password.toLowerCase();
  const metadata = info.user_metadata ?? {};
  const values = [
    info.username,
    info.name,
    info.nickname,
    info.given_name,
    info.family_name,
    info.email?.split('@')[0],
    metadata.name,
    metadata.first,
    metadata.last,
  ];
  const candidates = new Set<string>();
  for (const value of values) {
    if (typeof value !== 'string') continue;
    candidates.add(value.toLowerCase());
    for (const part of value.toLowerCase().split(/\s+/)) candidates.add(part);
  }
  return [...candidates].some((candidate) => candidate.length >= 3 && lower.includes(candidate));
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
