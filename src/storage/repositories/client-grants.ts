import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export type GrantSubjectType = 'client' | 'user';

/** A stored client grant. `document` holds scope, allow_all_scopes and the other grant fields. */
export interface ClientGrantRecord {
  tenantId: string;
  id: string;
  clientId: string;
  audience: string;
  subjectType: GrantSubjectType;
  document: Record<string, unknown>;
  createdAt: string;
}

export interface ClientGrantFilter {
  clientId?: string;
  audience?: string;
  subjectType?: GrantSubjectType;
}

type Row = Database['client_grants'];

const toRecord = (row: Row): ClientGrantRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  clientId: row.client_id,
  audience: row.audience,
  subjectType: row.subject_type as GrantSubjectType,
  document: fromJson(row.document),
  createdAt: row.created_at,
});

export class ClientGrantsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(grant: ClientGrantRecord): Promise<void> {
    await this.db
      .insertInto('client_grants')
      .values({
        tenant_id: grant.tenantId,
        id: grant.id,
        client_id: grant.clientId,
        audience: grant.audience,
        subject_type: grant.subjectType,
        document: toJson(grant.document),
        created_at: grant.createdAt,
      })
      .execute();
  }

  async findById(tenantId: string, id: string): Promise<ClientGrantRecord | undefined> {
    const row = await this.db.selectFrom('client_grants').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findFor(tenantId: string, clientId: string, audience: string, subjectType: GrantSubjectType): Promise<ClientGrantRecord | undefined> {
    const row = await this.db
      .selectFrom('client_grants')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .where('audience', '=', audience)
      .where('subject_type', '=', subjectType)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async listAll(tenantId: string, filter: ClientGrantFilter): Promise<ClientGrantRecord[]> {
    const rows = await this.filtered(tenantId, filter).selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toRecord);
  }

  private filtered(tenantId: string, filter: ClientGrantFilter) {
    let query = this.db.selectFrom('client_grants').where('tenant_id', '=', tenantId);
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
    if (filter.audience !== undefined) query = query.where('audience', '=', filter.audience);
    if (filter.subjectType !== undefined) query = query.where('subject_type', '=', filter.subjectType);
    return query;
  }

  async replaceDocument(tenantId: string, id: string, document: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('client_grants').set({ document: toJson(document) }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('client_grants').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteForClient(tenantId: string, clientId: string): Promise<void> {
    await this.db.deleteFrom('client_grants').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).execute();
  }

  async deleteForAudience(tenantId: string, audience: string): Promise<void> {
    await this.db.deleteFrom('client_grants').where('tenant_id', '=', tenantId).where('audience', '=', audience).execute();
  }
}
