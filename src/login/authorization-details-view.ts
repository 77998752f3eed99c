/**
 * The consent page's rendering of a rich authorization request's details (RFC 9396), as the RAR
 * page describes it: an entry of the Auth0 schema (`urn:auth0:schemas:authorization-details:v1:…`)
 * shows its `instruction` and the `properties` marked `display: true`, by `display_order`, each as
 * its `name` and `value` (and `description`); any other type shows every property as a key/value
 * list, nested objects and arrays as nested lists. Every string is escaped: the values come from
 * the application, and the page must never carry its markup.
 */
import type { AuthorizationDetail } from '../domain/oidc/authorization-details.js';
import { escapeHtml } from '../pages/html.js';

const AUTH0_SCHEMA = 'urn:auth0:schemas:authorization-details:v1:';

export function authorizationDetailsHtml(details: readonly AuthorizationDetail[]): string {
  const entries = details.map((detail) => `<li class="authorization-detail">${detail.type.startsWith(AUTH0_SCHEMA) ? auth0SchemaEntry(detail) : genericEntry(detail)}</li>`);
  return `<h2 id="details-title" class="hint">It asks you to approve:</h2>\n<ul class="authorization-details" aria-labelledby="details-title">${entries.join('')}</ul>`;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function auth0SchemaEntry(detail: AuthorizationDetail): string {
  const instruction = typeof detail.instruction === 'string' ? `<p>${escapeHtml(detail.instruction)}</p>` : '';
  const properties = isObject(detail.properties) ? detail.properties : {};
  const shown = Object.entries(properties)
    .filter((entry): entry is [string, Record<string, unknown>] => isObject(entry[1]) && entry[1].display === true)
    .sort(([, a], [, b]) => order(a.display_order) - order(b.display_order));
  const items = shown.map(([key, property]) => {
    const name = typeof property.name === 'string' ? property.name : key;
    const description = typeof property.description === 'string' ? ` <span class="hint">${escapeHtml(property.description)}</span>` : '';
    return `<li><strong>${escapeHtml(name)}</strong> ${valueHtml(property.value)}${description}</li>`;
  });
  return `${instruction}<ul>${items.join('')}</ul>`;
}

/** display_order may come as a number or a numeric string (the page's example); anything else goes last. */
function order(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(number) ? number : Number.MAX_SAFE_INTEGER;
}

function genericEntry(detail: AuthorizationDetail): string {
  const { type, ...rest } = detail;
  return `<strong>${escapeHtml(type)}</strong>${objectHtml(rest)}`;
}

function objectHtml(object: Record<string, unknown>): string {
  const items = Object.entries(object).map(([key, value]) => `<li><strong>${escapeHtml(key)}</strong>: ${valueHtml(value)}</li>`);
  return items.length ? `<ul>${items.join('')}</ul>` : '';
}

/** Depth is bounded by the validation (at most 5 nested levels), so the recursion is too. */
function valueHtml(value: unknown): string {
  if (Array.isArray(value)) return `<ul>${value.map((item) => `<li>${valueHtml(item)}</li>`).join('')}</ul>`;
  if (isObject(value)) return objectHtml(value);
  return escapeHtml(value === null || value === undefined ? '' : String(value));
}
