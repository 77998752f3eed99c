/**
 * What a passwordless code is sent to: an email address (email connections) or a phone number in
 * E.164 form (sms connections); each passwordless strategy names its normalizer (connections/strategies/).
 * Codes are stored and users are found under the normalized form, so `Ada@Example.com` and
 * `ada@example.com`, or `+1 415-555-0100` and `+14155550100`, are one identity.
 */
import { normalizeEmailAddress } from '../validation/email.js';

/** E.164: a plus, a country code that does not start with 0, up to 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/** The code base's one email check (`domain/validation/email.ts`), trimmed and lower-cased. */
export function normalizeEmail(value: string): string | undefined {
  return normalizeEmailAddress(value);
}

/** Spaces, dashes, dots and parentheses are formatting; what remains must be E.164. */
export function normalizePhoneNumber(value: string): string | undefined {
  const phone = value.trim().replace(/[\s\-().]/g, '');
  return E164.test(phone) ? phone : undefined;
}
