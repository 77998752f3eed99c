import type { Kysely, Migration } from 'kysely';

/**
 * Each tenant records the id of its bootstrap application (domain/bootstrap.ts), the one provisioning
 * grants the whole Management API. It lives on the tenant row, which the Management API cannot write,
 * so nothing a Management API caller creates (say, an application with the bootstrap's name) can
 * become the bootstrap application. Null for tenants provisioned before this column: the next start
 * adopts their existing application when it is unambiguous.
 * `bootstrap_provisioned_at` records when that provisioning completed (grant written, credentials
 * handed over): until then a start completes it, after it nothing is healed (a deleted grant or
 * application stays deleted) and the secret is never shown again.
 */
export const bootstrapClientId: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('tenants').addColumn('bootstrap_client_id', 'text').execute();
    await db.schema.alterTable('tenants').addColumn('bootstrap_provisioned_at', 'text').execute();
  },
};
