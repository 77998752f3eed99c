/**
 * The per-tenant screens and the Management API scopes each needs (any one of them), in navigation
 * order. A role's token `scope` decides which screens the navigation shows and where `/t/{tenant}`
 * lands: Activity for roles holding `read:stats` (Admin, Support Access), else the first screen the
 * role may read, else the overview (the control API's, which every member may read).
 * No DOM: unit-tested in test/unit/dashboard-activity.test.ts.
 */
export type TenantScreenKey = 'activity' | 'applications' | 'apis' | 'users' | 'roles' | 'authentication' | 'logs' | 'overview';

export interface TenantScreen {
  key: TenantScreenKey;
  label: string;
  /** Path below `/t/{tenant}/`. */
  path: string;
  /** Any of these scopes opens the screen; empty means every member. */
  anyOf: readonly string[];
}

export const TENANT_SCREENS: readonly TenantScreen[] = [
  { key: 'activity', label: 'Activity', path: 'activity', anyOf: ['read:stats'] },
  { key: 'applications', label: 'Applications', path: 'applications', anyOf: ['read:clients'] },
  { key: 'apis', label: 'APIs', path: 'apis', anyOf: ['read:resource_servers'] },
  { key: 'users', label: 'Users', path: 'users', anyOf: ['read:users'] },
  { key: 'roles', label: 'Roles', path: 'roles', anyOf: ['read:roles'] },
  // After Users and Roles: the Users roles also read connections, and still land on Users.
  { key: 'authentication', label: 'Authentication', path: 'authentication/database', anyOf: ['read:connections'] },
  { key: 'logs', label: 'Logs', path: 'logs', anyOf: ['read:logs'] },
  { key: 'overview', label: 'Overview', path: 'overview', anyOf: [] },
];

/** A token's space-separated `scope` as a set. */
export function parseScopes(scope: string | undefined): Set<string> {
  return new Set((scope ?? '').split(' ').filter(Boolean));
}

export function hasAnyScope(scopes: ReadonlySet<string>, anyOf: readonly string[]): boolean {
  return anyOf.length === 0 || anyOf.some((scope) => scopes.has(scope));
}

export function allowedScreens(scopes: ReadonlySet<string>): TenantScreen[] {
  return TENANT_SCREENS.filter((screen) => hasAnyScope(scopes, screen.anyOf));
}

/** Where `/t/{tenant}` goes for a token with these scopes. */
export function landingPath(tenant: string, scopes: ReadonlySet<string>): string {
  const first = allowedScreens(scopes)[0] ?? TENANT_SCREENS[TENANT_SCREENS.length - 1]!;
  return `/t/${encodeURIComponent(tenant)}/${first.path}`;
}
