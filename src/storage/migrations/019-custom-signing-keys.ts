import type { Kysely, Migration } from 'kysely';

/**
 * `custom_signing_keys`: a tenant's customer-provided public signing keys (Auth0's
 * `/api/v2/keys/custom-signing`), one JSON array of public JWKs per tenant, replaced whole by each
 * PUT and removed by DELETE. Public keys only: nothing here is secret, so nothing is sealed.
 */
export const customSigningKeys: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('custom_signing_keys')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('keys', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('custom_signing_keys_pk', ['tenant_id'])
      .execute();
  },
};
