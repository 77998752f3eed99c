/**
 * What a user-facing flow may get for an API (docs: API Access Policies, RBAC, client grants):
 * the API's user access policy decides whether the application may ask at all; the granted scopes
 * are the requested ones the API defines, narrowed by the client grant (require_client_grant) and,
 * with RBAC on, by the user's permissions.
 *
 * The tenant's system API (the Management API) is the exception, decided here once for every user
 * flow (authorize and cross-origin, password, password-realm, passwordless OTP, refresh): a user
 * token for it carries only the `*:current_user*` scopes asked for, whatever else was requested,
 * granted or permitted, because anything more would let an end user administer the tenant.
 */
import type { Services } from '../services.js';
import type { Client } from '../clients/client.js';
import type { ResourceServer } from '../resource-servers/resource-server.js';
import { OIDC_SCOPES } from './user-claims.js';
import { CURRENT_USER_SCOPES } from '../management-api-scopes.js';
import { allowedDetailsTypes } from './authorization-details.js';

export interface ApiAccess {
  api: ResourceServer;
  scopes: string[];
  /** All of the user's permissions for the API, for `*_authz` token dialects. */
  permissions?: string[];
  /** The rich authorization details types the application may ask of the API now (authorization-details.ts). */
  detailsTypes: ReadonlySet<string>;
}

export class ApiAccessDenied extends Error {}

export async function userApiAccess(services: Services, tenantId: string, client: Client, userId: string, audience: string, requested: string[]): Promise<ApiAccess> {
  const api = await services.resourceServers.findByAudience(tenantId, audience);
  if (!api) throw new ApiAccessDenied(`Service not found: ${audience}`);
  const policy = api.subject_type_authorization.user.policy;
  if (policy === 'deny_all') throw new ApiAccessDenied(`Client is not authorized to access "${audience}".`);
  // The stored flag, not the URL: whatever identifier or alias named it, this is the Management API.
  if (api.is_system) return { api, scopes: [...new Set(requested.filter((s) => CURRENT_USER_SCOPES.has(s)))], detailsTypes: new Set() };

  const defined = new Set(api.scopes.map((s) => s.value));
  let scopes = requested.filter((s) => !OIDC_SCOPES.has(s) && defined.has(s));
  let grantDetailsTypes: readonly string[] | null = null;
  if (policy === 'require_client_grant') {
    const grant = await services.clientGrants.findFor(tenantId, client.client_id, api.identifier, 'user');
    if (!grant) throw new ApiAccessDenied(`Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`);
    if (!grant.allow_all_scopes) scopes = scopes.filter((s) => grant.scope.includes(s));
    grantDetailsTypes = (grant.authorization_details_types as string[] | undefined) ?? [];
  }
  const detailsTypes = allowedDetailsTypes(api, grantDetailsTypes);
  if (!api.enforce_policies) return { api, scopes, detailsTypes };
  const permissions = await services.userAuthorization.effectivePermissions(tenantId, userId, api.identifier);
  return { api, scopes: scopes.filter((s) => permissions.includes(s)), permissions, detailsTypes };
}
