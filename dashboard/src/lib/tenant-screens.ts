/**
 * The per-tenant screens and the Management API scopes each needs (any one of them), in navigation
 * order. A role's token `scope` decides which screens the navigation shows and where `/t/{tenant}`
 * lands: Activity for roles holding `read:stats` (Admin, Support Access), else the first screen the
 * role may read, else the overview (the control API's, which every member may read). Screens with a
 * `group` are shown under that heading, as Auth0's navigation does (Authentication › Database).
 * No DOM: unit-tested in test/unit/dashboard-activity.test.ts.
 */
export type TenantScreenKey = 'activity' | 'applications' | 'apis' | 'database' | 'passwordless' | 'users' | 'roles' | 'branding' | 'attack_protection' | 'logs' | 'overview';

export type TenantScreenGroup = 'Applications' | 'Authentication' | 'User Management' | 'Security' | 'Monitoring' | 'Tenant';

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
  /** The navigation heading it sits under; consecutive screens of one group form one section. */
  group?: TenantScreenGroup;
}

export const TENANT_SCREENS: readonly TenantScreen[] = [
  { key: 'activity', label: 'Activity', path: 'activity', anyOf: ['read:stats'] },
  { key: 'applications', label: 'Applications', path: 'applications', anyOf: ['read:clients'], group: 'Applications' },
  { key: 'apis', label: 'APIs', path: 'apis', anyOf: ['read:resource_servers'], group: 'Applications' },
  { key: 'database', label: 'Database', path: 'authentication/database', anyOf: ['read:connections'], landing: false, group: 'Authentication' },
  { key: 'passwordless', label: 'Passwordless', path: 'authentication/passwordless', anyOf: ['read:connections'], landing: false, group: 'Authentication' },
  { key: 'users', label: 'Users', path: 'users', anyOf: ['read:users'], group: 'User Management' },
  { key: 'roles', label: 'Roles', path: 'roles', anyOf: ['read:roles'], group: 'User Management' },
  { key: 'branding', label: 'Branding', path: 'branding', anyOf: ['read:branding'] },
  { key: 'attack_protection', label: 'Attack Protection', path: 'security/attack-protection', anyOf: ['read:attack_protection'], group: 'Security' },
  { key: 'logs', label: 'Logs', path: 'logs', anyOf: ['read:logs'], group: 'Monitoring' },
  // Under a heading of its own, beside Settings, rather than seeming part of Monitoring above it.
  { key: 'overview', label: 'Overview', path: 'overview', anyOf: [], group: 'Tenant' },
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

export interface NavSection {
  /** Undefined for a screen shown on its own. */
  group?: TenantScreenGroup;
  screens: TenantScreen[];
}

/** The screens in navigation order, consecutive screens of one group gathered under its heading. */
export function navSections(screens: readonly TenantScreen[]): NavSection[] {
  const sections: NavSection[] = [];
  for (const screen of screens) {
    const last = sections[sections.length - 1];
    if (screen.group !== undefined && last?.group === screen.group) last.screens.push(screen);
    else sections.push({ ...(screen.group !== undefined ? { group: screen.group } : {}), screens: [screen] });
  }
  return sections;
}
