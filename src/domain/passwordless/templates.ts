/**
 * The passwordless message templates of a connection (`options.email.{subject,body}` for email,
 * `options.template` for SMS), rendered the way Auth0 documents them: Liquid-style `{{ name }}`
 * variables (`code`, `link`, `application.name`, `code_expiration`, `send`, `email`,
 * `phone_number`, `tenant.domain`, `connection.name`), simple `{% if send == 'link' %}…{% else %}…
 * {% endif %}` blocks, and the SMS macro `@@password@@`. Only this subset of Liquid is supported:
 * templates are written by tenant administrators, so evaluation must stay a string substitution,
 * never code.
 */

export interface TemplateVariables {
  code: string;
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
  return condition
    .split(/\s+or\s+/)
    .some((part) => {
      const comparison = /^([\w.]+)\s*(==|!=)\s*(['"])(.*)\3$/.exec(part.trim());
      if (!comparison) return lookup(variables, part.trim()) !== '';
      const equal = lookup(variables, comparison[1]!) === comparison[4];
      return comparison[2] === '==' ? equal : !equal;
    });
}

/** Resolves `{% if %}…{% else %}…{% endif %}` blocks (innermost first, so they may nest). */
function resolveConditions(template: string, variables: TemplateVariables): string {
  const innermost = /\{%-?\s*if\s+([^%]+?)\s*-?%\}((?:(?!\{%-?\s*if\b)[\s\S])*?)\{%-?\s*endif\s*-?%\}/;
  let text = template;
  for (let guard = 0; guard < 100; guard++) {
    const match = innermost.exec(text);
    if (!match) break;
    const [whole, condition, body] = match as unknown as [string, string, string];
    const [then, otherwise = ''] = body.split(/\{%-?\s*else\s*-?%\}/);
    text = text.slice(0, match.index) + (holds(condition, variables) ? then! : otherwise) + text.slice(match.index + whole.length);
  }
  return text;
}

/** Renders a template; `html` escapes substituted values (the template itself is trusted markup). */
export function renderTemplate(template: string, variables: TemplateVariables, format: 'html' | 'text'): string {
  const text = resolveConditions(template, variables);
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, path: string) => {
    const value = lookup(variables, path);
    return format === 'html' ? escapeHtml(value) : value;
  });
}

/** SMS templates: Auth0's `@@password@@` macro, plus the Liquid variables. */
export function renderSms(template: string, variables: TemplateVariables): string {
  return renderTemplate(template.replace(/@@password@@/g, '{{ code }}'), variables, 'text');
}

/** A readable plain-text alternative of an HTML email body. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => `${label} (${href})`)
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/h\d>|<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
