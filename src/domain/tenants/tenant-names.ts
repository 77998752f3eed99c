/**
 * Tenant names become DNS labels ({name}.{base domain}), hence the docs' rules:
 * 3–63 characters, lowercase letters, digits and hyphens, no leading or trailing hyphen.
 */
const TENANT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function tenantNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (name !== name.toLowerCase()) return 'must be lowercase';
  if (!TENANT_NAME.test(name)) return 'may contain only lowercase letters, digits and hyphens, and cannot begin or end with a hyphen';
  return undefined;
}

/**
 * Names that would read as Tessera's own hosts or services (or as punycode, which would let a name
 * look like another one). Checked when a tenant is created only: an existing tenant keeps its name.
 */
// `mtls`: `mtls.{base domain}` is the mTLS alias host of the default tenant on the bare base domain
// (server/tenant-resolution.ts), so a tenant by that name would own another tenant's alias.
const RESERVED_NAMES = new Set(['admin', 'manage', 'api', 'www', 'accounts', 'login', 'auth', 'static', 'cdn', 'support', 'tessera', 'mtls']);

export function reservedNameProblem(name: string): string | undefined {
  if (RESERVED_NAMES.has(name)) return `"${name}" is reserved`;
  if (name.startsWith('xn--')) return 'cannot start with "xn--"';
  return undefined;
}
