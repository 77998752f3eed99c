import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

/** A stored role. `document` holds the description and any further Auth0 role fields. */
export interface RoleRecord {
  tenantId: string;
  id: string;
  name: string;
  document: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** A permission: one scope (`name`) of the API whose identifier is `api`. */
export interface PermissionRef {
  api: string;
  name: string;
}

/** Where one of a user's permissions comes from: granted directly, or through a role. */
export type PermissionGrant = PermissionRef & ({ source: 'direct' } | { source: 'role'; roleId: string; roleName: string });

type RoleRow = Database['roles'];

const toRecord = (row: RoleRow): RoleRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  name: row.name,
  document: fromJson(row.document),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Permissions grouped by API, so a delete is one `identifier = ? and name in (...)` per API. */
function byApi(permissions: PermissionRef[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { api, name } of permissions) groups.set(api, [...(groups.get(api) ?? []), name]);
  return groups;
}

/** PostgreSQL's unique_violation, or SQLite's unique/primary key constraint failure. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Escapes LIKE wildcards so a name filter matches literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Roles, the permissions they grant, their members, and permissions granted to users directly.
 * Every method takes the tenant id; rows of another tenant are never read or written.
 */
export class RolesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  // --- roles -------------------------------------------------------------------------------

  /** False when the tenant already has a role with this name (a concurrent create can get there first). */
  async insert(role: RoleRecord): Promise<boolean> {
    try {
      await this.db
        .insertInto('roles')
        .values({ tenant_id: role.tenantId, id: role.id, name: role.name, document: toJson(role.document), created_at: role.createdAt, updated_at: role.updatedAt })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async findById(tenantId: string, id: string): Promise<RoleRecord | undefined> {
    const row = await this.db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByName(tenantId: string, name: string): Promise<RoleRecord | undefined> {
    const row = await this.db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByIds(tenantId: string, ids: string[]): Promise<RoleRecord[]> {
    if (!ids.length) return [];
    const rows = await this.db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    return rows.map(toRecord);
  }

  /** `nameFilter` matches anywhere in the name, case-insensitively. */
  async list(tenantId: string, page: { offset: number; limit: number }, nameFilter?: string): Promise<RoleRecord[]> {
    const rows = await this.filtered(tenantId, nameFilter).selectAll().orderBy('name').orderBy('id').offset(page.offset).limit(page.limit).execute();
    return rows.map(toRecord);
  }

  async count(tenantId: string, nameFilter?: string): Promise<number> {
    const row = await this.filtered(tenantId, nameFilter)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private filtered(tenantId: string, nameFilter?: string) {
    let query = this.db.selectFrom('roles').where('tenant_id', '=', tenantId);
    if (nameFilter) {
      // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
      const pattern = `%${likeLiteral(nameFilter.toLowerCase())}%`;
      query = query.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
    }
    return query;
  }

  /** False when another role of the tenant has the new name. */
  async replace(role: RoleRecord): Promise<boolean> {
    try {
      await this.db
        .updateTable('roles')
        .set({ name: role.name, document: toJson(role.document), updated_at: role.updatedAt })
        .where('tenant_id', '=', role.tenantId)
        .where('id', '=', role.id)
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Deletes the role with its permissions and user assignments. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    await this.db.deleteFrom('role_permissions').where('tenant_id', '=', tenantId).where('role_id', '=', id).execute();
    await this.db.deleteFrom('user_roles').where('tenant_id', '=', tenantId).where('role_id', '=', id).execute();
    const result = await this.db.deleteFrom('roles').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // --- permissions of a role ---------------------------------------------------------------

  async addRolePermissions(tenantId: string, roleId: string, permissions: PermissionRef[], now: string): Promise<void> {
    if (!permissions.length) return;
    await this.db
      .insertInto('role_permissions')
      .values(permissions.map((p) => ({ tenant_id: tenantId, role_id: roleId, resource_server_identifier: p.api, permission_name: p.name, created_at: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async removeRolePermissions(tenantId: string, roleId: string, permissions: PermissionRef[]): Promise<void> {
    for (const [api, names] of byApi(permissions)) {
      await this.db
        .deleteFrom('role_permissions')
        .where('tenant_id', '=', tenantId)
        .where('role_id', '=', roleId)
        .where('resource_server_identifier', '=', api)
        .where('permission_name', 'in', names)
        .execute();
    }
  }

  async listRolePermissions(tenantId: string, roleId: string, page: { offset: number; limit: number }): Promise<PermissionRef[]> {
    const rows = await this.db
      .selectFrom('role_permissions')
      .select(['resource_server_identifier', 'permission_name'])
      .where('tenant_id', '=', tenantId)
      .where('role_id', '=', roleId)
      .orderBy('resource_server_identifier')
      .orderBy('permission_name')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    return rows.map((r) => ({ api: r.resource_server_identifier, name: r.permission_name }));
  }

  async countRolePermissions(tenantId: string, roleId: string): Promise<number> {
    const row = await this.db
      .selectFrom('role_permissions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role_id', '=', roleId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // --- role assignments --------------------------------------------------------------------

  async assign(tenantId: string, assignments: Array<{ userId: string; roleId: string }>, now: string): Promise<void> {
    if (!assignments.length) return;
    await this.db
      .insertInto('user_roles')
      .values(assignments.map((a) => ({ tenant_id: tenantId, user_id: a.userId, role_id: a.roleId, created_at: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async unassign(tenantId: string, userId: string, roleIds: string[]): Promise<void> {
    if (!roleIds.length) return;
    await this.db.deleteFrom('user_roles').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('role_id', 'in', roleIds).execute();
  }

  /** The user's roles, by name. */
  async listUserRoles(tenantId: string, userId: string, page: { offset: number; limit: number }): Promise<RoleRecord[]> {
    const rows = await this.db
      .selectFrom('user_roles')
      .innerJoin('roles', (join) => join.onRef('roles.tenant_id', '=', 'user_roles.tenant_id').onRef('roles.id', '=', 'user_roles.role_id'))
      .selectAll('roles')
      .where('user_roles.tenant_id', '=', tenantId)
      .where('user_roles.user_id', '=', userId)
      .orderBy('roles.name')
      .orderBy('roles.id')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    return rows.map(toRecord);
  }

  async countUserRoles(tenantId: string, userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('user_roles')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * The ids of a role's members in user id order: from an offset, or (checkpoint pagination)
   * starting at the user id `from`.
   */
  async listRoleUserIds(tenantId: string, roleId: string, page: { offset: number; limit: number } | { from?: string; limit: number }): Promise<string[]> {
    let query = this.db.selectFrom('user_roles').select('user_id').where('tenant_id', '=', tenantId).where('role_id', '=', roleId);
    if ('from' in page && page.from !== undefined) query = query.where('user_id', '>=', page.from);
    query = query.orderBy('user_id').limit(page.limit);
    if ('offset' in page) query = query.offset(page.offset);
    const rows = await query.execute();
    return rows.map((r) => r.user_id);
  }

  async countRoleUsers(tenantId: string, roleId: string): Promise<number> {
    const row = await this.db
      .selectFrom('user_roles')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role_id', '=', roleId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // --- permissions granted to users directly -----------------------------------------------

  async addUserPermissions(tenantId: string, userId: string, permissions: PermissionRef[], now: string): Promise<void> {
    if (!permissions.length) return;
    await this.db
      .insertInto('user_permissions')
      .values(permissions.map((p) => ({ tenant_id: tenantId, user_id: userId, resource_server_identifier: p.api, permission_name: p.name, created_at: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async removeUserPermissions(tenantId: string, userId: string, permissions: PermissionRef[]): Promise<void> {
    for (const [api, names] of byApi(permissions)) {
      await this.db
        .deleteFrom('user_permissions')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('resource_server_identifier', '=', api)
        .where('permission_name', 'in', names)
        .execute();
    }
  }

  /** Every permission the user holds, once per source (direct, and each role granting it). */
  async listUserGrants(tenantId: string, userId: string): Promise<PermissionGrant[]> {
    const direct = await this.db
      .selectFrom('user_permissions')
      .select(['resource_server_identifier', 'permission_name'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
    const viaRoles = await this.db
      .selectFrom('role_permissions')
      .innerJoin('roles', (join) => join.onRef('roles.tenant_id', '=', 'role_permissions.tenant_id').onRef('roles.id', '=', 'role_permissions.role_id'))
      .select(['role_permissions.resource_server_identifier', 'role_permissions.permission_name', 'roles.id as role_id', 'roles.name as role_name'])
      .where('role_permissions.tenant_id', '=', tenantId)
      .where('role_permissions.role_id', 'in', this.roleIdsOf(tenantId, userId))
      .execute();
    return [
      ...direct.map((r): PermissionGrant => ({ api: r.resource_server_identifier, name: r.permission_name, source: 'direct' })),
      ...viaRoles.map((r): PermissionGrant => ({ api: r.resource_server_identifier, name: r.permission_name, source: 'role', roleId: r.role_id, roleName: r.role_name })),
    ];
  }

  /** Names of the permissions the user holds on one API, directly or through roles. */
  async effectivePermissionNames(tenantId: string, userId: string, api: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_permissions')
      .select('permission_name')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('resource_server_identifier', '=', api)
      .union(
        this.db
          .selectFrom('role_permissions')
          .select('permission_name')
          .where('tenant_id', '=', tenantId)
          .where('role_id', 'in', this.roleIdsOf(tenantId, userId))
          .where('resource_server_identifier', '=', api),
      )
      .execute();
    return rows.map((r) => r.permission_name);
  }

  /**
   * The user's role ids, as a subquery. Permissions are read by role id through the primary key of
   * role_permissions; as a join, SQLite's planner (without table statistics) read every permission
   * of the tenant and looked each one's role up in the user's assignments (bench/explain.mjs).
   */
  private roleIdsOf(tenantId: string, userId: string) {
    return this.db.selectFrom('user_roles').select('user_roles.role_id').where('user_roles.tenant_id', '=', tenantId).where('user_roles.user_id', '=', userId);
  }

  // --- clean-up when a user or an API goes away --------------------------------------------

  async removeUser(tenantId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('user_roles').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
    await this.db.deleteFrom('user_permissions').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  }

  /** Removes every grant of the API's permissions, or only of the named ones. */
  async removeApiPermissions(tenantId: string, api: string, names?: string[]): Promise<void> {
    if (names && !names.length) return;
    for (const table of ['role_permissions', 'user_permissions'] as const) {
      let query = this.db.deleteFrom(table).where('tenant_id', '=', tenantId).where('resource_server_identifier', '=', api);
      if (names) query = query.where('permission_name', 'in', names);
      await query.execute();
    }
  }
}
