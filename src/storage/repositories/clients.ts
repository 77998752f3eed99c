import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromFlag, fromJson, toFlag, toJson } from './json.js';

/** A stored application. `document` holds every Auth0 client field that is not a column. */
export interface ClientRecord {
  tenantId: string;
  clientId: string;
  clientSecret: string | null;
  name: string;
  appType: string | null;
  isSystem: boolean;
  document: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

type Row = Database['clients'];

const toRecord = (row: Row): ClientRecord => ({
  tenantId: row.tenant_id,
  clientId: row.client_id,
  clientSecret: row.client_secret,
  name: row.name,
  appType: row.app_type,
  isSystem: fromFlag(row.is_system),
  document: fromJson(row.document),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class ClientsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(client: ClientRecord): Promise<void> {
    await this.db
      .insertInto('clients')
      .values({
        tenant_id: client.tenantId,
        client_id: client.clientId,
        client_secret: client.clientSecret,
        name: client.name,
        app_type: client.appType,
        is_system: toFlag(client.isSystem),
        document: toJson(client.document),
        created_at: client.createdAt,
        updated_at: client.updatedAt,
      })
      .execute();
  }

  async findById(tenantId: string, clientId: string): Promise<ClientRecord | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Every application of a tenant, oldest first (a stable order for pagination). */
  async listAll(tenantId: string): Promise<ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('client_id').execute();
    return rows.map(toRecord);
  }

  async replace(client: ClientRecord): Promise<void> {
    await this.db
      .updateTable('clients')
      .set({
        client_secret: client.clientSecret,
        name: client.name,
        app_type: client.appType,
        document: toJson(client.document),
        updated_at: client.updatedAt,
      })
      .where('tenant_id', '=', client.tenantId)
      .where('client_id', '=', client.clientId)
      .execute();
  }

  async delete(tenantId: string, clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('clients').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
