/**
 * Picks the transports: SMTP / Twilio when configured, otherwise the development outbox, except in
 * production (`devOutbox: false`), where an unconfigured transport fails every send instead.
 */
import type { Storage } from '../../storage/storage.js';
import type { EmailSender } from './email.js';
import { OutboxSender } from './outbox-sender.js';
import { SmtpSender } from './smtp-sender.js';
import { OutboxSmsSender, TwilioSmsSender, type SmsSender, type TwilioConfig } from './sms.js';
import { UnconfiguredEmailSender, UnconfiguredSmsSender } from './unconfigured.js';

export type { EmailMessage, EmailSender } from './email.js';

export function createEmailSender(storage: Storage, smtp: { url: string; from: string } | undefined, devOutbox: boolean): EmailSender {
  if (smtp) return new SmtpSender(smtp.url, smtp.from);
  return devOutbox ? new OutboxSender(storage) : new UnconfiguredEmailSender();
}

export function createSmsSender(storage: Storage, twilio: TwilioConfig | undefined, devOutbox: boolean): SmsSender {
  if (twilio) return new TwilioSmsSender(twilio);
  return devOutbox ? new OutboxSmsSender(storage) : new UnconfiguredSmsSender();
}
