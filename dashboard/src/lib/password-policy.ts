/**
 * A database connection's password rules as the dashboard edits them: Auth0's five strength levels
 * with their descriptions, and the `options` fields Tessera enforces (src/domain/users/password-policy.ts):
 * `passwordPolicy`, `password_complexity_options.min_length`, `password_history`,
 * `password_dictionary`, `password_no_personal_info`. No DOM: unit-tested in
 * test/unit/dashboard-authentication.test.ts.
 *
 * The Management API replaces `options` whole on PATCH (unspecified options fall back to their
 * defaults), so every change is written over the connection's current options, never alone.
 */
export const PASSWORD_POLICY_LEVELS = [
  { value: 'none', label: 'None', minLength: 1, description: 'Minimum 1 character of any type.' },
  { value: 'low', label: 'Low', minLength: 6, description: 'Minimum 6 characters of any type.' },
  { value: 'fair', label: 'Fair', minLength: 8, description: 'Minimum 8 characters including a lower-case letter, an upper-case letter, and a number.' },
  {
    value: 'good',
    label: 'Good',
    minLength: 8,
    description: 'Minimum 8 characters including at least 3 of the following 4 types of characters: a lower-case letter, an upper-case letter, a number, a special character (such as !@#$%^&*).',
  },
  {
    value: 'excellent',
    label: 'Excellent',
    minLength: 10,
    description:
      'Minimum 10 characters including at least 3 of the following 4 types of characters: a lower-case letter, an upper-case letter, a number, a special character (such as !@#$%^&*). Not more than 2 identical characters in a row (such as 111 is not allowed).',
  },
] as const;

export type PasswordPolicyLevel = (typeof PASSWORD_POLICY_LEVELS)[number]['value'];

/** What the Management API accepts (src/management-api/connections.ts). */
export const MIN_LENGTH_RANGE = { min: 1, max: 72 } as const;
export const HISTORY_SIZE_RANGE = { min: 1, max: 24 } as const;
export const DEFAULT_HISTORY_SIZE = 5;
export const DICTIONARY_LIMITS = { entries: 200, entryLength: 50 } as const;

export interface PasswordPolicyForm {
  level: PasswordPolicyLevel;
  /** Empty: the level's own minimum. */
  minLength: number | '';
  history: boolean;
  historySize: number;
  dictionary: boolean;
  /** One entry a line. */
  dictionaryEntries: string;
  noPersonalInfo: boolean;
}

type Options = Record<string, unknown>;

const asObject = (value: unknown): Options | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Options) : undefined);

export function levelOf(value: unknown): PasswordPolicyLevel {
  return PASSWORD_POLICY_LEVELS.find((level) => level.value === value)?.value ?? 'none';
}

export function levelMinLength(level: PasswordPolicyLevel): number {
  return PASSWORD_POLICY_LEVELS.find((l) => l.value === level)!.minLength;
}

/** The form's values read from a connection's options (Tessera's defaults where absent). */
export function passwordPolicyForm(options: Options | undefined): PasswordPolicyForm {
  const o = options ?? {};
  const complexity = asObject(o.password_complexity_options);
  const history = asObject(o.password_history);
  const dictionary = asObject(o.password_dictionary);
  return {
    level: levelOf(o.passwordPolicy),
    minLength: typeof complexity?.min_length === 'number' ? complexity.min_length : '',
    history: history?.enable === true,
    historySize: typeof history?.size === 'number' ? history.size : DEFAULT_HISTORY_SIZE,
    dictionary: dictionary?.enable === true,
    dictionaryEntries: Array.isArray(dictionary?.dictionary) ? (dictionary.dictionary as unknown[]).filter((e) => typeof e === 'string').join('\n') : '',
    noPersonalInfo: asObject(o.password_no_personal_info)?.enable === true,
  };
}

export function dictionaryEntries(text: string): string[] {
  return [...new Set(text.split('\n').map((line) => line.trim()).filter(Boolean))];
}

