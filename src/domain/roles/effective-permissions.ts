/** The permissions a user holds on one API: granted directly or through any of their roles. */
import type { Repositories } from '../../storage/storage.js';
import type { ResourceServerScope } from '../resource-servers/resource-server.js';

/**
 * Sorted permission names of `userId` on the API whose identifier is `audience`, for the
 * `permissions` claim and RBAC scope filtering. Grants are removed with their API or scope; the
 * check against the API's current scopes still guarantees a token never carries a permission the
 * API does not define, even if some future path forgets that clean-up.
 */
export async function effectivePermissions(repos: Repositories, tenantId: string, userId: string, audience: string): Promise<string[]> {
  const api = await repos.resourceServers.findByIdentifier(tenantId, audience);
  if (!api) return [];
  const defined = new Set(((api.document.scopes as ResourceServerScope[] | undefined) ?? []).map((scope) => scope.value));
  const names = await repos.roles.effectivePermissionNames(tenantId, userId, audience);
  return [...new Set(names)].filter((name) => defined.has(name)).sort();
}
