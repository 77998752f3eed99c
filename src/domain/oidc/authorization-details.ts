/**
 * Rich Authorization Requests (RFC 9396), as Auth0 runs them (apis__configure-rich-authorization-
 * requests): the one place that says what an `authorization_details` parameter may be and which of
 * its types an application may ask of an API.
 *
 * - Shape and limits, the page's list for details not shown by the Guardian app: at most 5 KB of
 *   valid JSON, an array of 1 to 5 objects, each with a string `type`; at most 10 properties per
 *   object, names of `[a-zA-Z0-9_.-]` up to 255 characters, string values up to 255 characters, and
 *   at most 5 levels of objects (or arrays) nested in an entry. The size is checked on the raw
 *   string before it is parsed, so a hostile body costs a bounded parse; the walk stops at the
 *   first object too deep, so it never recurses past the limit.
 * - Types: each entry's type is registered on the audience's API (`authorization_details` of the
 *   resource server) and allowed by its user access policy (`subject_type_authorization.user`):
 *   `allow_all` every registered type, `require_client_grant` those the application's user client
 *   grant lists in `authorization_details_types`, `deny_all` none.
 *
 * Where they are accepted (only pushed requests, auth-api/par.ts) is decided by the
 * authorization checks that call this module (authorization-checks/authorization-details-*.ts).
 */
import type { ResourceServer } from '../resource-servers/resource-server.js';

/** One entry of `authorization_details`: its `type` and the properties that type defines. */
export interface AuthorizationDetail {
  type: string;
  [property: string]: unknown;
}

/** RFC 9396 §5: the error code for details that are malformed, unknown or not allowed. */
export const INVALID_AUTHORIZATION_DETAILS = 'invalid_authorization_details';

// What an API may register (Management API): bounded like scopes.
export const MAX_REGISTERED_DETAILS_TYPES = 100;
export const MAX_DETAILS_TYPE_LENGTH = 255;
/** Printable ASCII, no spaces: a type is compared as an exact string and shown on the consent page. */
export const DETAILS_TYPE_PATTERN = '^[\\x21-\\x7E]+$';

// The page's limits on a request's `authorization_details`.
export const MAX_DETAILS_BYTES = 5 * 1024;
export const MAX_DETAILS_ENTRIES = 5;
export const MAX_PROPERTIES_PER_OBJECT = 10;
export const MAX_PROPERTY_NAME_LENGTH = 255;
export const MAX_PROPERTY_VALUE_LENGTH = 255;
export const MAX_NESTED_LEVELS = 5;
const PROPERTY_NAME = /^[a-zA-Z0-9_.-]+$/;

/** A refusal of the parameter; its description names the rule. */
export class AuthorizationDetailsError extends Error {
  readonly error = INVALID_AUTHORIZATION_DETAILS;
  constructor(readonly description: string) {
    super(description);
  }
}

const refuse = (description: string) => new AuthorizationDetailsError(`authorization_details: ${description}`);

/** The parameter's entries, or AuthorizationDetailsError naming the first rule it breaks. */
export function parseAuthorizationDetails(raw: string): AuthorizationDetail[] {
  if (Buffer.byteLength(raw, 'utf8') > MAX_DETAILS_BYTES) throw refuse(`must be at most ${MAX_DETAILS_BYTES} bytes.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw refuse('must be valid JSON.');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw refuse('must be a non-empty JSON array of objects.');
  if (parsed.length > MAX_DETAILS_ENTRIES) throw refuse(`must have at most ${MAX_DETAILS_ENTRIES} entries.`);
  parsed.forEach((entry: unknown, index) => {
    if (!isObject(entry)) throw refuse(`entry ${index} must be an object.`);
    if (typeof entry.type !== 'string' || entry.type === '') throw refuse(`entry ${index} must have a type.`);
    checkObject(entry, 0, `entry ${index}`);
  });
  return parsed as AuthorizationDetail[];
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** An object at `level` (0: an entry): its property count and names, and each value. */
function checkObject(object: Record<string, unknown>, level: number, where: string): void {
  const names = Object.keys(object);
  if (names.length > MAX_PROPERTIES_PER_OBJECT) throw refuse(`${where} has more than ${MAX_PROPERTIES_PER_OBJECT} properties.`);
  for (const name of names) {
    if (name.length > MAX_PROPERTY_NAME_LENGTH) throw refuse(`${where} has a property name longer than ${MAX_PROPERTY_NAME_LENGTH} characters.`);
    if (!PROPERTY_NAME.test(name)) throw refuse(`${where} has a property name with characters other than a-z, A-Z, 0-9, '_', '.' and '-'.`);
    checkValue(object[name], level, `${where}.${name}`);
  }
}

function checkValue(value: unknown, level: number, where: string): void {
  if (typeof value === 'string') {
    if (value.length > MAX_PROPERTY_VALUE_LENGTH) throw refuse(`${where} is longer than ${MAX_PROPERTY_VALUE_LENGTH} characters.`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (level + 1 > MAX_NESTED_LEVELS) throw refuse(`${where} is nested more than ${MAX_NESTED_LEVELS} levels deep.`);
  if (Array.isArray(value)) value.forEach((item, index) => checkValue(item, level + 1, `${where}[${index}]`));
  else checkObject(value as Record<string, unknown>, level + 1, where);
}

/** The types registered on the API (its Management API `authorization_details`). */
export const registeredDetailsTypes = (api: ResourceServer): ReadonlySet<string> => new Set((api.authorization_details ?? []).map((entry) => entry.type));

/**
 * The types an application may ask of the API on a user's behalf: the registered ones its user
 * access policy allows (`grantTypes`: the user client grant's `authorization_details_types`, or
 * null without a grant).
 */
export function allowedDetailsTypes(api: ResourceServer, grantTypes: readonly string[] | null): ReadonlySet<string> {
  const registered = registeredDetailsTypes(api);
  switch (api.subject_type_authorization.user.policy) {
    case 'allow_all':
      return registered;
    case 'require_client_grant':
      return new Set((grantTypes ?? []).filter((type) => registered.has(type)));
    default:
      return new Set();
  }
}

/** Refuses the first entry whose type the application may not ask of the API. */
export function checkDetailsTypes(details: readonly AuthorizationDetail[], api: ResourceServer, allowed: ReadonlySet<string>): void {
  const registered = registeredDetailsTypes(api);
  for (const { type } of details) {
    if (!registered.has(type)) throw refuse(`type "${type}" is not registered on the API ${api.identifier}.`);
    if (!allowed.has(type)) throw refuse(`the client is not allowed to request type "${type}" of the API ${api.identifier}.`);
  }
}
