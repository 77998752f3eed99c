/** The shared feed behind the database invalidation bus. Not tenant data: it carries ids only. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface StoredInvalidation {
  seq: number;
  tenantId: string;
  kind: string;
  key: string | null;
  origin: string;
}

export class CacheInvalidationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: { tenantId: string; kind: string; key?: string; origin: string }, at: string): Promise<void> {
    await this.db
      .insertInto('cache_invalidations')
      .values({ tenant_id: entry.tenantId, kind: entry.kind, key: entry.key ?? null, origin: entry.origin, created_at: at })
      .execute();
  }

  async latestSeq(): Promise<number> {
    const row = await this.db.selectFrom('cache_invalidations').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async after(seq: number, limit: number): Promise<StoredInvalidation[]> {
    const rows = await this.db.selectFrom('cache_invalidations').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), tenantId: r.tenant_id, kind: r.kind, key: r.key, origin: r.origin }));
  }

  async deleteOlderThan(at: string): Promise<void> {
    await this.db.deleteFrom('cache_invalidations').where('created_at', '<', at).execute();
  }
}
