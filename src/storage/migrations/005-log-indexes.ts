import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Log search (`GET /api/v2/logs`): columns for the searchable fields the foundation left inside
 * the JSON document (client_name, user_name, user_agent), so a search is a plain column comparison
 * on both dialects, and an index for the default listing (newest first, by date).
 */
export const logIndexes = (dialect: SqlDialect): Migration => ({
  async up(db: Kysely<any>) {
    for (const column of ['client_name', 'user_name', 'user_agent']) {
      await db.schema.alterTable('logs').addColumn(column, 'text').execute();
    }
    // Entries written before this migration carry those fields only in their document.
    const field = (name: string) => (dialect === 'postgres' ? sql`(document::jsonb ->> ${sql.lit(name)})` : sql`json_extract(document, ${sql.lit(`$.${name}`)})`);
    await sql`update logs set client_name = ${field('client_name')}, user_name = ${field('user_name')}, user_agent = ${field('user_agent')}`.execute(db);

    // Listing and date ranges read in (date, seq) order; seq breaks ties between same-millisecond events.
    await db.schema.createIndex('logs_tenant_date').on('logs').columns(['tenant_id', 'date', 'seq']).execute();
  },
});
