import type { Kysely, Migration } from 'kysely';

/**
 * What the OpenID Connect flows keep between requests: one-time artefacts with an expiry (login
 * transactions, authorization codes, opaque access tokens), login sessions, refresh tokens with
 * their rotation families, and users' consent grants. Secrets are stored as SHA-256 hashes only.
 */
export const oidc: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('ttl_entries')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('consumed_at', 'text')
      .addPrimaryKeyConstraint('ttl_entries_pk', ['tenant_id', 'kind', 'key_hash'])
      .execute();
    await db.schema.createIndex('ttl_entries_expiry').on('ttl_entries').column('expires_at').execute();

    await db.schema
      .createTable('sessions')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id_hash', 'text', (c) => c.notNull())
      .addColumn('sid', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('authenticated_at', 'text', (c) => c.notNull())
      .addColumn('last_interaction_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('idle_expires_at', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addPrimaryKeyConstraint('sessions_pk', ['tenant_id', 'id_hash'])
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').columns(['tenant_id', 'user_id']).execute();
    await db.schema.createIndex('sessions_sid').on('sessions').columns(['tenant_id', 'sid']).execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      // The authorization code the family started from: a replayed code revokes what it issued.
      .addColumn('code_hash', 'text')
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('idle_expires_at', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('rotated_at', 'text')
      .addColumn('revoked_at', 'text')
      .addPrimaryKeyConstraint('refresh_tokens_pk', ['tenant_id', 'id'])
      .addUniqueConstraint('refresh_tokens_hash', ['tenant_id', 'token_hash'])
      .execute();
    await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').columns(['tenant_id', 'family_id']).execute();
    await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').columns(['tenant_id', 'user_id']).execute();

    await db.schema
      .createTable('user_grants')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_grants_pk', ['tenant_id', 'id'])
      .addUniqueConstraint('user_grants_unique', ['tenant_id', 'user_id', 'client_id', 'audience'])
      .execute();
  },
};
