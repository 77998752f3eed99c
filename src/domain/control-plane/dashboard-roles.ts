/**
 * Dashboard roles: what a tenant member may do in that tenant, as Auth0 names the roles ("Dashboard
 * access by role"). One table maps each role to the Management API scopes its dashboard tokens carry,
 * so a scope added to the Management API never has to be copied into stored data; a membership
 * stores role ids only and its scopes are recomputed from here on every request.
 *
 * Roles Tessera does not offer (Editor – Specific Apps, Editor – Organizations, Editor – Key
 * Management, Elevated Support Access) are absent: a membership naming them is refused.
 */
import { MANAGEMENT_API_SCOPES } from '../management-api-scopes.js';

export type DashboardRoleId = 'admin' | 'editor_users' | 'editor_connections' | 'viewer_users' | 'viewer_config' | 'support_access';

export interface DashboardRole {
  id: DashboardRoleId;
  /** Auth0's spelling, with an en dash. */
  name: string;
  description: string;
  /** Management API scopes on the member's tenant. */
  scopes: readonly string[];
  /** Members, invitations, tenant settings of the control API (environment tag, deletion). */
  managesTenant: boolean;
}

const crud = (resource: string, verbs: string[]) => verbs.map((verb) => `${verb}:${resource}`);

const ROLES: readonly DashboardRole[] = [
  {
    id: 'admin',
    name: 'Admin',
    description: 'Read and write everything in the tenant, including its members.',
    scopes: MANAGEMENT_API_SCOPES,
    managesTenant: true,
  },
  {
    id: 'editor_users',
    name: 'Editor – Users',
    description: 'User operations (create, delete, block and unblock, reset password, update metadata, assign roles) and logs.',
    scopes: [
      ...crud('users', ['read', 'create', 'update', 'delete']),
      ...crud('users_app_metadata', ['read', 'update']),
      'read:roles',
      ...crud('role_members', ['read', 'create', 'delete']),
      'read:logs', 'read:logs_users',
      'create:user_tickets',
      'read:grants', 'delete:grants',
      'read:sessions', 'delete:sessions',
      'read:refresh_tokens', 'delete:refresh_tokens',
      'read:anomaly_blocks', 'delete:anomaly_blocks',
      'read:connections',
      'read:clients',
    ],
    managesTenant: false,
  },
  {
    id: 'editor_connections',
    name: 'Editor – Connections',
    description: 'Read, write and create every connection type.',
    scopes: [...crud('connections', ['read', 'create', 'update', 'delete']), 'read:connections_options', 'update:connections_options', 'read:clients'],
    managesTenant: false,
  },
  {
    id: 'viewer_users',
    name: 'Viewer – Users',
    description: 'Read-only users and user-related logs.',
    scopes: ['read:users', 'read:users_app_metadata', 'read:roles', 'read:role_members', 'read:logs', 'read:logs_users', 'read:connections'],
    managesTenant: false,
  },
  {
    id: 'viewer_config',
    name: 'Viewer – Config',
    description: 'Read-only configuration (applications, APIs, connections, security) except secrets, users and logs.',
    scopes: [
      'read:clients', 'read:client_credentials', 'read:resource_servers', 'read:client_grants', 'read:connections', 'read:roles', 'read:tenant_settings',
      'read:branding', 'read:attack_protection', 'read:signing_keys', 'read:custom_signing_keys', 'read:email_provider', 'read:custom_domains', 'read:prompts',
    ],
    managesTenant: false,
  },
  {
    id: 'support_access',
    name: 'Support Access',
    description: 'Aggregated metrics: the Activity page, read-only.',
    scopes: ['read:stats'],
    managesTenant: false,
  },
];

const BY_ID = new Map(ROLES.map((role) => [role.id, role]));

export const DASHBOARD_ROLES: readonly DashboardRole[] = ROLES;
export const DASHBOARD_ROLE_IDS: readonly DashboardRoleId[] = ROLES.map((role) => role.id);

export const isDashboardRoleId = (value: unknown): value is DashboardRoleId => typeof value === 'string' && BY_ID.has(value as DashboardRoleId);

export function dashboardRole(id: DashboardRoleId): DashboardRole {
  return BY_ID.get(id)!;
}

/** The union of the roles' scopes: what a member's dashboard token for the tenant may carry. */
export function scopesOfRoles(roles: readonly string[]): Set<string> {
  const scopes = new Set<string>();
  for (const id of roles) if (isDashboardRoleId(id)) for (const scope of dashboardRole(id).scopes) scopes.add(scope);
  return scopes;
}

/** Whether these roles may manage the tenant itself (members, invitations, environment tag, deletion). */
export const managesTenant = (roles: readonly string[]): boolean => roles.some((id) => isDashboardRoleId(id) && dashboardRole(id).managesTenant);
