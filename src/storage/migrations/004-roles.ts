import type { Kysely, Migration } from 'kysely';

/**
 * RBAC: roles, the API permissions granted to a role, role assignments of users, and permissions
 * granted to users directly. Permissions name their API by identifier (the audience), which is
 * immutable and is what both the Management API bodies and the token endpoint speak.
 * User ids are not foreign keys: users live in their own aggregate, and the domain removes a
 * user's assignments when the user is deleted.
 */
export const roles = (): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('roles')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('roles_pk', ['tenant_id', 'id'])
      .addUniqueConstraint('roles_name', ['tenant_id', 'name'])
      .execute();

    await db.schema
      .createTable('role_permissions')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('role_id', 'text', (c) => c.notNull())
      .addColumn('resource_server_identifier', 'text', (c) => c.notNull())
      .addColumn('permission_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('role_permissions_pk', ['tenant_id', 'role_id', 'resource_server_identifier', 'permission_name'])
      .execute();
    // Removing an API (or one of its scopes) deletes by identifier.
    await db.schema.createIndex('role_permissions_api').on('role_permissions').columns(['tenant_id', 'resource_server_identifier']).execute();

    await db.schema
      .createTable('user_roles')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('role_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_roles_pk', ['tenant_id', 'user_id', 'role_id'])
      .execute();
    // A role's members, in user id order (checkpoint pagination of GET /roles/{id}/users).
    await db.schema.createIndex('user_roles_role').on('user_roles').columns(['tenant_id', 'role_id', 'user_id']).execute();

    await db.schema
      .createTable('user_permissions')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('resource_server_identifier', 'text', (c) => c.notNull())
      .addColumn('permission_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_permissions_pk', ['tenant_id', 'user_id', 'resource_server_identifier', 'permission_name'])
      .execute();
    await db.schema.createIndex('user_permissions_api').on('user_permissions').columns(['tenant_id', 'resource_server_identifier']).execute();
  },
});
