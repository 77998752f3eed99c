/**
 * The passwordless message templates of a connection (`options.email.{subject,body}` for email,
 * `options.template` for SMS), rendered the way Auth0 documents them: Liquid-style `{{ name }}`
 * variables (`code` or `password`, `link`, `application.name`, `code_expiration`, `send`, `email`,
 * `phone_number`, `tenant.domain`, `connection.name`), simple `{% if send == 'link' %}…{% elsif … %}
 * …{% else %}…{% endif %}` blocks, and the SMS macro `@@password@@`. Only this subset of Liquid is
 * supported: templates are written by tenant administrators, so evaluation must stay a string
 * substitution, never code, and the Management API refuses a template using anything else
 * (`unsupportedLiquid`) rather than send it half-rendered. The scanning is linear in the template's
 * length (see template-conditions.ts).
 */
import { alternativesOf, resolveConditions, unsupportedTag } from './template-conditions.js';

export { htmlToText } from './html-to-text.js';

export interface TemplateVariables {
  code: string;
  /** Auth0's other name for the code. */
  password: string;
  /** The magic link, when one is sent. */
  link?: string;
  send: 'link' | 'code';
  /** Minutes the code is valid for. */
  code_expiration: number;
  application: { name: string };
  tenant: { domain: string };
  connection: { name: string };
  email?: string;
  phone_number?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

function lookup(variables: TemplateVariables, path: string): string {
  let value: unknown = variables;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return '';
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** `send == 'link'`, `send != "code"`, `link` (truthy): the conditions Auth0's default templates use. */
function holds(condition: string, variables: TemplateVariables): boolean {
  return alternativesOf(condition).some((part) => {
    // Linear on any input: anchored, and no two neighbouring parts can trade characters except
    // `(.*)` with the closing quote.
    const comparison = /^([\w.]+)\s*(==|!=)\s*(['"])(.*)\3$/.exec(part.trim());
    if (!comparison) return lookup(variables, part.trim()) !== '';
    const equal = lookup(variables, comparison[1]!) === comparison[4];
    return comparison[2] === '==' ? equal : !equal;
  });
}

/** `a == 'b'` / `a != "b"` (the quoted value holding no quote of its kind), or a variable path (truthy). */
const conditionSupported = (condition: string): boolean =>
  alternativesOf(condition).every((part) => {
    const comparison = /^([\w.]+)\s*(==|!=)\s*(['"])(.*)\3$/.exec(part.trim());
    return comparison ? !comparison[4]!.includes(comparison[3]!) : /^[\w.]+$/.test(part.trim());
  });

/**
 * The first Liquid construct of `template` this renderer would leave unrendered — an output with a
 * filter or an expression (`{{ name | upcase }}`), a tag other than if/elsif/else/endif, a condition
 * other than comparisons joined by `or` — as written; undefined when the whole template renders.
 */
export function unsupportedLiquid(template: string): string | undefined {
  // Linear: each `{{` is matched with the first `}}` after it, and the scan moves past it.
  for (let from = 0; ; ) {
    const start = template.indexOf('{{', from);
    if (start === -1) break;
    const end = template.indexOf('}}', start + 2);
    if (end === -1) break;
    if (!/^\s*[\w.]+\s*$/.test(template.slice(start + 2, end))) return template.slice(start, Math.min(end + 2, start + 60));
    from = end + 2;
  }
  return unsupportedTag(template, conditionSupported);
}

/** Renders a template; `html` escapes substituted values (the template itself is trusted markup). */
export function renderTemplate(template: string, variables: TemplateVariables, format: 'html' | 'text'): string {
  const text = resolveConditions(template, (condition) => holds(condition, variables));
  // Linear: a `{{` is followed by at most one whitespace run, one name and one whitespace run.
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, path: string) => {
    const value = lookup(variables, path);
    return format === 'html' ? escapeHtml(value) : value;
  });
}

/** SMS templates: Auth0's `@@password@@` macro, plus the Liquid variables. */
export function renderSms(template: string, variables: TemplateVariables): string {
  return renderTemplate(template.replace(/@@password@@/g, '{{ code }}'), variables, 'text');
}
