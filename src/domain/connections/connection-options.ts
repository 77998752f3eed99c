/**
 * A connection's `options`: Auth0's defaults per strategy and the rules the JSON schema cannot
 * express. Options are replaced whole on update (as Auth0 documents), so the defaults are applied
 * to every new options object, not only at creation.
 */
import { invalid } from '../errors.js';
import type { ConnectionOptions, Strategy } from './connection.js';

export const DEFAULT_PASSWORD_POLICY = 'good';
/** Passwordless one-time codes: 6 digits, valid 180 seconds. */
export const DEFAULT_TOTP = { time_step: 180, length: 6 };

const DEFAULT_EMAIL = {
  from: '{{ application.name }} <no-reply@{{ tenant.domain }}>',
  subject: 'Welcome to {{ application.name }}',
  syntax: 'liquid',
  body: '<html><body><p>Your verification code is: <strong>{{ code }}</strong></p><p>It expires in {{ code_expiration }} minutes.</p></body></html>',
};
const DEFAULT_SMS_TEMPLATE = 'Your verification code is: @@password@@';

export function buildOptions(strategy: Strategy, connectionName: string, input: ConnectionOptions = {}): ConnectionOptions {
  switch (strategy) {
    case 'auth0':
      return databaseOptions(input);
    case 'email':
      return {
        name: connectionName,
        disable_signup: false,
        brute_force_protection: true,
        ...input,
        email: { ...DEFAULT_EMAIL, ...(objectOr(input.email) ?? {}) },
        totp: { ...DEFAULT_TOTP, ...(objectOr(input.totp) ?? {}) },
      };
    case 'sms':
      return {
        name: connectionName,
        syntax: 'md_with_macros',
        template: DEFAULT_SMS_TEMPLATE,
        disable_signup: false,
        brute_force_protection: true,
        ...input,
        totp: { ...DEFAULT_TOTP, ...(objectOr(input.totp) ?? {}) },
      };
  }
}

function databaseOptions(input: ConnectionOptions): ConnectionOptions {
  const options: ConnectionOptions = { ...input };
  if (options.passwordPolicy === undefined) options.passwordPolicy = DEFAULT_PASSWORD_POLICY;
  if (options.brute_force_protection === undefined) options.brute_force_protection = true;

  const username = objectOr(objectOr(options.validation)?.username);
  if (username && typeof username.min === 'number' && typeof username.max === 'number' && username.min > username.max) {
    throw invalid('Payload validation error: options.validation.username.min must not be greater than options.validation.username.max.');
  }
  const dictionary = objectOr(options.password_dictionary)?.dictionary;
  if (Array.isArray(dictionary) && dictionary.length > 200) {
    throw invalid('Payload validation error: options.password_dictionary.dictionary must have at most 200 entries.');
  }
  return options;
}

const objectOr = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
