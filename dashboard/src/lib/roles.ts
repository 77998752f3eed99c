/**
 * The six dashboard roles with Auth0's names (docs/plans/dashboard.md §1.4; "Editor – Users" with an
 * en dash), and what the UI derives from a membership's roles. The server stays the authority: these
 * only decide what to show. Pure: unit-tested in test/unit/dashboard-members.test.ts.
 */
import type { RoleId } from '../api/control.js';

export const ROLE_IDS: readonly RoleId[] = Object.freeze(['admin', 'editor_users', 'editor_connections', 'viewer_users', 'viewer_config', 'support_access'] as const);

export const ROLE_NAMES: Readonly<Record<RoleId, string>> = Object.freeze({
  admin: 'Admin',
  editor_users: 'Editor – Users',
  editor_connections: 'Editor – Connections',
  viewer_users: 'Viewer – Users',
  viewer_config: 'Viewer – Config',
  support_access: 'Support Access',
});

/** Auth0's name of a role id; an unknown id (a newer server) shows as itself. */
export function roleName(id: string): string {
  return (ROLE_NAMES as Record<string, string>)[id] ?? id;
}

/** The roles in the table's order, for the multi-select. */
export const ROLE_OPTIONS: { value: RoleId; label: string }[] = ROLE_IDS.map((id) => ({ value: id, label: ROLE_NAMES[id] }));

/** Roles sorted in the table's order, unknown ones last (so badges read the same everywhere). */
export function sortRoles(roles: readonly string[]): string[] {
  const rank = (id: string) => {
    const index = (ROLE_IDS as readonly string[]).indexOf(id);
    return index === -1 ? ROLE_IDS.length : index;
  };
  return [...roles].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Members, invitations and API test tokens are for Admins only (the control API answers 403 to the rest). */
export function managesMembers(roles: readonly string[] | undefined): boolean {
  return roles?.includes('admin') ?? false;
}

/** Whether two role lists hold the same roles (order and duplicates aside): the save button's state. */
export function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((role) => y.has(role));
}
