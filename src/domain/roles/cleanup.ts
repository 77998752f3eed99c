/**
 * Grants that must disappear with what they point at. Each function runs on the repositories of
 * the caller's transaction, so the deletion of a user or an API and of its grants commit together.
 */
import type { Repositories } from '../../storage/storage.js';

/**
 * A deleted user's role assignments and direct permissions.
 * The users service must call this inside the transaction that deletes the user.
 */
export async function removeUserAuthorization(repos: Repositories, tenantId: string, userId: string): Promise<void> {
  await repos.roles.removeUser(tenantId, userId);
}

/** Every role and user grant of a deleted API's permissions. */
export async function removeApiPermissions(repos: Repositories, tenantId: string, apiIdentifier: string): Promise<void> {
  await repos.roles.removeApiPermissions(tenantId, apiIdentifier);
}

/**
 * Grants of scopes an API no longer defines, after its `scopes` were replaced (PATCH
 * /resource-servers/{id}): pass the stored scopes before and after, inside that transaction.
 */
export async function removeDroppedScopePermissions(
  repos: Repositories,
  tenantId: string,
  apiIdentifier: string,
  before: ReadonlyArray<{ value: string }> | undefined,
  after: ReadonlyArray<{ value: string }> | undefined,
): Promise<void> {
  const kept = new Set((after ?? []).map((scope) => scope.value));
  const dropped = [...new Set((before ?? []).map((scope) => scope.value))].filter((scope) => !kept.has(scope));
  await repos.roles.removeApiPermissions(tenantId, apiIdentifier, dropped);
}
