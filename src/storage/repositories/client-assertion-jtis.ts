/**
 * The replay store of private_key_jwt assertions: one row per accepted `jti` (hashed) of an
 * application, until the assertion expires. `claim` is atomic on both dialects (insert or nothing
 * on the primary key), so of two instances seeing the same assertion exactly one accepts it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export class ClientAssertionJtisRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** True for the first claim of this jti by this application; false when it was seen before. */
  async claim(tenantId: string, clientId: string, jtiHash: string, expiresAt: string): Promise<boolean> {
    const result = await this.db
      .insertInto('client_assertion_jtis')
      .values({ tenant_id: tenantId, client_id: clientId, jti_hash: jtiHash, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['tenant_id', 'client_id', 'jti_hash']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
