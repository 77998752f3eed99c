/**
 * A user's permissions as `GET /users/{id}/permissions` lists them: each permission once, with
 * every source it comes from (granted directly, and/or through one or more roles).
 */
import type { PermissionGrant, PermissionRef } from '../../storage/repositories/roles.js';
import { comparePermissions } from './permissions.js';

export interface PermissionSource {
  /** The role's id; empty for a direct grant (as Auth0 sends it). */
  source_id: string;
  source_name: string;
  source_type: 'DIRECT' | 'ROLE';
}

export type SourcedPermission = PermissionRef & { sources: PermissionSource[] };

const DIRECT: PermissionSource = { source_id: '', source_name: '', source_type: 'DIRECT' };

/** Groups grants by permission, ordered by API then name; sources: direct first, then roles by name. */
export function groupGrants(grants: PermissionGrant[]): SourcedPermission[] {
  const byPermission = new Map<string, SourcedPermission>();
  for (const grant of grants) {
    const key = `${grant.api}\u0000${grant.name}`;
    let entry = byPermission.get(key);
    if (!entry) byPermission.set(key, (entry = { api: grant.api, name: grant.name, sources: [] }));
    const source: PermissionSource = grant.source === 'direct' ? DIRECT : { source_id: grant.roleId, source_name: grant.roleName, source_type: 'ROLE' };
    if (!entry.sources.some((s) => s.source_type === source.source_type && s.source_id === source.source_id)) entry.sources.push({ ...source });
  }
  const rank = (s: PermissionSource) => (s.source_type === 'DIRECT' ? 0 : 1);
  for (const entry of byPermission.values()) {
    entry.sources.sort((a, b) => rank(a) - rank(b) || a.source_name.localeCompare(b.source_name) || (a.source_id < b.source_id ? -1 : 1));
  }
  return [...byPermission.values()].sort(comparePermissions);
}
