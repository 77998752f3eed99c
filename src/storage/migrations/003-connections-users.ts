import type { Kysely, Migration } from 'kysely';

/**
 * Connections (identity sources), the applications each is enabled for, and the users stored in
 * them. Users keep as columns what searches, sorts and uniqueness rules read; the rest of the
 * profile is a JSON document like every other aggregate.
 */
export const connectionsUsers = (): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('connections')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('strategy', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('connections_pk', ['tenant_id', 'id'])
      .addUniqueConstraint('connections_name', ['tenant_id', 'name'])
      .execute();
    await db.schema.createIndex('connections_tenant_created').on('connections').columns(['tenant_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('connection_clients')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('connection_clients_pk', ['tenant_id', 'connection_id', 'client_id'])
      .execute();
    // Deleting an application removes it from every connection.
    await db.schema.createIndex('connection_clients_client').on('connection_clients').columns(['tenant_id', 'client_id']).execute();

    await db.schema
      .createTable('users')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('connection', 'text', (c) => c.notNull())
      .addColumn('email', 'text') // lowercased, as Auth0 stores the emails of its own users
      .addColumn('username', 'text')
      .addColumn('username_lower', 'text')
      .addColumn('phone_number', 'text')
      .addColumn('name', 'text')
      .addColumn('nickname', 'text')
      .addColumn('given_name', 'text')
      .addColumn('family_name', 'text')
      .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('blocked', 'integer') // null until set, so an untouched user shows no `blocked`
      .addColumn('password_hash', 'text')
      .addColumn('password_history', 'text') // JSON array of earlier bcrypt hashes, newest first
      .addColumn('app_metadata', 'text', (c) => c.notNull())
      .addColumn('user_metadata', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('logins_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_login', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('users_pk', ['tenant_id', 'user_id'])
      .execute();
    // One user per email, username and phone number within a connection; NULLs never collide.
    await db.schema.createIndex('users_connection_email').unique().on('users').columns(['tenant_id', 'connection_id', 'email']).execute();
    await db.schema.createIndex('users_connection_username').unique().on('users').columns(['tenant_id', 'connection_id', 'username_lower']).execute();
    await db.schema.createIndex('users_connection_phone').unique().on('users').columns(['tenant_id', 'connection_id', 'phone_number']).execute();
    await db.schema.createIndex('users_tenant_email').on('users').columns(['tenant_id', 'email']).execute();
    await db.schema.createIndex('users_tenant_created').on('users').columns(['tenant_id', 'created_at', 'user_id']).execute();
  },
});
