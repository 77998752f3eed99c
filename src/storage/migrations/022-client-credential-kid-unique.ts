import type { Kysely, Migration } from 'kysely';

/**
 * A `kid` names one credential of an application (issue 16): the service checks it before
 * inserting, and this unique index makes it hold under concurrent creates too (a null kid, as
 * certificate credentials have, never collides). Should rows already repeat a kid, the oldest keeps
 * it and the others lose it: their keys still verify assertions that name no kid, and no migration
 * fails on data the check above should have refused.
 */
export const clientCredentialKidUnique: Migration = {
  async up(db: Kysely<any>) {
    const rows = (await db
      .selectFrom('client_credentials')
      .select(['tenant_id', 'client_id', 'kid', 'id'])
      .where('kid', 'is not', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute()) as Array<{ tenant_id: string; client_id: string; kid: string; id: string }>;
    const seen = new Set<string>();
    for (const row of rows) {
      const key = JSON.stringify([row.tenant_id, row.client_id, row.kid]);
      if (!seen.has(key)) {
        seen.add(key);
        continue;
      }
      await db.updateTable('client_credentials').set({ kid: null }).where('tenant_id', '=', row.tenant_id).where('id', '=', row.id).execute();
    }
    await db.schema.createIndex('client_credentials_kid').on('client_credentials').columns(['tenant_id', 'client_id', 'kid']).unique().execute();
  },
};