/** The first problem of the form, phrased for its field, or undefined. */
export function passwordPolicyProblem(form: PasswordPolicyForm): { field: keyof PasswordPolicyForm; message: string } | undefined {
  if (form.minLength !== '' && (!Number.isInteger(form.minLength) || form.minLength < MIN_LENGTH_RANGE.min || form.minLength > MIN_LENGTH_RANGE.max)) {
    return { field: 'minLength', message: `Enter a whole number from ${MIN_LENGTH_RANGE.min} to ${MIN_LENGTH_RANGE.max}, or leave it empty.` };
  }
  if (form.history && (!Number.isInteger(form.historySize) || form.historySize < HISTORY_SIZE_RANGE.min || form.historySize > HISTORY_SIZE_RANGE.max)) {
    return { field: 'historySize', message: `Enter a whole number from ${HISTORY_SIZE_RANGE.min} to ${HISTORY_SIZE_RANGE.max}.` };
  }
  const entries = dictionaryEntries(form.dictionaryEntries);
  if (entries.length > DICTIONARY_LIMITS.entries) return { field: 'dictionaryEntries', message: `At most ${DICTIONARY_LIMITS.entries} entries.` };
  const long = entries.find((entry) => entry.length > DICTIONARY_LIMITS.entryLength);
  if (long) return { field: 'dictionaryEntries', message: `Entries have at most ${DICTIONARY_LIMITS.entryLength} characters ("${long.slice(0, 20)}…").` };
  return undefined;
}

/** The connection's options with the form's password rules written over them. */
export function withPasswordPolicy(options: Options | undefined, form: PasswordPolicyForm): Options {
  const next: Options = { ...(options ?? {}), passwordPolicy: form.level };
  if (form.minLength === '') delete next.password_complexity_options;
  else next.password_complexity_options = { min_length: form.minLength };
  next.password_history = form.history ? { enable: true, size: form.historySize } : { enable: false };
  next.password_dictionary = form.dictionary ? { enable: true, dictionary: dictionaryEntries(form.dictionaryEntries) } : { enable: false };
  next.password_no_personal_info = { enable: form.noPersonalInfo };
  return next;
}

/** The database connection settings of the Settings tab that Tessera acts on. */
export interface DatabaseSettingsForm {
  requiresUsername: boolean;
  usernameMin: number;
  usernameMax: number;
  disableSignup: boolean;
  disableSelfServiceChangePassword: boolean;
  bruteForceProtection: boolean;
}

/** Auth0's default username length (src/domain/users/user.ts). */
export const DEFAULT_USERNAME_LENGTH = { min: 1, max: 15 } as const;
export const USERNAME_LENGTH_RANGE = { min: 1, max: 128 } as const;

export function databaseSettingsForm(options: Options | undefined): DatabaseSettingsForm {
  const o = options ?? {};
  const username = asObject(asObject(o.validation)?.username);
  return {
    requiresUsername: o.requires_username === true,
    usernameMin: typeof username?.min === 'number' ? username.min : DEFAULT_USERNAME_LENGTH.min,
    usernameMax: typeof username?.max === 'number' ? username.max : DEFAULT_USERNAME_LENGTH.max,
    disableSignup: o.disable_signup === true,
    disableSelfServiceChangePassword: o.disable_self_service_change_password === true,
    // On unless turned off: Tessera creates database connections with it on.
    bruteForceProtection: o.brute_force_protection !== false,
  };
}

export function databaseSettingsProblem(form: DatabaseSettingsForm): { field: keyof DatabaseSettingsForm; message: string } | undefined {
  if (!form.requiresUsername) return undefined;
  const { min, max } = USERNAME_LENGTH_RANGE;
  for (const field of ['usernameMin', 'usernameMax'] as const) {
    const value = form[field];
    if (!Number.isInteger(value) || value < min || value > max) return { field, message: `Enter a whole number from ${min} to ${max}.` };
  }
  if (form.usernameMin > form.usernameMax) return { field: 'usernameMax', message: 'The maximum must not be less than the minimum.' };
  return undefined;
}

export function withDatabaseSettings(options: Options | undefined, form: DatabaseSettingsForm): Options {
  const next: Options = {
    ...(options ?? {}),
    requires_username: form.requiresUsername,
    disable_signup: form.disableSignup,
    disable_self_service_change_password: form.disableSelfServiceChangePassword,
    brute_force_protection: form.bruteForceProtection,
  };
  if (form.requiresUsername) next.validation = { ...(asObject(next.validation) ?? {}), username: { min: form.usernameMin, max: form.usernameMax } };
  return next;
}
