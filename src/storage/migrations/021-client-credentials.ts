import type { Kysely, Migration } from 'kysely';

/**
 * Application credentials (Auth0's `/api/v2/clients/{id}/credentials`, issue 16):
 *
 * - `client_credentials`: the public keys and certificates an application authenticates with
 *   (`public_key` for private_key_jwt, `cert_subject_dn` for tls_client_auth, `x509_cert` for
 *   self_signed_tls_client_auth). Public material only: nothing here is secret, nothing sealed.
 *   A credential belongs to one application of one tenant; the application's document says which
 *   credentials each method uses (`client_authentication_methods`).
 * - `client_assertion_jtis`: the `jti` of every private_key_jwt assertion accepted, until the
 *   assertion expires, so one is never accepted twice (RFC 7523 §3, item 7), whichever instance
 *   sees the replay. Swept by the background sweeper once expired.
 */
export const clientCredentials: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('client_credentials')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('credential_type', 'text', (c) => c.notNull())
      .addColumn('pem', 'text')
      .addColumn('kid', 'text')
      .addColumn('alg', 'text')
      .addColumn('subject_dn', 'text')
      .addColumn('thumbprint_sha256', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('client_credentials_pk', ['tenant_id', 'id'])
      .addForeignKeyConstraint('client_credentials_client_fk', ['tenant_id', 'client_id'], 'clients', ['tenant_id', 'client_id'], (fk) => fk.onDelete('cascade'))
      .execute();
    await db.schema.createIndex('client_credentials_client').on('client_credentials').columns(['tenant_id', 'client_id']).execute();

    await db.schema
      .createTable('client_assertion_jtis')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('jti_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('client_assertion_jtis_pk', ['tenant_id', 'client_id', 'jti_hash'])
      .execute();
    await db.schema.createIndex('client_assertion_jtis_expiry').on('client_assertion_jtis').column('expires_at').execute();
  },
};
