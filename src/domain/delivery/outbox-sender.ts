/**
 * The development outbox: instead of being sent, each email is stored for its tenant. Meant for
 * development and tests only: the stored messages contain live links (password reset tickets), so
 * a production deployment sets `SMTP_URL`.
 */
import { randomBytes } from 'node:crypto';
import type { Storage } from '../../storage/storage.js';
import { formatAddress, type EmailMessage, type EmailSender } from './email.js';
import { normalizePhoneNumber } from '../passwordless/identifiers.js';

/** Time first, so ids sort in the order the messages were stored; then 96 random bits. */
export const newOutboxId = (at: number): string => `msg_${at.toString(16).padStart(12, '0')}${randomBytes(12).toString('hex')}`;

export class OutboxSender implements EmailSender {
  readonly kind = 'outbox';

  constructor(private readonly storage: Storage) {}

  async send(tenantId: string, message: EmailMessage): Promise<void> {
    const now = Date.now();
    await this.storage.repos.devOutbox.insert({
      tenantId,
      id: newOutboxId(now),
      channel: 'email',
      to: message.to.toLowerCase(),
      from: message.from ? formatAddress(message.from) : '',
      subject: message.subject,
      text: message.text,
      html: message.html,
      createdAt: new Date(now).toISOString(),
    });
  }

  async close(): Promise<void> {}
}

export interface OutboxMessage {
  id: string;
  /** `email`, or `sms` (a text message: `to` is the phone number, the message is in `text`). */
  channel: 'email' | 'sms';
  to: string;
  /** The From when it is not the server's own sender (a passwordless connection's `options.email.from`); empty otherwise. */
  from: string;
  subject: string;
  text: string;
  html: string;
  created_at: string;
}

/**
 * The stored messages of a tenant, newest first, optionally only those to one address or phone
 * number (formatting such as spaces in a number is ignored) or of one channel.
 */
export async function readOutbox(
  storage: Storage,
  tenantId: string,
  filter: { to?: string | undefined; channel?: 'email' | 'sms' | undefined },
  page: { offset: number; limit: number },
): Promise<{ items: OutboxMessage[]; total: number }> {
  const to = filter.to === undefined ? undefined : filter.to.includes('@') ? filter.to.toLowerCase() : (normalizePhoneNumber(filter.to) ?? filter.to);
  const { items, total } = await storage.repos.devOutbox.list(tenantId, { ...(to !== undefined ? { to } : {}), ...(filter.channel ? { channel: filter.channel } : {}) }, page);
  return { items: items.map((m) => ({ id: m.id, channel: m.channel, to: m.to, from: m.from, subject: m.subject, text: m.text, html: m.html, created_at: m.createdAt })), total };
}
