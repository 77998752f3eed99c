/**
 * Names for the control API's shapes, taken from the generated document types
 * (generated/control.ts, `npm run api:types`), so they cannot drift from the server's schemas.
 */
import type { paths } from './generated/control.js';

export type ControlPaths = paths;

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type Me = Json<paths['/api/control/v1/me']['get']['responses'][200]>;
export type ThemePreference = Me['preferences']['theme'];
export type DashboardSession = Json<paths['/api/control/v1/me/sessions']['get']['responses'][200]>[number];
export type TenantSummary = Json<paths['/api/control/v1/tenants/{name}']['get']['responses'][200]>;
export type EnvironmentTag = TenantSummary['environment_tag'];
export type RoleId = TenantSummary['roles'][number];
export type TenantToken = Json<paths['/api/control/v1/tenants/{name}/token']['post']['responses'][200]>;
export type Member = Json<paths['/api/control/v1/tenants/{name}/members']['get']['responses'][200]>[number];
export type Invitation = Json<paths['/api/control/v1/tenants/{name}/invitations']['get']['responses'][200]>[number];
export type InvitationLookup = Json<paths['/api/control/v1/invitations/lookup']['post']['responses'][200]>;
export type InvitationAccepted = Json<paths['/api/control/v1/invitations/accept']['post']['responses'][200]>;
