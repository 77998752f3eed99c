/**
 * The From of a passwordless email: the connection's `options.email.from`, `Name <address>` or a
 * bare address. Auth0 renders Liquid in it; here Liquid is rendered in the name only (typically
 * `{{ application.name }}`), and the address must be written out, so that what the Management API
 * accepted is a deliverable sender whatever the variables hold. The server's own sender (`SMTP_FROM`)
 * is used for an empty template, Tessera's default (`{{ application.name }} <no-reply@{{ tenant.domain }}>`)
 * and any address at auth0.com (Auth0's default `{{ application.name }} <root@auth0.com>`, in every
 * tenant exported from Auth0: Auth0 itself replaces it with its own sender).
 *
 * The operator decides which domains a tenant may send from through the server's relay
 * (`SMTP_ALLOWED_FROM_DOMAINS`, by default SMTP_FROM's domain): on a shared server a tenant must not
 * send as another organisation. Without a relay (the dev outbox) nothing leaves the machine, so any
 * domain is accepted.
 */
import type { EmailAddress } from '../delivery/email.js';
import { isEmailAddress } from '../validation/email.js';
import { renderTemplate, unsupportedLiquid, type TemplateVariables } from './templates.js';
import { parseMailbox } from '../../util/mailbox.js';

export const DEFAULT_EMAIL_FROM = '{{ application.name }} <no-reply@{{ tenant.domain }}>';

/** Which From domains the server's email delivery lets a tenant use. */
export interface SenderPolicy {
  allowedFromDomains: readonly string[] | '*';
}

/** Any domain: the dev outbox sends nothing. */
export const ANY_SENDER: SenderPolicy = { allowedFromDomains: '*' };

export const senderPolicyOf = (smtp: { allowedFromDomains: readonly string[] | '*' } | undefined): SenderPolicy =>
  smtp ? { allowedFromDomains: smtp.allowedFromDomains } : ANY_SENDER;

const LIQUID = /\{\{|\{%/;
/** `{{x}}` and `{{  x  }}` are `{{ x }}`, runs of spaces one: a default written with other spacing is still the default. */
const normalized = (template: string): string =>
  template
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\{\{ ?([^{}]*?) ?\}\}/g, '{{ $1 }}');
const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
const isAuth0Address = (address: string): boolean => /(^|\.)auth0\.com$/.test(domainOf(address));

function usesServerSender(template: string): boolean {
  if (template.trim() === '' || normalized(template) === DEFAULT_EMAIL_FROM) return true;
  const address = parseMailbox(template)?.address;
  return address !== undefined && isEmailAddress(address) && isAuth0Address(address);
}

const allowedBy = (policy: SenderPolicy, address: string): boolean => {
  if (policy.allowedFromDomains === '*') return true;
  const domain = domainOf(address);
  return policy.allowedFromDomains.some((allowed) => domain === allowed || domain.endsWith(`.${allowed}`));
};

/** Why `options.email.from` cannot be honoured as a sender; undefined when it can. */
export function emailFromProblem(template: string, policy: SenderPolicy): string | undefined {
  if (/[\r\n]/.test(template)) return 'must be on one line';
  const parts = parseMailbox(template);
  if (template.trim() !== '' && !parts) return 'must be an email address or "Name <address>"';
  const nameLiquid = parts ? unsupportedLiquid(parts.name) : undefined;
  if (nameLiquid) return `uses Liquid this server does not render in the name: ${nameLiquid}`;
  if (usesServerSender(template)) return undefined;
  if (LIQUID.test(parts!.address)) return 'may use Liquid in the name only: write the address out (e.g. "{{ application.name }} <login@example.com>")';
  if (!isEmailAddress(parts!.address)) return 'must be an email address or "Name <address>"';
  if (!allowedBy(policy, parts!.address)) {
    return `must be an address at a domain this server sends from (SMTP_ALLOWED_FROM_DOMAINS: ${(policy.allowedFromDomains as readonly string[]).join(', ')})`;
  }
  return undefined;
}

/**
 * The sender of one email, or undefined for the server's own. A value stored before it was checked
 * (see emailFromProblem), or whose domain the operator no longer allows, also gets the server's sender.
 */
export function renderEmailFrom(template: unknown, variables: TemplateVariables, policy: SenderPolicy): EmailAddress | undefined {
  if (typeof template !== 'string' || usesServerSender(template) || emailFromProblem(template, policy) !== undefined) return undefined;
  const parts = parseMailbox(template)!;
  const name = renderTemplate(parts.name, variables, 'text').replace(/[\r\n]+/g, ' ').trim();
  return { name, address: parts.address };
}
