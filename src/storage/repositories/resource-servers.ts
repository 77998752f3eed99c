import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromFlag, fromJson, toFlag, toJson } from './json.js';

/** A stored API. `document` holds every Auth0 resource-server field that is not a column. */
export interface ResourceServerRecord {
  tenantId: string;
  id: string;
  identifier: string;
  isSystem: boolean;
  document: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

type Row = Database['resource_servers'];

const toRecord = (row: Row): ResourceServerRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  identifier: row.identifier,
  isSystem: fromFlag(row.is_system),
  document: fromJson(row.document),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class ResourceServersRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(api: ResourceServerRecord): Promise<void> {
    await this.db
      .insertInto('resource_servers')
      .values({
        tenant_id: api.tenantId,
        id: api.id,
        identifier: api.identifier,
        is_system: toFlag(api.isSystem),
        document: toJson(api.document),
        created_at: api.createdAt,
        updated_at: api.updatedAt,
      })
      .execute();
  }

  async findById(tenantId: string, id: string): Promise<ResourceServerRecord | undefined> {
    const row = await this.db.selectFrom('resource_servers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByIdentifier(tenantId: string, identifier: string): Promise<ResourceServerRecord | undefined> {
    const row = await this.db
      .selectFrom('resource_servers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /**
   * Moves the system API to a new identifier, and with it everything that names an API by its
   * identifier (client grants, RBAC permissions, consents). Run inside a transaction.
   */
  async renameSystemIdentifier(tenantId: string, from: string, to: string): Promise<void> {
    await this.db.updateTable('resource_servers').set({ identifier: to }).where('tenant_id', '=', tenantId).where('is_system', '=', 1).where('identifier', '=', from).execute();
    await this.db.updateTable('client_grants').set({ audience: to }).where('tenant_id', '=', tenantId).where('audience', '=', from).execute();
    await this.db.updateTable('user_grants').set({ audience: to }).where('tenant_id', '=', tenantId).where('audience', '=', from).execute();
    for (const table of ['role_permissions', 'user_permissions'] as const) {
      await this.db.updateTable(table).set({ resource_server_identifier: to }).where('tenant_id', '=', tenantId).where('resource_server_identifier', '=', from).execute();
    }
  }

  /** Every tenant's system API identifier, in one query (checked against the public origin at start). */
  async listSystemIdentifiers(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('resource_servers').select(['tenant_id', 'identifier']).where('is_system', '=', 1).execute();
    return new Map(rows.map((row) => [row.tenant_id, row.identifier]));
  }

  async findSystem(tenantId: string): Promise<ResourceServerRecord | undefined> {
    const row = await this.db.selectFrom('resource_servers').selectAll().where('tenant_id', '=', tenantId).where('is_system', '=', 1).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(tenantId: string, page: { offset: number; limit: number }, identifiers?: string[]): Promise<ResourceServerRecord[]> {
    let query = this.db.selectFrom('resource_servers').selectAll().where('tenant_id', '=', tenantId);
    if (identifiers?.length) query = query.where('identifier', 'in', identifiers);
    const rows = await query.orderBy('created_at').orderBy('id').offset(page.offset).limit(page.limit).execute();
    return rows.map(toRecord);
  }

  async count(tenantId: string, identifiers?: string[]): Promise<number> {
    let query = this.db.selectFrom('resource_servers').select((eb) => eb.fn.countAll<number | string>().as('n')).where('tenant_id', '=', tenantId);
    if (identifiers?.length) query = query.where('identifier', 'in', identifiers);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async replace(api: ResourceServerRecord): Promise<void> {
    await this.db
      .updateTable('resource_servers')
      .set({ document: toJson(api.document), updated_at: api.updatedAt })
      .where('tenant_id', '=', api.tenantId)
      .where('id', '=', api.id)
      .execute();
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('resource_servers').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
