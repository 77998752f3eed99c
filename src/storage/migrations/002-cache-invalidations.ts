import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/** A short-lived feed of cache invalidations that every instance (and the CLI) can read. */
export const cacheInvalidations = (dialect: SqlDialect): Migration => ({
  async up(db: Kysely<any>) {
    const seq = dialect === 'postgres' ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
    await db.schema
      .createTable('cache_invalidations')
      .addColumn('seq', seq)
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key', 'text')
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
});
