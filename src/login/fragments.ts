/**
 * HTML pieces of the hosted forms, written for assistive technology: every input has a `<label>`,
 * an error is announced (`role=alert`) and tied to the inputs it concerns (`aria-describedby`,
 * `aria-invalid`), and hints are tied to their input too. Every value is escaped.
 */
import type { Tenant } from '../domain/tenants/tenant-service.js';
import { escapeHtml } from '../pages/html.js';

export const ERROR_ID = 'error';

/** The page's error message, announced by screen readers as soon as it appears. */
export const errorAlert = (message: string | undefined): string =>
  message ? `<div class="error" role="alert" id="${ERROR_ID}">${escapeHtml(message)}</div>` : '';

export const hidden = (name: string, value: string): string => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;

export interface FieldOptions {
  id: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  autocomplete: string;
  value?: string;
  inputmode?: string;
  autofocus?: boolean;
  /** A short explanation under the input (e.g. the password policy). */
  hint?: string;
  /** Marks the input invalid and points it at the page's error message. */
  invalid?: boolean;
}

export function field(options: FieldOptions): string {
  const describedBy = [options.invalid ? ERROR_ID : '', options.hint ? `${options.id}-hint` : ''].filter(Boolean).join(' ');
  const attributes = [
    `id="${escapeHtml(options.id)}"`,
    `name="${escapeHtml(options.id)}"`,
    `type="${options.type ?? 'text'}"`,
    `autocomplete="${escapeHtml(options.autocomplete)}"`,
    'required',
    options.inputmode ? `inputmode="${escapeHtml(options.inputmode)}"` : '',
    options.autofocus ? 'autofocus' : '',
    options.value !== undefined && options.type !== 'password' ? `value="${escapeHtml(options.value)}"` : '',
    describedBy ? `aria-describedby="${describedBy}"` : '',
    options.invalid ? 'aria-invalid="true"' : '',
  ].filter(Boolean);
  const hint = options.hint ? `<p class="hint" id="${escapeHtml(options.id)}-hint">${escapeHtml(options.hint)}</p>` : '';
  return `<label for="${escapeHtml(options.id)}">${escapeHtml(options.label)}</label>\n<input ${attributes.join(' ')}>${hint}`;
}

/** A line of links under a form, e.g. "Don't have an account? Sign up". */
export const links = (...items: string[]): string => (items.length ? `<p class="links">${items.join(' · ')}</p>` : '');

export const link = (href: string, text: string, prefix = ''): string => `${escapeHtml(prefix)}${prefix ? ' ' : ''}<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

/** "Log in to Acme to continue to Photos.": the tenant's friendly name and the application's. */
export function continueTo(action: string, tenant: Tenant, clientName: string | undefined): string {
  const tenantName = escapeHtml(tenant.settings.friendly_name ?? tenant.name);
  return clientName ? `${escapeHtml(action)} to ${tenantName} to continue to <span class="app">${escapeHtml(clientName)}</span>.` : `${escapeHtml(action)} to ${tenantName} to continue.`;
}
