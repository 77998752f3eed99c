import { type Kysely, type Migration } from 'kysely';

/**
 * `clients.is_first_party`: the document's `is_first_party` as a column (1 unless the document says
 * false), so that the tenant's third-party applications are counted on an index — Dynamic Client
 * Registration refuses a tenant past its cap of them (auth-api/dynamic-registration.ts) and counts
 * them at every registration. The repository writes the column with the document from now on; rows
 * written before are filled here from their documents.
 */
export const clientFirstParty: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('clients').addColumn('is_first_party', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    // Candidates by text, confirmed by parsing (a string value could spell the same characters).
    const rows = await db.selectFrom('clients').select(['tenant_id', 'client_id', 'document']).where('document', 'like', '%"is_first_party":false%').execute();
    for (const row of rows as Array<{ tenant_id: string; client_id: string; document: string }>) {
      if ((JSON.parse(row.document) as { is_first_party?: unknown }).is_first_party !== false) continue;
      await db.updateTable('clients').set({ is_first_party: 0 }).where('tenant_id', '=', row.tenant_id).where('client_id', '=', row.client_id).execute();
    }
    await db.schema.createIndex('clients_tenant_first_party').on('clients').columns(['tenant_id', 'is_first_party']).execute();
  },
};
