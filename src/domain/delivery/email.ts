/**
 * Outgoing email. Two transports: SMTP through nodemailer when `SMTP_URL` is configured, otherwise
 * the development outbox in the database (readable through `GET /api/v2/tessera/outbox`), so a
 * fresh install can run every email flow without a mail server.
 */
/** A sender: a display name (possibly empty) and an address. */
export interface EmailAddress {
  name: string;
  address: string;
}

/** `Name <address>` with the name quoted (RFC 5322 quoted-string), or the bare address when it has no name. */
export const formatAddress = (from: EmailAddress): string => (from.name ? `"${from.name.replace(/["\\]/g, '\\$&')}" <${from.address}>` : from.address);

export interface EmailMessage {
  to: string;
  /** The From when it is not the server's own sender (`SMTP_FROM`): a passwordless connection's `options.email.from`. */
  from?: EmailAddress;
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
