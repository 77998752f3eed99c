/**
 * `sms`: passwordless login by a one-time code sent by text message to a phone number in E.164
 * form (the connection's `options.template`, `@@password@@` and Liquid whichever the `syntax`),
 * through the server's SMS provider. SMS carries codes only, never magic links.
 */
import { normalizePhoneNumber } from '../../passwordless/identifiers.js';
import type { ConnectionOptions } from '../connection.js';
import type { LoginStrategy } from './login-strategy.js';
import { passwordlessIdentifierRule } from './identifier-rules.js';
import { PASSWORDLESS_OTP_GRANT, checkTemplate, totpOptions } from './passwordless-options.js';
import { UNSUPPORTED_SMS_CONNECTION_OPTIONS, refuseUnsupportedSettings } from '../../unsupported-settings.js';

const DEFAULT_SMS_TEMPLATE = 'Your verification code is: @@password@@';

export const smsStrategy = {
  name: 'sms',
  kind: 'passwordless',
  identityProvider: 'sms',
  isSocial: false,
  holdsPasswords: false,
  grants: [PASSWORDLESS_OTP_GRANT],
  amr: 'otp',
  verificationEmailOnCreate: false,
  options: ['template', 'syntax', 'totp', 'disable_signup', 'brute_force_protection'],
  buildOptions: (connectionName: string, input: ConnectionOptions): ConnectionOptions => {
    // Messages go through the server's SMS provider: a connection's own Twilio account or gateway is refused.
    refuseUnsupportedSettings(UNSUPPORTED_SMS_CONNECTION_OPTIONS, input, 'options.');
    checkTemplate('options.template', input.template);
    return {
      name: connectionName,
      syntax: 'md_with_macros',
      template: DEFAULT_SMS_TEMPLATE,
      disable_signup: false,
      brute_force_protection: true,
      ...input,
      totp: totpOptions(input),
    };
  },
  checkUserIdentifiers: passwordlessIdentifierRule('sms', 'phone_number'),
  passwordless: {
    channel: 'sms',
    identifierField: 'phone_number',
    verifiedField: 'phone_verified',
    defaultSend: 'code',
    sendsLinks: false,
    normalize: normalizePhoneNumber,
    wrongCodeDescription: 'Wrong phone number or verification code.',
  },
} as const satisfies LoginStrategy;
