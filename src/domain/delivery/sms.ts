/**
 * Outgoing text messages (passwordless SMS codes). Pluggable like email: the development outbox in
 * the database by default (listed by `GET /api/v2/tessera/outbox` with `channel: "sms"`), or a
 * Twilio-compatible HTTP API when `SMS_TWILIO_*` is configured.
 */
import type { Storage } from '../../storage/storage.js';
import { newOutboxId } from './outbox-sender.js';

export interface SmsMessage {
  /** E.164 phone number. */
  to: string;
  body: string;
}

export interface SmsSender {
  readonly kind: 'outbox' | 'twilio' | 'none';
  /** Rejects with SmsDeliveryError when the provider refuses the message. */
  send(tenantId: string, message: SmsMessage): Promise<void>;
}

/** The provider refused the message; `code` is the provider's own error code when it gave one. */
export class SmsDeliveryError extends Error {
  constructor(
    message: string,
    readonly code?: string | number,
  ) {
    super(message);
  }
}

export class OutboxSmsSender implements SmsSender {
  readonly kind = 'outbox';

  constructor(private readonly storage: Storage) {}

  async send(tenantId: string, message: SmsMessage): Promise<void> {
    const now = Date.now();
    await this.storage.repos.devOutbox.insert({
      tenantId,
      id: newOutboxId(now),
      channel: 'sms',
      to: message.to,
      from: '',
      subject: '',
      text: message.body,
      html: '',
      createdAt: new Date(now).toISOString(),
    });
  }
}

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** Sender number (E.164) or messaging service SID (`MG...`). */
  from: string;
  /** API base, `https://api.twilio.com` unless a compatible service is used. */
  baseUrl: string;
}

/** Twilio's Messages API (and compatible services): form POST with HTTP Basic credentials. */
export class TwilioSmsSender implements SmsSender {
  readonly kind = 'twilio';

  constructor(private readonly config: TwilioConfig) {}

  async send(_tenantId: string, message: SmsMessage): Promise<void> {
    const { accountSid, authToken, from, baseUrl } = this.config;
    const body = new URLSearchParams({ To: message.to, Body: message.body });
    body.set(from.startsWith('MG') ? 'MessagingServiceSid' : 'From', from);
    const url = `${baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new SmsDeliveryError(`The SMS provider could not be reached: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.ok) return;
    const problem = (await response.json().catch(() => ({}))) as { message?: unknown; code?: unknown };
    const code = typeof problem.code === 'number' || typeof problem.code === 'string' ? problem.code : undefined;
    throw new SmsDeliveryError(typeof problem.message === 'string' ? problem.message : `The SMS provider answered ${response.status}`, code);
  }
}
