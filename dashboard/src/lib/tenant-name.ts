/**
 * The tenant name rules, checked live in the create-tenant form. They mirror the server's
 * (src/domain/tenants/tenant-names.ts and the reserved names of docs/plans/dashboard.md §1.2),
 * which stays the authority: the form only spares a round trip. Pure: unit-tested in
 * test/unit/dashboard-tenant-name.test.ts.
 */
export const TENANT_NAME_MIN = 3;
export const TENANT_NAME_MAX = 63;

export const RESERVED_TENANT_NAMES: readonly string[] = Object.freeze([
  'admin',
  'manage',
  'api',
  'www',
  'accounts',
  'login',
  'auth',
  'static',
  'cdn',
  'support',
  'tessera',
]);

/** Why `name` cannot be a new tenant's name, as a sentence for the form; undefined when it can. */
export function tenantNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name.';
  if (name.length < TENANT_NAME_MIN) return `Use at least ${TENANT_NAME_MIN} characters.`;
  if (name.length > TENANT_NAME_MAX) return `Use at most ${TENANT_NAME_MAX} characters.`;
  if (name !== name.toLowerCase()) return 'Use lowercase letters only.';
  if (!/^[a-z0-9-]+$/.test(name)) return 'Use only lowercase letters, digits and hyphens.';
  if (name.startsWith('-') || name.endsWith('-')) return 'A name cannot begin or end with a hyphen.';
  if (RESERVED_TENANT_NAMES.includes(name) || name.startsWith('xn--')) return `"${name}" is reserved.`;
  return undefined;
}
