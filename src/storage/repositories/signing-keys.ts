import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';
import { SecretBox } from '../../crypto/secret-box.js';
import { openSecret, sealSecret, type SecretBoxOrNone } from './secret-columns.js';

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

/** The private key is bound to its tenant and kid: a ciphertext moved to another row does not decrypt. */
const aadOf = (tenantId: string, kid: string): string => `signing_keys|${tenantId}|${kid}`;

const toRecord = (row: Row, box: SecretBoxOrNone): SigningKeyRecord => ({
  tenantId: row.tenant_id,
  kid: row.kid,
  alg: row.alg as SigningKeyAlg,
  state: row.state as SigningKeyState,
  privateKeyPem: openSecret(box, row.private_key, aadOf(row.tenant_id, row.kid)),
  publicJwk: fromJson(row.public_jwk),
  certPem: row.cert,
  createdAt: row.created_at,
  currentSince: row.current_since,
  currentUntil: row.current_until,
  revokedAt: row.revoked_at,
});

export class SigningKeysRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBoxOrNone,
  ) {}

  async insert(key: SigningKeyRecord): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        tenant_id: key.tenantId,
        kid: key.kid,
        alg: key.alg,
        state: key.state,
        private_key: sealSecret(this.box, key.privateKeyPem, aadOf(key.tenantId, key.kid)),
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
    return rows.map((row) => toRecord(row, this.box));
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

  /**
   * Encrypts private keys still stored in clear (written before encryption at rest). The update
   * only applies while the row still holds that clear value, so concurrent runs are harmless.
   */
  async sealPlaintext(box: SecretBox): Promise<number> {
    const rows = await this.db.selectFrom('signing_keys').select(['tenant_id', 'kid', 'private_key']).where('private_key', 'not like', 'enc:v1:%').execute();
    for (const row of rows) {
      await this.db
        .updateTable('signing_keys')
        .set({ private_key: box.seal(row.private_key, aadOf(row.tenant_id, row.kid)) })
        .where('tenant_id', '=', row.tenant_id)
        .where('kid', '=', row.kid)
        .where('private_key', '=', row.private_key)
        .execute();
    }
    return rows.length;
  }

  /** Tries every encrypted private key under `box`; names the rows that do not authenticate. */
  async verifySealed(box: SecretBox): Promise<{ verified: number; failed: string[] }> {
    const rows = await this.db.selectFrom('signing_keys').select(['tenant_id', 'kid', 'private_key']).where('private_key', 'like', 'enc:v1:%').execute();
    const failed: string[] = [];
    for (const row of rows) {
      try {
        box.open(row.private_key, aadOf(row.tenant_id, row.kid));
      } catch {
        failed.push(`signing key ${row.kid} of tenant ${row.tenant_id}`);
      }
    }
    return { verified: rows.length - failed.length, failed };
  }
}
