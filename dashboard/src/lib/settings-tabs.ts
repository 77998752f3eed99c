/**
 * The tabs of Settings (`/t/{tenant}/settings/{path}`) and who may open each: the tenant settings
 * and signing keys by the Management API scope of the member's token, Tenant members by the Admin
 * role (the control API's rule). Drives both the Settings tabs and the navigation's Settings group.
 * No DOM: unit-tested in test/unit/dashboard-settings.test.ts.
 */
import { hasAnyScope } from './tenant-screens.js';

export type SettingsTabKey = 'general' | 'advanced' | 'signing-keys' | 'members';

export interface SettingsTab {
  key: SettingsTabKey;
  label: string;
  /** Any of these scopes opens the tab (ignored when `adminOnly`). */
  anyOf: readonly string[];
  adminOnly: boolean;
}

export const SETTINGS_TABS: readonly SettingsTab[] = [
  { key: 'general', label: 'General', anyOf: ['read:tenant_settings'], adminOnly: false },
  { key: 'advanced', label: 'Advanced', anyOf: ['read:tenant_settings'], adminOnly: false },
  { key: 'signing-keys', label: 'Signing Keys', anyOf: ['read:signing_keys'], adminOnly: false },
  { key: 'members', label: 'Tenant members', anyOf: [], adminOnly: true },
];

export function allowedSettingsTabs(scopes: ReadonlySet<string>, isAdmin: boolean): SettingsTab[] {
  return SETTINGS_TABS.filter((tab) => (tab.adminOnly ? isAdmin : hasAnyScope(scopes, tab.anyOf)));
}
