/** What the passwordless strategies (email.ts, sms.ts) share: their one-time code settings, their template check. */
import { invalid } from '../../errors.js';
import { unsupportedLiquid } from '../../passwordless/templates.js';
import type { ConnectionOptions } from '../connection.js';
import { objectOr } from './objects.js';

/** Passwordless one-time codes: 6 digits, valid 180 seconds. */
export const DEFAULT_TOTP = { time_step: 180, length: 6 };

/** The grant that redeems a passwordless code (also `/co/authenticate`'s credential type). */
export const PASSWORDLESS_OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';

/** `options.totp` with Auth0's defaults for what it leaves out. */
export const totpOptions = (input: ConnectionOptions): ConnectionOptions => ({ ...DEFAULT_TOTP, ...(objectOr(input.totp) ?? {}) });

/**
 * A message template (`options.email.subject`, `.body`, `options.template`) must render whole: Liquid
 * this server does not implement would reach users as raw text, so it is refused, naming the field.
 */
export function checkTemplate(field: string, template: unknown): void {
  if (typeof template !== 'string') return;
  const construct = unsupportedLiquid(template);
  if (construct !== undefined) {
    throw invalid(
      `Payload validation error: ${field} uses Liquid this server does not render: ${JSON.stringify(construct)} (supported: {{ variable }}, and {% if %}, {% elsif %}, {% else %}, {% endif %} with == / != comparisons joined by or).`,
    );
  }
}
