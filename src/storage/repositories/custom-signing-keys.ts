/** A tenant's customer-provided public signing keys: one JSON array per tenant, replaced whole. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

/** A public JWK as the Management API accepted it, Auth0's CustomSigningKeyJWK (members checked by domain/keys/custom-signing-keys.ts). */
export type CustomSigningJwk = {
  kty: string;
  kid?: string;
  use?: string;
  key_ops?: string[];
  alg?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  x5u?: string;
  x5c?: string[];
  x5t?: string;
  'x5t#S256'?: string;
};

export class CustomSigningKeysRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The tenant's keys in the order they were given; empty when it has none. */
  async list(tenantId: string): Promise<CustomSigningJwk[]> {
    const row = await this.db.selectFrom('custom_signing_keys').select('keys').where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? fromJson<CustomSigningJwk[]>(row.keys) : [];
  }

  async replace(tenantId: string, keys: CustomSigningJwk[], updatedAt: string): Promise<void> {
    await this.db
      .insertInto('custom_signing_keys')
      .values({ tenant_id: tenantId, keys: toJson(keys), updated_at: updatedAt })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ keys: toJson(keys), updated_at: updatedAt }))
      .execute();
  }

  /** True when the tenant had keys. */
  async delete(tenantId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('custom_signing_keys').where('tenant_id', '=', tenantId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
