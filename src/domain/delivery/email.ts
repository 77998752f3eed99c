/**
 * Outgoing email. Two transports: SMTP through nodemailer when `SMTP_URL` is configured, otherwise
 * the development outbox in the database (readable through `GET /api/v2/tessera/outbox`), so a
 * fresh install can run every email flow without a mail server.
 */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface EmailSender {
  /** Which transport this is, for logs and the outbox endpoint's documentation. */
  readonly kind: 'smtp' | 'outbox' | 'none';
  send(tenantId: string, message: EmailMessage): Promise<void>;
  close(): Promise<void>;
}
