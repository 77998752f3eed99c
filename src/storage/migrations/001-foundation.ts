import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/** Tenants, domains, signing keys, clients, APIs, client grants and logs. */
export const foundation = (dialect: SqlDialect): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('tenants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .execute();

    await db.schema
      .createTable('tenant_domains')
      .addColumn('domain', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('tenant_domains_tenant').on('tenant_domains').column('tenant_id').execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('kid', 'text', (c) => c.notNull())
      .addColumn('alg', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('cert', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('current_since', 'text')
      .addColumn('current_until', 'text')
      .addColumn('revoked_at', 'text')
      .addPrimaryKeyConstraint('signing_keys_pk', ['tenant_id', 'kid'])
      .execute();

    await db.schema
      .createTable('clients')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('client_secret', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('app_type', 'text')
      .addColumn('is_system', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('clients_pk', ['tenant_id', 'client_id'])
      .execute();

    await db.schema
      .createTable('resource_servers')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('identifier', 'text', (c) => c.notNull())
      .addColumn('is_system', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('resource_servers_pk', ['tenant_id', 'id'])
      .addUniqueConstraint('resource_servers_identifier', ['tenant_id', 'identifier'])
      .execute();

    await db.schema
      .createTable('client_grants')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('client_grants_pk', ['tenant_id', 'id'])
      .addUniqueConstraint('client_grants_unique', ['tenant_id', 'client_id', 'audience', 'subject_type'])
      .execute();

    // seq gives logs a stable, strictly increasing order for checkpoint pagination (from/take).
    const seq = dialect === 'postgres' ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
    await db.schema
      .createTable('logs')
      .addColumn('seq', seq)
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('log_id', 'text', (c) => c.notNull().unique())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('description', 'text')
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('logs_tenant_seq').on('logs').columns(['tenant_id', 'seq']).execute();
  },
});
