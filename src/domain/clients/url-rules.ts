/**
 * Rules for the URLs an application lists (callbacks, logout URLs, web origins, CORS origins), from
 * the docs' "Subdomain URL Placeholders" and "Application Settings" pages:
 *  - a `*` wildcard only with http(s), only in the left-most label of a host that has at least two
 *    more labels after it (`https://*.example.com`, not `https://*.com`), at most one, with optional
 *    prefix/suffix characters in that label; it matches exactly one label;
 *  - `{organization_name}` (callbacks and CORS origins only) likewise left-most, alone in its label,
 *    never with `*`;
 *  - `{custom_domain.metadata.KEY}` only in the host part, never with `*`;
 *  - web origins are origins: no path, query or fragment;
 *  - schemes: https, or http (the docs' development examples use `http://localhost:3000/callback`
 *    and nothing restricts http further); a custom scheme (`com.example.app://callback`) only for
 *    native applications, which need it to get the browser back into the app; schemes that run or
 *    embed content in the browser (`javascript:`, `data:`, ...) never, since the server redirects
 *    users to these URLs.
 * Tenant-level logout URLs follow the same rules as an application's that is not native.
 */

export type UrlField = 'callbacks' | 'allowed_logout_urls' | 'web_origins' | 'allowed_origins' | 'initiate_login_uri' | 'cross_origin_loc';

const ORGANIZATION = '{organization_name}';
const CUSTOM_DOMAIN = /\{custom_domain\.metadata\.[A-Za-z0-9_]+\}/;
const EVERY_CUSTOM_DOMAIN = new RegExp(CUSTOM_DOMAIN.source, 'g');
const ORGANIZATION_FIELDS: ReadonlySet<UrlField> = new Set(['callbacks', 'allowed_origins']);
const ORIGIN_FIELDS: ReadonlySet<UrlField> = new Set(['web_origins']);
const HTTPS_ONLY: ReadonlySet<UrlField> = new Set(['initiate_login_uri', 'cross_origin_loc']);
const PLACEHOLDER_FREE: ReadonlySet<UrlField> = new Set(['initiate_login_uri', 'cross_origin_loc']);
/** Fields where a native application may list a custom scheme (its callback, logout return, or app origin). */
const CUSTOM_SCHEME_FIELDS: ReadonlySet<UrlField> = new Set(['callbacks', 'allowed_logout_urls', 'allowed_origins']);
/** Schemes whose URLs run script or show attacker content in our origin's place: never a redirect target. */
const FORBIDDEN_SCHEMES: ReadonlySet<string> = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'filesystem:', 'about:']);

/** What a URL's acceptability depends on beyond its field. */
export interface UrlContext {
  /** The application is native (`app_type: native`): custom URL schemes are allowed. */
  nativeApp: boolean;
}

