import type { Kysely, Migration } from 'kysely';

/** Universal Login branding (`/api/v2/branding`): colours, logo, favicon, font; a JSON document per tenant. */
export const branding: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('tenants').addColumn('branding', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  },
};
