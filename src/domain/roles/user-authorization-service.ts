/**
 * A user's side of RBAC: the roles assigned to them and the permissions granted to them directly,
 * and the union of both per API (`effectivePermissions`), which the token endpoint uses.
 */
import type { Repositories, Storage } from '../../storage/storage.js';
import { nowIso } from '../clock.js';
import { roleNotFound, toRole, userNotFound, type Role } from './role.js';
import { describePermissions, distinctPermissions, resolvePermissions, type PermissionInput, type PermissionView } from './permissions.js';
import { groupGrants, type PermissionSource } from './permission-sources.js';
import { effectivePermissions } from './effective-permissions.js';
import type { UserDirectory } from './user-directory.js';

type Page = { offset: number; limit: number };

export type UserPermissionView = PermissionView & { sources: PermissionSource[] };

export class UserAuthorizationService {
  constructor(
    private readonly storage: Storage,
    private readonly users: UserDirectory,
  ) {}

  async listRoles(tenantId: string, userId: string, page: Page): Promise<{ items: Role[]; total: number }> {
    const repos = this.storage.repos;
    await this.requireUser(repos, tenantId, userId);
    const [records, total] = await Promise.all([repos.roles.listUserRoles(tenantId, userId, page), repos.roles.countUserRoles(tenantId, userId)]);
    return { items: records.map(toRole), total };
  }

  async assignRoles(tenantId: string, userId: string, roleIds: string[]): Promise<void> {
    await this.storage.transaction(async (repos) => {
      await this.requireUser(repos, tenantId, userId);
      const distinct = [...new Set(roleIds)];
      const found = new Set((await repos.roles.findByIds(tenantId, distinct)).map((role) => role.id));
      if (distinct.some((id) => !found.has(id))) throw roleNotFound();
      await repos.roles.assign(tenantId, distinct.map((roleId) => ({ userId, roleId })), nowIso());
    });
  }

  /** Unassigning a role the user does not have (or that does not exist) changes nothing. */
  async removeRoles(tenantId: string, userId: string, roleIds: string[]): Promise<void> {
    await this.storage.transaction(async (repos) => {
      await this.requireUser(repos, tenantId, userId);
      await repos.roles.unassign(tenantId, userId, [...new Set(roleIds)]);
    });
  }

  /**
   * Direct and role-derived permissions, each once with its sources. A user's permissions are
   * bounded by the scopes of the tenant's APIs, so they are grouped and paged in memory.
   */
  async listPermissions(tenantId: string, userId: string, page: Page): Promise<{ items: UserPermissionView[]; total: number }> {
    const repos = this.storage.repos;
    await this.requireUser(repos, tenantId, userId);
    const all = groupGrants(await repos.roles.listUserGrants(tenantId, userId));
    const slice = all.slice(page.offset, page.offset + page.limit);
    const views = await describePermissions(repos, tenantId, slice);
    return { items: views.map((view, i) => ({ ...view, sources: slice[i]!.sources })), total: all.length };
  }

  async addPermissions(tenantId: string, userId: string, inputs: PermissionInput[]): Promise<void> {
    await this.storage.transaction(async (repos) => {
      await this.requireUser(repos, tenantId, userId);
      const permissions = await resolvePermissions(repos, tenantId, inputs);
      await repos.roles.addUserPermissions(tenantId, userId, permissions, nowIso());
    });
  }

  /** Removes direct grants only; a permission the user also holds through a role stays effective. */
  async removePermissions(tenantId: string, userId: string, inputs: PermissionInput[]): Promise<void> {
    await this.storage.transaction(async (repos) => {
      await this.requireUser(repos, tenantId, userId);
      await repos.roles.removeUserPermissions(tenantId, userId, distinctPermissions(inputs));
    });
  }

  /** Permission names of the user on the API `audience` (direct ∪ roles), sorted. */
  effectivePermissions(tenantId: string, userId: string, audience: string): Promise<string[]> {
    return effectivePermissions(this.storage.repos, tenantId, userId, audience);
  }

  private async requireUser(repos: Repositories, tenantId: string, userId: string): Promise<void> {
    if (!(await this.users.exists(repos, tenantId, userId))) throw userNotFound(userId);
  }
}
