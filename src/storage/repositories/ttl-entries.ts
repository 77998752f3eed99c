/**
 * One-time, expiring artefacts (interactions, authorization codes, opaque tokens...), found
 * by the SHA-256 of their secret. `consume` is atomic: of two concurrent redemptions of one code,
 * exactly one succeeds.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export interface TtlEntry<T> {
  document: T;
  createdAt: string;
  expiresAt: string;
  consumedAt: string | null;
}

export class TtlEntriesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async put(tenantId: string, kind: string, keyHash: string, document: unknown, createdAt: string, expiresAt: string): Promise<void> {
    await this.db
      .insertInto('ttl_entries')
      .values({ tenant_id: tenantId, kind, key_hash: keyHash, document: toJson(document), created_at: createdAt, expires_at: expiresAt, consumed_at: null })
      .execute();
  }

  /**
   * Inserts the entry, or replaces one under the same key that has expired (`expires_at <= now`),
   * in one statement: an upsert whose update is conditional, so of two concurrent writers only one
   * wins (PostgreSQL re-checks the condition on the row it waited for; SQLite writes one at a time).
   * False when a live entry holds the key.
   */
  async putOrReplaceExpired(tenantId: string, kind: string, keyHash: string, document: unknown, createdAt: string, expiresAt: string): Promise<boolean> {
    const result = await this.db
      .insertInto('ttl_entries')
      .values({ tenant_id: tenantId, kind, key_hash: keyHash, document: toJson(document), created_at: createdAt, expires_at: expiresAt, consumed_at: null })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'kind', 'key_hash'])
          .doUpdateSet({ document: toJson(document), created_at: createdAt, expires_at: expiresAt, consumed_at: null })
          .where('ttl_entries.expires_at', '<=', createdAt),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async find<T>(tenantId: string, kind: string, keyHash: string): Promise<TtlEntry<T> | undefined> {
    const row = await this.db
      .selectFrom('ttl_entries')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    return row ? { document: fromJson<T>(row.document), createdAt: row.created_at, expiresAt: row.expires_at, consumedAt: row.consumed_at } : undefined;
  }

  /**
   * Replaces the entry's document. With `expected`, only while the stored document is still exactly
   * that one and the entry unused (compare-and-set: a concurrent change wins, this one reports false).
   */
  async replaceDocument(tenantId: string, kind: string, keyHash: string, document: unknown, expected?: unknown): Promise<boolean> {
    let query = this.db
      .updateTable('ttl_entries')
      .set({ document: toJson(document) })
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('key_hash', '=', keyHash);
    if (expected !== undefined) query = query.where('document', '=', toJson(expected)).where('consumed_at', 'is', null);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Marks the entry used if it is unused and unexpired; true only for the one caller that did. */
  async consume(tenantId: string, kind: string, keyHash: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('ttl_entries')
      .set({ consumed_at: now })
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('key_hash', '=', keyHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(tenantId: string, kind: string, keyHash: string): Promise<void> {
    await this.db.deleteFrom('ttl_entries').where('tenant_id', '=', tenantId).where('kind', '=', kind).where('key_hash', '=', keyHash).execute();
  }

  /** Every entry of one kind for the tenant (a kind with one live secret at a time: a new one replaces the old). */
  async deleteKind(tenantId: string, kind: string): Promise<void> {
    await this.db.deleteFrom('ttl_entries').where('tenant_id', '=', tenantId).where('kind', '=', kind).execute();
  }
}
