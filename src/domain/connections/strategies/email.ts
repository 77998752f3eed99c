/**
 * `email`: passwordless login by a one-time code or a magic link sent to an email address (the
 * connection's Liquid template and sender, `options.email`). The first correct code creates the user.
 */
import { invalid } from '../../errors.js';
import { normalizeEmail } from '../../passwordless/identifiers.js';
import { DEFAULT_EMAIL_FROM, emailFromProblem } from '../../passwordless/sender.js';
import { UNSUPPORTED_EMAIL_CONNECTION_OPTIONS, refuseUnsupportedSettings } from '../../unsupported-settings.js';
import type { ConnectionOptions } from '../connection.js';
import type { LoginStrategy, OptionsContext } from './login-strategy.js';
import { passwordlessIdentifierRule } from './identifier-rules.js';
import { PASSWORDLESS_OTP_GRANT, checkTemplate, totpOptions } from './passwordless-options.js';
import { objectOr } from './objects.js';

const DEFAULT_EMAIL = {
  // The server's own sender (SMTP_FROM) until the tenant chooses one (passwordless/sender.ts).
  from: DEFAULT_EMAIL_FROM,
  subject: 'Welcome to {{ application.name }}',
  syntax: 'liquid',
  body: '<html><body><p>Your verification code is: <strong>{{ code }}</strong></p><p>It expires in {{ code_expiration }} minutes.</p></body></html>',
};

export const emailStrategy = {
  name: 'email',
  kind: 'passwordless',
  identityProvider: 'email',
  isSocial: false,
  holdsPasswords: false,
  grants: [PASSWORDLESS_OTP_GRANT],
  amr: 'otp',
  verificationEmailOnCreate: false,
  options: ['email', 'totp', 'disable_signup', 'brute_force_protection'],
  buildOptions: (connectionName: string, input: ConnectionOptions, context: OptionsContext): ConnectionOptions => {
    refuseUnsupportedSettings(UNSUPPORTED_EMAIL_CONNECTION_OPTIONS, input, 'options.');
    const email = { ...DEFAULT_EMAIL, ...(objectOr(input.email) ?? {}) };
    // The From of every code and link email (passwordless-service.ts): refused unless it can be honoured.
    const fromProblem = typeof email.from === 'string' ? emailFromProblem(email.from, context.senderPolicy) : undefined;
    if (fromProblem) throw invalid(`Payload validation error: options.email.from ${fromProblem}.`);
    checkTemplate('options.email.subject', email.subject);
    checkTemplate('options.email.body', email.body);
    return { name: connectionName, disable_signup: false, brute_force_protection: true, ...input, email, totp: totpOptions(input) };
  },
  checkUserIdentifiers: passwordlessIdentifierRule('email', 'email'),
  passwordless: {
    channel: 'email',
    identifierField: 'email',
    verifiedField: 'email_verified',
    defaultSend: 'link',
    sendsLinks: true,
    normalize: normalizeEmail,
    wrongCodeDescription: 'Wrong email or verification code.',
  },
} as const satisfies LoginStrategy;
