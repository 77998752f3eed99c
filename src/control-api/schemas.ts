/** Shapes the control API answers with, shared by its routes and its OpenAPI document. */
import { Type } from '@sinclair/typebox';
import type { DashboardAccount } from '../domain/control-plane/dashboard-accounts.js';
import type { Tenant } from '../domain/tenants/tenant-service.js';
import type { DashboardRoleId } from '../domain/control-plane/dashboard-roles.js';
import { csrfTokenFor } from '../http/dashboard-csrf.js';

/** An empty answer (204). */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No body.' });

export const ErrorResponse = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String(), errorCode: Type.String() });

export const Theme = Type.Union([Type.Literal('light'), Type.Literal('dark'), Type.Literal('system')]);
export const EnvironmentTag = Type.Union([Type.Literal('development'), Type.Literal('staging'), Type.Literal('production')]);
export const RoleId = Type.Union([
  Type.Literal('admin'),
  Type.Literal('editor_users'),
  Type.Literal('editor_connections'),
  Type.Literal('viewer_users'),
  Type.Literal('viewer_config'),
  Type.Literal('support_access'),
]);

export const AccountResponse = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  picture: Type.Optional(Type.String()),
  is_owner: Type.Boolean(),
  preferences: Type.Object({ theme: Theme }),
  /** Send it back in `x-tessera-csrf` on every state-changing request of this session. */
  csrf_token: Type.String(),
});

export const accountView = (account: DashboardAccount, csrfKey: Uint8Array, sessionId: string) => ({ ...account, csrf_token: csrfTokenFor(csrfKey, sessionId) });

export const TenantResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  environment_tag: EnvironmentTag,
  domain: Type.String(),
  /** The tenant's Management API identifier: the audience and base URL of its dashboard tokens. */
  management_api: Type.String(),
  created_at: Type.String(),
  /** The caller's roles in the tenant. */
  roles: Type.Array(RoleId),
});

export const tenantView = (tenant: Tenant, managementApi: string, roles: readonly DashboardRoleId[]) => ({
  id: tenant.id,
  name: tenant.name,
  environment_tag: tenant.environmentTag,
  domain: tenant.domain,
  management_api: managementApi,
  created_at: tenant.createdAt,
  roles: [...roles],
});

export const TenantParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) });
