/**
 * RFC 5322's mailbox as people write it in settings: a bare `address`, or `Name <address>` with the
 * name optionally quoted. One parser for every place that reads one (SMTP_FROM, the SMTP envelope,
 * a passwordless connection's `email.from`); whether the address is a valid one is the caller's check.
 */
export interface Mailbox {
  /** The display name without surrounding quotes; empty for a bare address. */
  name: string;
  address: string;
}

/** The two parts of `text`, or undefined when it ends with `>` but has no `<`. */
export function parseMailbox(text: string): Mailbox | undefined {
  const trimmed = text.trim();
  if (!trimmed.endsWith('>')) return { name: '', address: trimmed };
  const open = trimmed.lastIndexOf('<');
  if (open === -1) return undefined;
  let name = trimmed.slice(0, open).trim();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  return { name, address: trimmed.slice(open + 1, -1).trim() };
}
