/**
 * Application credentials (public keys and certificates, migration 021). Every query is scoped to
 * the tenant and the application: a credential id of another application or tenant is unknown.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { isUniqueViolation } from './users.js';

export type CredentialType = 'public_key' | 'cert_subject_dn' | 'x509_cert';

export interface ClientCredentialRecord {
  tenantId: string;
  id: string;
  clientId: string;
  name: string;
  credentialType: CredentialType;
  pem: string | null;
  kid: string | null;
  alg: string | null;
  subjectDn: string | null;
  thumbprintSha256: string | null;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type Row = Database['client_credentials'];

const toRecord = (row: Row): ClientCredentialRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  clientId: row.client_id,
  name: row.name,
  credentialType: row.credential_type as CredentialType,
  pem: row.pem,
  kid: row.kid,
  alg: row.alg,
  subjectDn: row.subject_dn,
  thumbprintSha256: row.thumbprint_sha256,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class ClientCredentialsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The application's credentials, oldest first. */
  async listForClient(tenantId: string, clientId: string): Promise<ClientCredentialRecord[]> {
    const rows = await this.db
      .selectFrom('client_credentials')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async find(tenantId: string, clientId: string, id: string): Promise<ClientCredentialRecord | undefined> {
    const row = await this.db
      .selectFrom('client_credentials')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /**
   * Takes the application's row lock for the rest of the transaction (a write that changes nothing),
   * so concurrent creates of one application's credentials count and insert one after the other.
   * False when the application does not exist.
   */
  async lockClient(tenantId: string, clientId: string): Promise<boolean> {
    const result = await this.db.updateTable('clients').set((eb) => ({ client_id: eb.ref('client_id') })).where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** False when the application already has a credential with this kid (the unique index of migration 022). */
  async insert(record: ClientCredentialRecord): Promise<boolean> {
    try {
      await this.insertRow(record);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  private async insertRow(record: ClientCredentialRecord): Promise<void> {
    await this.db
      .insertInto('client_credentials')
      .values({
        tenant_id: record.tenantId,
        id: record.id,
        client_id: record.clientId,
        name: record.name,
        credential_type: record.credentialType,
        pem: record.pem,
        kid: record.kid,
        alg: record.alg,
        subject_dn: record.subjectDn,
        thumbprint_sha256: record.thumbprintSha256,
        expires_at: record.expiresAt,
        created_at: record.createdAt,
        updated_at: record.updatedAt,
      })
      .execute();
  }

  /** The only mutable field (Auth0: everything else needs a new credential). */
  async setExpiry(tenantId: string, clientId: string, id: string, expiresAt: string | null, updatedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('client_credentials')
      .set({ expires_at: expiresAt, updated_at: updatedAt })
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(tenantId: string, clientId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('client_credentials').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteForClient(tenantId: string, clientId: string): Promise<void> {
    await this.db.deleteFrom('client_credentials').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).execute();
  }
}
