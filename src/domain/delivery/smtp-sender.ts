/** Email over SMTP with nodemailer: one pooled transport per process, from the `SMTP_URL`. */
import nodemailer, { type Transporter } from 'nodemailer';
import { parseMailbox } from '../../util/mailbox.js';
import type { EmailMessage, EmailSender } from './email.js';

export class SmtpSender implements EmailSender {
  readonly kind = 'smtp';
  private readonly transport: Transporter;
  /** The address part of SMTP_FROM (`Name <address>` or a bare address). */
  private readonly envelopeFrom: string;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // The URL carries host, port, credentials and `smtps:` for TLS from the start; STARTTLS is
    // used whenever the server offers it. Pooling keeps one connection warm instead of one per email.
    this.transport = nodemailer.createTransport({ pool: true, url });
    this.envelopeFrom = parseMailbox(from)?.address ?? from.trim();
  }

  async send(_tenantId: string, message: EmailMessage): Promise<void> {
    // nodemailer encodes an address object's name itself (quoting, RFC 2047 for non-ASCII). The
    // envelope sender stays the server's whatever the From: bounces go to the operator, and the
    // relay's SPF covers it.
    const envelope = { from: this.envelopeFrom, to: message.to };
    await this.transport.sendMail({ from: message.from ?? this.from, to: message.to, envelope, subject: message.subject, text: message.text, html: message.html });
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
