/**
 * Roles (RBAC): named sets of API permissions that users are assigned to. Names are unique per
 * tenant. Deleting a role removes its permissions and its assignments in the same transaction.
 */
import type { Storage } from '../../storage/storage.js';
import type { RoleRecord } from '../../storage/repositories/roles.js';
import { conflict } from '../errors.js';
import { nowIso } from '../clock.js';
import { checkRoleName, newRoleId, roleNotFound, toRole, userNotFound, type Role } from './role.js';
import { describePermissions, distinctPermissions, resolvePermissions, type PermissionInput, type PermissionView } from './permissions.js';
import type { RoleMember, UserDirectory } from './user-directory.js';

export interface CreateRoleInput {
  name: string;
  description?: string;
}

export interface UpdateRoleInput {
  name?: string;
  description?: string;
}

type Page = { offset: number; limit: number };

/** Offset pagination, or checkpoint pagination: `take` members starting at user id `from`. */
export type RoleUsersPage = { kind: 'offset'; offset: number; limit: number } | { kind: 'checkpoint'; from?: string; take: number };

export interface RoleUsers {
  users: RoleMember[];
  /** Offset pagination only. */
  total?: number;
  /** Checkpoint pagination only: where the next page starts, absent on the last page. */
  next?: string;
}

const nameTaken = () => conflict('The role already exists.', 'role_conflict');

export class RoleService {
  constructor(
    private readonly storage: Storage,
    private readonly users: UserDirectory,
  ) {}

  async get(tenantId: string, id: string): Promise<Role> {
    return toRole(await this.record(tenantId, id));
  }

  async list(tenantId: string, page: Page, nameFilter?: string): Promise<{ items: Role[]; total: number }> {
    const repo = this.storage.repos.roles;
    const [records, total] = await Promise.all([repo.list(tenantId, page, nameFilter), repo.count(tenantId, nameFilter)]);
    return { items: records.map(toRole), total };
  }

  async create(tenantId: string, input: CreateRoleInput): Promise<Role> {
    const now = nowIso();
    const record: RoleRecord = {
      tenantId,
      id: newRoleId(),
      name: checkRoleName(input.name),
      document: input.description !== undefined ? { description: input.description } : {},
      createdAt: now,
      updatedAt: now,
    };
    await this.storage.transaction(async (repos) => {
      if (await repos.roles.findByName(tenantId, record.name)) throw nameTaken();
      if (!(await repos.roles.insert(record))) throw nameTaken();
    });
    return toRole(record);
  }

  async update(tenantId: string, id: string, input: UpdateRoleInput): Promise<Role> {
    return this.storage.transaction(async (repos) => {
      const current = await repos.roles.findById(tenantId, id);
      if (!current) throw roleNotFound();
      const name = input.name !== undefined ? checkRoleName(input.name) : current.name;
      if (name !== current.name && (await repos.roles.findByName(tenantId, name))) throw nameTaken();
      const document = { ...current.document, ...(input.description !== undefined ? { description: input.description } : {}) };
      const updated: RoleRecord = { ...current, name, document, updatedAt: nowIso() };
      if (!(await repos.roles.replace(updated))) throw nameTaken();
      return toRole(updated);
    });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.storage.transaction(async (repos) => {
      if (!(await repos.roles.delete(tenantId, id))) throw roleNotFound();
    });
  }

  // --- permissions -------------------------------------------------------------------------

  async listPermissions(tenantId: string, roleId: string, page: Page): Promise<{ items: PermissionView[]; total: number }> {
    await this.record(tenantId, roleId);
    const repos = this.storage.repos;
    const [refs, total] = await Promise.all([repos.roles.listRolePermissions(tenantId, roleId, page), repos.roles.countRolePermissions(tenantId, roleId)]);
    return { items: await describePermissions(repos, tenantId, refs), total };
  }

  async addPermissions(tenantId: string, roleId: string, inputs: PermissionInput[]): Promise<void> {
    await this.storage.transaction(async (repos) => {
      if (!(await repos.roles.findById(tenantId, roleId))) throw roleNotFound();
      const permissions = await resolvePermissions(repos, tenantId, inputs);
      await repos.roles.addRolePermissions(tenantId, roleId, permissions, nowIso());
    });
  }

  /** Removing a permission the role does not have is not an error: the outcome is the same. */
  async removePermissions(tenantId: string, roleId: string, inputs: PermissionInput[]): Promise<void> {
    await this.storage.transaction(async (repos) => {
      if (!(await repos.roles.findById(tenantId, roleId))) throw roleNotFound();
      await repos.roles.removeRolePermissions(tenantId, roleId, distinctPermissions(inputs));
    });
  }

  // --- members -----------------------------------------------------------------------------

  async listUsers(tenantId: string, roleId: string, page: RoleUsersPage): Promise<RoleUsers> {
    await this.record(tenantId, roleId);
    const repos = this.storage.repos;
    if (page.kind === 'offset') {
      const [ids, total] = await Promise.all([repos.roles.listRoleUserIds(tenantId, roleId, page), repos.roles.countRoleUsers(tenantId, roleId)]);
      return { users: await this.users.members(repos, tenantId, ids), total };
    }
    // One extra row tells whether there is a next page, and where it starts.
    const ids = await repos.roles.listRoleUserIds(tenantId, roleId, { ...(page.from !== undefined ? { from: page.from } : {}), limit: page.take + 1 });
    const next = ids.length > page.take ? ids[page.take] : undefined;
    const users = await this.users.members(repos, tenantId, ids.slice(0, page.take));
    return { users, ...(next !== undefined ? { next } : {}) };
  }

  async assignUsers(tenantId: string, roleId: string, userIds: string[]): Promise<void> {
    await this.storage.transaction(async (repos) => {
      if (!(await repos.roles.findById(tenantId, roleId))) throw roleNotFound();
      const distinct = [...new Set(userIds)];
      for (const userId of distinct) if (!(await this.users.exists(repos, tenantId, userId))) throw userNotFound(userId);
      await repos.roles.assign(tenantId, distinct.map((userId) => ({ userId, roleId })), nowIso());
    });
  }

  private async record(tenantId: string, id: string): Promise<RoleRecord> {
    const record = await this.storage.repos.roles.findById(tenantId, id);
    if (!record) throw roleNotFound();
    return record;
  }
}
