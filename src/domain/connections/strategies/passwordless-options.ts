/** What the passwordless strategies (email.ts, sms.ts) share: their one-time code settings. */
import type { ConnectionOptions } from '../connection.js';
import { objectOr } from './objects.js';

/** Passwordless one-time codes: 6 digits, valid 180 seconds. */
export const DEFAULT_TOTP = { time_step: 180, length: 6 };

/** The grant that redeems a passwordless code (also `/co/authenticate`'s credential type). */
export const PASSWORDLESS_OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';

/** `options.totp` with Auth0's defaults for what it leaves out. */
export const totpOptions = (input: ConnectionOptions): ConnectionOptions => ({ ...DEFAULT_TOTP, ...(objectOr(input.totp) ?? {}) });
