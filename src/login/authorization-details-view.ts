/**
 * The consent page's rendering of a rich authorization request's details (RFC 9396), as the RAR
 * page describes it: an entry of the Auth0 schema (`urn:auth0:schemas:authorization-details:v1:…`)
 * shows its `instruction` and the `properties` marked `display: true`, by `display_order`, each as
 * its `name` and `value` (and `description`); any other type shows every property as a key/value
 * list, nested objects and arrays as nested lists. Every string is escaped: the values come from
 * the application, and the page must never carry its markup.
 *
 * The user must see everything the token will carry: the schema view is used only for an entry of
 * exactly the schema's shape (nothing beside `type`, `instruction` and `properties`; nothing in a
 * property beside its display fields and `value`), and the properties not marked for display are
 * listed too, under "Also sent". Any other entry gets the view that shows every key.
 */
import type { AuthorizationDetail } from '../domain/oidc/authorization-details.js';
import { escapeHtml } from '../pages/html.js';

const AUTH0_SCHEMA = 'urn:auth0:schemas:authorization-details:v1:';

export function authorizationDetailsHtml(details: readonly AuthorizationDetail[]): string {
  const entries = details.map((detail) => `<li class="authorization-detail">${detail.type.startsWith(AUTH0_SCHEMA) ? auth0SchemaEntry(detail) : genericEntry(detail)}</li>`);
  return `<h2 id="details-title" class="hint">It asks you to approve:</h2>\n<ul class="authorization-details" aria-labelledby="details-title">${entries.join('')}</ul>`;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const SCHEMA_ENTRY_KEYS = new Set(['type', 'instruction', 'properties']);
const SCHEMA_PROPERTY_KEYS = new Set(['display', 'name', 'display_order', 'description', 'value']);

/** The entry is exactly the Auth0 schema's shape, so the schema view leaves nothing out. */
function hasSchemaShape(detail: AuthorizationDetail): boolean {
  if (!Object.keys(detail).every((key) => SCHEMA_ENTRY_KEYS.has(key))) return false;
  if (detail.instruction !== undefined && typeof detail.instruction !== 'string') return false;
  if (detail.properties === undefined) return true;
  if (!isObject(detail.properties)) return false;
  return Object.values(detail.properties).every((property) => isObject(property) && Object.keys(property).every((key) => SCHEMA_PROPERTY_KEYS.has(key)));
}

function auth0SchemaEntry(detail: AuthorizationDetail): string {
  if (!hasSchemaShape(detail)) return genericEntry(detail);
  const instruction = typeof detail.instruction === 'string' ? `<p>${escapeHtml(detail.instruction)}</p>` : '';
  const properties = Object.entries((detail.properties ?? {}) as Record<string, Record<string, unknown>>);
  const shown = properties.filter(([, property]) => property.display === true).sort(([, a], [, b]) => order(a.display_order) - order(b.display_order));
  const items = shown.map(([key, property]) => {
    const name = typeof property.name === 'string' ? property.name : key;
    const description = typeof property.description === 'string' ? ` <span class="hint">${escapeHtml(property.description)}</span>` : '';
    return `<li><strong>${escapeHtml(name)}</strong> ${valueHtml(property.value)}${description}</li>`;
  });
  // Not for display, yet in the token all the same: the user sees them before approving.
  const alsoSent = properties.filter(([, property]) => property.display !== true).map(([key, property]) => `<li><strong>${escapeHtml(key)}</strong>: ${valueHtml(property.value)}</li>`);
  return `${instruction}<ul>${items.join('')}</ul>${alsoSent.length ? `<p class="hint">Also sent:</p><ul>${alsoSent.join('')}</ul>` : ''}`;
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