/** Returns why `raw` is not acceptable in `field`, or undefined when it is. */
export function urlProblem(field: UrlField, raw: string, context: UrlContext = { nativeApp: false }): string | undefined {
  if (raw.length === 0 || raw.length > 2000) return 'must be 1 to 2000 characters long';
  if (/\s/.test(raw)) return 'must not contain whitespace';
  const hasWildcard = raw.includes('*');
  const hasOrganization = raw.includes(ORGANIZATION);
  const hasCustomDomain = CUSTOM_DOMAIN.test(raw);
  if ((hasWildcard || hasOrganization || hasCustomDomain) && PLACEHOLDER_FREE.has(field)) return 'must not contain wildcards or placeholders';
  if (hasOrganization && !ORGANIZATION_FIELDS.has(field)) return `the ${ORGANIZATION} placeholder is only allowed in callbacks and allowed origins`;
  if (hasWildcard && (hasOrganization || hasCustomDomain)) return 'a wildcard cannot be combined with a placeholder';

  // Placeholders become a neutral label so the rest can be parsed as a URL.
  const parsable = raw.replaceAll(ORGANIZATION, 'xorganizationx').replace(EVERY_CUSTOM_DOMAIN, 'xcustomdomainx').replace('*', 'xwildcardx');
  if ((raw.match(/\*/g) ?? []).length > 1) return 'may contain at most one wildcard';
  if ((raw.split(ORGANIZATION).length - 1) > 1) return `may contain at most one ${ORGANIZATION} placeholder`;
  let url: URL;
  try {
    url = new URL(parsable);
  } catch {
    return 'must be an absolute URL';
  }
  const scheme = url.protocol;
  const isHttp = scheme === 'http:' || scheme === 'https:';
  if (FORBIDDEN_SCHEMES.has(scheme)) return `must not use the ${scheme} scheme`;
  if (!isHttp && CUSTOM_SCHEME_FIELDS.has(field) && !context.nativeApp) return 'must use http or https (custom URL schemes are only allowed for native applications)';
  if (HTTPS_ONLY.has(field) && scheme !== 'https:') return 'must use https';
  if (ORIGIN_FIELDS.has(field) && !isHttp) return 'must be an http or https origin';
  if ((hasWildcard || hasOrganization || hasCustomDomain) && !isHttp) return 'must use http or https when it contains a wildcard or placeholder';

  if (hasWildcard || hasOrganization || hasCustomDomain) {
    const beforePath = raw.slice(raw.indexOf('//') + 2).split(/[/?#]/)[0] ?? '';
    const markerOutsideHost = [raw.indexOf('*'), raw.indexOf(ORGANIZATION)].some((i) => i >= 0 && i > raw.indexOf('//') + 2 + beforePath.length);
    if (markerOutsideHost || (hasCustomDomain && !CUSTOM_DOMAIN.test(beforePath))) return 'wildcards and placeholders are only allowed in the host name';
    const labels = url.hostname.split('.');
    const marked = labels.findIndex((label) => label.includes('xwildcardx') || label.includes('xorganizationx'));
    if (marked > 0) return 'the wildcard or placeholder must be in the left-most subdomain';
    if (marked === 0 && labels.length < 3) return 'the wildcard or placeholder must be in a subdomain (e.g. https://*.example.com)';
    if (hasOrganization && labels[0] !== 'xorganizationx') return `the ${ORGANIZATION} placeholder must be the whole left-most label`;
  }

  if (ORIGIN_FIELDS.has(field) && ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || raw.endsWith('/'))) {
    return 'must be an origin (scheme, host and optional port) without a path, query or fragment';
  }
  return undefined;
}

/** The first entry of a URL list that `field` does not accept, as a message naming the field and the entry. */
export function urlListProblem(field: UrlField, urls: readonly string[], context: UrlContext = { nativeApp: false }): string | undefined {
  for (const url of urls) {
    const problem = urlProblem(field, url, context);
    if (problem) return `'${field}' entry "${url}" ${problem}`;
  }
  return undefined;
}

/**
 * What the placeholders of an allowed URL stand for on one request. The server sets it from the
 * host the request came on (server/tenant-resolution.ts); without a value a placeholder URL matches
 * nothing (the docs: the canonical domain "does not have the custom metadata required to resolve the
 * placeholder").
 */
export interface UrlPlaceholders {
  /** `domain_metadata` of the ready custom domain the request came on; absent on a canonical host. */
  readonly customDomainMetadata?: Readonly<Record<string, unknown>>;
}

export const NO_PLACEHOLDERS: UrlPlaceholders = Object.freeze({});

/** The docs: only keys with this prefix resolve; others "are ignored at runtime for security reasons". */
const PUBLIC_KEY = /^(public_|PUBLIC_)/;
/**
 * A value may only become host name characters: lower-case DNS labels joined by dots (the docs'
 * example puts a whole host in one placeholder, `https://{custom_domain.metadata.public_app_url}/callback`).
 * Anything else (`/`, `@`, `:`, `?`, `#`, `%`, upper case, empty labels, ...) could move the URL's
 * host or hide a path in it, so such a value matches nothing (fail closed) rather than being escaped.
 */
const HOST_NAME_VALUE = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const EVERY_CUSTOM_DOMAIN_KEY = /\{custom_domain\.metadata\.([A-Za-z0-9_]+)\}/g;

/**
 * `allowed` with its `{custom_domain.metadata.KEY}` placeholders replaced by the request's values,
 * or undefined when it cannot apply to this request: a key without the public prefix, missing, not a
 * string or not a host name; an `{organization_name}` (Tessera has no organizations); a placeholder
 * next to a wildcard (refused when stored; refused here too for URLs stored before that rule).
 */
export function resolvePlaceholders(allowed: string, values: UrlPlaceholders): string | undefined {
  if (!hasPlaceholder(allowed)) return allowed;
  if (allowed.includes('*') || allowed.includes(ORGANIZATION)) return undefined;
  const metadata = values.customDomainMetadata;
  let unresolved = false;
  const resolved = allowed.replace(EVERY_CUSTOM_DOMAIN_KEY, (_placeholder, key: string) => {
    const value = metadata && PUBLIC_KEY.test(key) && Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    if (typeof value === 'string' && HOST_NAME_VALUE.test(value)) return value;
    unresolved = true;
    return '';
  });
  return unresolved ? undefined : resolved;
}

/** Whether `url` holds an `{organization_name}` or `{custom_domain.metadata.KEY}` placeholder. */
export const hasPlaceholder = (url: string): boolean => url.includes(ORGANIZATION) || CUSTOM_DOMAIN.test(url);

/** The docs: "Custom domain placeholders are not supported for third-party applications": theirs resolve to nothing. */
export const placeholdersFor = (client: { readonly is_first_party: boolean }, values: UrlPlaceholders): UrlPlaceholders =>
  client.is_first_party ? values : NO_PLACEHOLDERS;

/** Whether `presented` matches `allowed` once its placeholders are resolved for this request (urlMatches). */
export function urlAllowed(allowed: string, presented: string, values: UrlPlaceholders): boolean {
  const resolved = resolvePlaceholders(allowed, values);
  return resolved !== undefined && urlMatches(resolved, presented);
}

/**
 * Whether a presented URL matches an allowed one: exactly, or through a `*` that stands for
 * exactly one label's worth of characters (no dots). Placeholders are not resolved here (callers
 * with a request use urlAllowed): a URL still holding one matches nothing, not even itself.
 */
export function urlMatches(allowed: string, presented: string): boolean {
  if (hasPlaceholder(allowed)) return false;
  if (!allowed.includes('*')) return allowed === presented;
  const [prefix, suffix] = allowed.split('*') as [string, string];
  if (!presented.startsWith(prefix) || !presented.endsWith(suffix) || presented.length < prefix.length + suffix.length + 1) return false;
  const middle = presented.slice(prefix.length, presented.length - suffix.length);
  return /^[A-Za-z0-9-]+$/.test(middle);
}
