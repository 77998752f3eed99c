/** Picks the email transport: SMTP when configured, otherwise the development outbox. */
import type { Storage } from '../../storage/storage.js';
import type { EmailSender } from './email.js';
import { OutboxSender } from './outbox-sender.js';
import { SmtpSender } from './smtp-sender.js';

export type { EmailMessage, EmailSender } from './email.js';

export function createEmailSender(storage: Storage, smtp: { url: string; from: string } | undefined): EmailSender {
  return smtp ? new SmtpSender(smtp.url, smtp.from) : new OutboxSender(storage);
}
