/**
 * The transports used in production (`NODE_ENV=production`) when no provider is configured: the
 * development outbox would keep live links (password reset tickets) readable through the
 * Management API, so nothing is stored and every send fails visibly instead.
 */
import { unavailable } from '../errors.js';
import type { EmailMessage, EmailSender } from './email.js';
import { SmsDeliveryError, type SmsMessage, type SmsSender } from './sms.js';

export const NO_EMAIL_PROVIDER = 'No email provider is configured on this server (set SMTP_URL); the email was not sent.';
export const NO_SMS_PROVIDER = 'No SMS provider is configured on this server (set SMS_TWILIO_*); the message was not sent.';

export class UnconfiguredEmailSender implements EmailSender {
  readonly kind = 'none';

  async send(_tenantId: string, _message: EmailMessage): Promise<void> {
    throw unavailable(NO_EMAIL_PROVIDER, 'email_provider_not_configured');
  }

  async close(): Promise<void> {}
}

/** An SmsDeliveryError, so the passwordless endpoints answer and log it as any provider failure. */
export class UnconfiguredSmsSender implements SmsSender {
  readonly kind = 'none';

  async send(_tenantId: string, _message: SmsMessage): Promise<void> {
    throw new SmsDeliveryError(NO_SMS_PROVIDER);
  }
}
