/**
 * The dashboard roles table (src/domain/control-plane/dashboard-roles.ts): each role's exact scopes,
 * all of them real Management API scopes, and the lines no role but Admin may cross.
 */
import { describe, expect, it } from 'vitest';
import { DASHBOARD_ROLES, DASHBOARD_ROLE_IDS, isDashboardRoleId, managesTenant, scopesOfRoles } from '../../src/domain/control-plane/dashboard-roles.js';
import { MANAGEMENT_API_SCOPES } from '../../src/domain/management-api-scopes.js';

const scopesOf = (id: string) => [...scopesOfRoles([id])].sort();
const isWrite = (scope: string) => !scope.startsWith('read:');

describe('dashboard roles', () => {
  it('are the six roles Auth0 names, with its spelling', () => {
    expect(DASHBOARD_ROLES.map((r) => [r.id, r.name])).toEqual([
      ['admin', 'Admin'],
      ['editor_users', 'Editor – Users'],
      ['editor_connections', 'Editor – Connections'],
      ['viewer_users', 'Viewer – Users'],
      ['viewer_config', 'Viewer – Config'],
      ['support_access', 'Support Access'],
    ]);
  });

  it('grant only scopes the Management API has', () => {
    const known = new Set(MANAGEMENT_API_SCOPES);
    for (const role of DASHBOARD_ROLES) for (const scope of role.scopes) expect(known.has(scope), `${role.id}: ${scope}`).toBe(true);
  });

  it('Admin holds every Management API scope; only Admin manages the tenant', () => {
    expect(scopesOf('admin')).toEqual([...MANAGEMENT_API_SCOPES].sort());
    for (const id of DASHBOARD_ROLE_IDS) expect(managesTenant([id]), id).toBe(id === 'admin');
  });

  it('pins the scopes of every other role', () => {
    expect(scopesOf('viewer_users')).toEqual(['read:connections', 'read:logs', 'read:logs_users', 'read:role_members', 'read:roles', 'read:users', 'read:users_app_metadata']);
    expect(scopesOf('viewer_config')).toEqual([
      'read:attack_protection', 'read:branding', 'read:client_credentials', 'read:client_grants', 'read:clients', 'read:connections', 'read:custom_domains', 'read:custom_signing_keys',
      'read:email_provider', 'read:prompts', 'read:resource_servers', 'read:roles', 'read:signing_keys', 'read:tenant_settings',
    ]);
    expect(scopesOf('support_access')).toEqual(['read:stats']);
    expect(scopesOf('editor_connections')).toEqual([
      'create:connections', 'delete:connections', 'read:clients', 'read:connections', 'read:connections_options', 'update:connections', 'update:connections_options',
    ]);
    expect(scopesOf('editor_users')).toEqual([
      'create:role_members', 'create:user_tickets', 'create:users', 'delete:anomaly_blocks', 'delete:grants', 'delete:refresh_tokens', 'delete:role_members',
      'delete:sessions', 'delete:users', 'read:anomaly_blocks', 'read:clients', 'read:connections', 'read:grants', 'read:logs', 'read:logs_users',
      'read:refresh_tokens', 'read:role_members', 'read:roles', 'read:sessions', 'read:users', 'read:users_app_metadata', 'update:users', 'update:users_app_metadata',
    ]);
  });

  it('viewers and support hold no write scope; no role but Admin sees secrets', () => {
    for (const id of ['viewer_users', 'viewer_config', 'support_access']) expect(scopesOf(id).filter(isWrite), id).toEqual([]);
    for (const id of DASHBOARD_ROLE_IDS.filter((r) => r !== 'admin')) {
      expect(scopesOf(id), id).not.toContain('read:client_keys');
      expect(scopesOf(id), id).not.toContain('read:dev_outbox');
    }
    // Viewer – Config reads configuration, never users or logs.
    expect(scopesOf('viewer_config').filter((s) => /users|logs/.test(s))).toEqual([]);
  });

  it('several roles grant the union of their scopes; unknown role ids grant nothing', () => {
    expect([...scopesOfRoles(['viewer_users', 'support_access'])].sort()).toEqual([...scopesOf('viewer_users'), 'read:stats'].sort());
    expect(scopesOfRoles(['owner', 'editor_specific_apps']).size).toBe(0);
    expect(isDashboardRoleId('admin')).toBe(true);
    expect(isDashboardRoleId('Admin')).toBe(false);
    expect(isDashboardRoleId('__proto__')).toBe(false);
  });
});
