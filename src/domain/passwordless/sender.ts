/**
 * The From of a passwordless email: the connection's `options.email.from`, `Name <address>` or a
 * bare address. Auth0 renders Liquid in it; here Liquid is rendered in the name only (typically
 * `{{ application.name }}`), and the address must be written out, so that what the Management API
 * accepted is a deliverable sender whatever the variables hold. The default template (Auth0's
 * `{{ application.name }} <no-reply@{{ tenant.domain }}>`), or an empty one, means the server's own
 * sender (`SMTP_FROM`): a tenant that never chose a sender keeps using the operator's.
 */
import type { EmailAddress } from '../delivery/email.js';
import { isEmailAddress } from '../validation/email.js';
import { renderTemplate, type TemplateVariables } from './templates.js';

export const DEFAULT_EMAIL_FROM = '{{ application.name }} <no-reply@{{ tenant.domain }}>';

const LIQUID = /\{\{|\{%/;
const usesServerSender = (template: string): boolean => template.trim() === '' || template === DEFAULT_EMAIL_FROM;

/** `Name <address>` → its two parts (the name without surrounding quotes); a bare address has an empty name. */
function partsOf(template: string): { name: string; address: string } | undefined {
  const text = template.trim();
  if (!text.endsWith('>')) return { name: '', address: text };
  const open = text.lastIndexOf('<');
  if (open === -1) return undefined;
  let name = text.slice(0, open).trim();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  return { name, address: text.slice(open + 1, -1).trim() };
}

/** Why `options.email.from` cannot be honoured as a sender; undefined when it can. */
export function emailFromProblem(template: string): string | undefined {
  if (usesServerSender(template)) return undefined;
  if (/[\r\n]/.test(template)) return 'must be on one line';
  const parts = partsOf(template);
  if (!parts) return 'must be an email address or "Name <address>"';
  if (LIQUID.test(parts.address)) return 'may use Liquid in the name only: write the address out (e.g. "{{ application.name }} <login@example.com>")';
  if (!isEmailAddress(parts.address)) return 'must be an email address or "Name <address>"';
  return undefined;
}

/**
 * The sender of one email, or undefined for the server's own. A value stored before it was checked
 * (see emailFromProblem) and that cannot be honoured also gets the server's sender.
 */
export function renderEmailFrom(template: unknown, variables: TemplateVariables): EmailAddress | undefined {
  if (typeof template !== 'string' || usesServerSender(template) || emailFromProblem(template) !== undefined) return undefined;
  const parts = partsOf(template)!;
  const name = renderTemplate(parts.name, variables, 'text').replace(/[\r\n]+/g, ' ').trim();
  return { name, address: parts.address };
}
