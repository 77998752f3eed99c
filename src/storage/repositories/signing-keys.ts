import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export type SigningKeyState = 'next' | 'current' | 'previous' | 'revoked';
export type SigningKeyAlg = 'RS256' | 'ES256';

export interface SigningKeyRecord {
  tenantId: string;
  kid: string;
  alg: SigningKeyAlg;
  state: SigningKeyState;
  privateKeyPem: string;
  publicJwk: Record<string, unknown>;
  certPem: string;
  createdAt: string;
  currentSince: string | null;
  currentUntil: string | null;
  revokedAt: string | null;
}

type Row = Database['signing_keys'];

const toRecord = (row: Row): SigningKeyRecord => ({
  tenantId: row.tenant_id,
  kid: row.kid,
  alg: row.alg as SigningKeyAlg,
  state: row.state as SigningKeyState,
  privateKeyPem: row.private_key,
  publicJwk: fromJson(row.public_jwk),
  certPem: row.cert,
  createdAt: row.created_at,
  currentSince: row.current_since,
  currentUntil: row.current_until,
  revokedAt: row.revoked_at,
});

export class SigningKeysRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: SigningKeyRecord): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        tenant_id: key.tenantId,
        kid: key.kid,
        alg: key.alg,
        state: key.state,
        private_key: key.privateKeyPem,
        public_jwk: toJson(key.publicJwk),
        cert: key.certPem,
        created_at: key.createdAt,
        current_since: key.currentSince,
        current_until: key.currentUntil,
        revoked_at: key.revokedAt,
      })
      .execute();
  }

  /** All keys of a tenant, oldest first, revoked ones included (the Management API lists them). */
  async listByTenant(tenantId: string): Promise<SigningKeyRecord[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('kid').execute();
    return rows.map(toRecord);
  }

  async update(
    tenantId: string,
    kid: string,
    patch: Partial<Pick<SigningKeyRecord, 'state' | 'currentSince' | 'currentUntil' | 'revokedAt'>>,
  ): Promise<void> {
    const set: Partial<Row> = {};
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.currentSince !== undefined) set.current_since = patch.currentSince;
    if (patch.currentUntil !== undefined) set.current_until = patch.currentUntil;
    if (patch.revokedAt !== undefined) set.revoked_at = patch.revokedAt;
    await this.db.updateTable('signing_keys').set(set).where('tenant_id', '=', tenantId).where('kid', '=', kid).execute();
  }
}
