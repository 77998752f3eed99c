/**
 * `auth0`: the database connection. Users are stored here with a bcrypt password under the
 * connection's password policy, found by email (or username, when the connection requires one),
 * and log in with the password grants, the hosted login page and `/co/authenticate`.
 */
import { invalid } from '../../errors.js';
import { usernameProblem } from '../../users/user.js';
import type { ConnectionOptions } from '../connection.js';
import type { IdentifierCheck, LoginStrategy, UserIdentifiers } from './login-strategy.js';
import { payloadError, requireIdentifier, usernameNotAllowed } from './identifier-rules.js';
import { objectOr } from './objects.js';
import { UNSUPPORTED_DATABASE_CONNECTION_OPTIONS, refuseUnsupportedSettings } from '../../unsupported-settings.js';

export const DEFAULT_PASSWORD_POLICY = 'good';

export const databaseStrategy = {
  name: 'auth0',
  kind: 'database',
  identityProvider: 'auth0',
  isSocial: false,
  holdsPasswords: true,
  grants: ['password', 'http://auth0.com/oauth/grant-type/password-realm'],
  amr: 'pwd',
  verificationEmailOnCreate: true,
  options: [
    'passwordPolicy',
    'password_complexity_options',
    'password_history',
    'password_no_personal_info',
    'password_dictionary',
    'requires_username',
    'validation',
    'disable_signup',
    'brute_force_protection',
    'disable_self_service_change_password',
  ],
  buildOptions: (_connectionName: string, input: ConnectionOptions) => databaseOptions(input),
  checkUserIdentifiers,
} as const satisfies LoginStrategy;

function databaseOptions(input: ConnectionOptions): ConnectionOptions {
  refuseUnsupportedSettings(UNSUPPORTED_DATABASE_CONNECTION_OPTIONS, input, 'options.');
  const options: ConnectionOptions = { ...input };
  if (options.passwordPolicy === undefined) options.passwordPolicy = DEFAULT_PASSWORD_POLICY;
  if (options.brute_force_protection === undefined) options.brute_force_protection = true;
  // Auth0's default, written out as Auth0's Deploy CLI writes it into every database it imports, so
  // exports of two tenants compare equal whichever way their connections were made.
  if (options.disable_self_service_change_password === undefined) options.disable_self_service_change_password = false;

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

/** An email always; a username exactly when the connection requires one (and then within its rules). */
function checkUserIdentifiers(options: ConnectionOptions, ids: UserIdentifiers, check: IdentifierCheck): void {
  requireIdentifier(ids, 'email', check, 'database');
  if (options.requires_username === true) {
    if (ids.username === null) throw payloadError(check.operation === 'create' ? "'Missing required property: username'" : "'username' is required by this connection");
    const problem = usernameProblem(ids.username, options);
    if (problem && check.usernameGiven) throw payloadError(problem);
  } else if (check.usernameGiven && ids.username !== null) {
    throw usernameNotAllowed();
  }
}
