/**
 * The per-tenant screens and the Management API scopes each needs (any one of them), in navigation
 * order. A role's token `scope` decides which screens the navigation shows and where `/t/{tenant}`
 * lands: Activity for roles holding `read:stats` (Admin, Support Access), else the first screen the
 * role may read, else the overview (the control API's, which every member may read).
 * No DOM: unit-tested in test/unit/dashboard-activity.test.ts.
 */
export type TenantScreenKey = 'activity' | 'applications' | 'apis' | 'passwordless' | 'users' | 'roles' | 'branding' | 'attack_protection' | 'logs' | 'overview';

export interface TenantScreen {
  key: TenantScreenKey;
  label: string;
  /** Path below `/t/{tenant}/`. */
  path: string;
  /** Any of these scopes opens the screen; empty means every member. */
  anyOf: readonly string[];
  /**
   * False: never where `/t/{tenant}` lands. For screens whose scope roles hold for another job
   * (Editor/Viewer – Users read connections to show a user's), which should keep landing on theirs.
   */
  landing?: false;
}

export const TENANT_SCREENS: readonly TenantScreen[] = [
  { key: 'activity', label: 'Activity', path: 'activity', anyOf: ['read:stats'] },
  { key: 'applications', label: 'Applications', path: 'applications', anyOf: ['read:clients'] },
  { key: 'apis', label: 'APIs', path: 'apis', anyOf: ['read:resource_servers'] },
  { key: 'passwordless', label: 'Passwordless', path: 'authentication/passwordless', anyOf: ['read:connections'], landing: false },
  { key: 'users', label: 'Users', path: 'users', anyOf: ['read:users'] },
  { key: 'roles', label: 'Roles', path: 'roles', anyOf: ['read:roles'] },
  { key: 'branding', label: 'Branding', path: 'branding', anyOf: ['read:branding'] },
  { key: 'attack_protection', label: 'Attack protection', path: 'security/attack-protection', anyOf: ['read:attack_protection'] },
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
  const first = allowedScreens(scopes).find((screen) => screen.landing !== false) ?? TENANT_SCREENS[TENANT_SCREENS.length - 1]!;
  return `/t/${encodeURIComponent(tenant)}/${first.path}`;
}
