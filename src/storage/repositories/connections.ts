import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

/** A stored connection. `document` holds every Auth0 connection field that is not a column. */
export interface ConnectionRecord {
  tenantId: string;
  id: string;
  name: string;
  strategy: string;
  document: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionFilter {
  strategies?: string[];
  name?: string;
}

/** Position after which a checkpoint page starts: the last row of the previous page. */
export interface ConnectionCursor {
  createdAt: string;
  id: string;
}

type Row = Database['connections'];

/** A typed text parameter: PostgreSQL cannot infer the type of a bare parameter in a SELECT list. */
const text = (eb: ExpressionBuilder<any, any>, value: string) => eb.cast<string>(eb.val(value), 'text');

const toRecord = (row: Row): ConnectionRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  name: row.name,
  strategy: row.strategy,
  document: fromJson(row.document),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class ConnectionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(connection: ConnectionRecord): Promise<void> {
    await this.db
      .insertInto('connections')
      .values({
        tenant_id: connection.tenantId,
        id: connection.id,
        name: connection.name,
        strategy: connection.strategy,
        document: toJson(connection.document),
        created_at: connection.createdAt,
        updated_at: connection.updatedAt,
      })
      .execute();
  }

  async findById(tenantId: string, id: string): Promise<ConnectionRecord | undefined> {
    const row = await this.db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByName(tenantId: string, name: string): Promise<ConnectionRecord | undefined> {
    const row = await this.db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  private filtered(tenantId: string, filter: ConnectionFilter) {
    let query = this.db.selectFrom('connections').where('tenant_id', '=', tenantId);
    if (filter.strategies?.length) query = query.where('strategy', 'in', filter.strategies);
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    return query;
  }

  async list(tenantId: string, filter: ConnectionFilter, page: { offset: number; limit: number }): Promise<ConnectionRecord[]> {
    const rows = await this.filtered(tenantId, filter).selectAll().orderBy('created_at').orderBy('id').offset(page.offset).limit(page.limit).execute();
    return rows.map(toRecord);
  }

  /** Checkpoint pagination: the `take` connections after `after`, in creation order. */
  async listAfter(tenantId: string, filter: ConnectionFilter, after: ConnectionCursor | undefined, take: number): Promise<ConnectionRecord[]> {
    let query = this.filtered(tenantId, filter).selectAll();
    if (after) {
      query = query.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]));
    }
    const rows = await query.orderBy('created_at').orderBy('id').limit(take).execute();
    return rows.map(toRecord);
  }

  async count(tenantId: string, filter: ConnectionFilter): Promise<number> {
    const row = await this.filtered(tenantId, filter).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async replace(connection: ConnectionRecord): Promise<void> {
    await this.db
      .updateTable('connections')
      .set({ document: toJson(connection.document), updated_at: connection.updatedAt })
      .where('tenant_id', '=', connection.tenantId)
      .where('id', '=', connection.id)
      .execute();
  }

  /** Deletes the connection and its enabled-client rows (its users are the caller's to delete). */
  async delete(tenantId: string, id: string): Promise<boolean> {
    await this.db.deleteFrom('connection_clients').where('tenant_id', '=', tenantId).where('connection_id', '=', id).execute();
    const result = await this.db.deleteFrom('connections').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // --- enabled clients -------------------------------------------------------------------------

  /** Enabled client ids of each given connection, in the order they were enabled. */
  async enabledClients(tenantId: string, connectionIds: string[]): Promise<Map<string, string[]>> {
    const byConnection = new Map<string, string[]>(connectionIds.map((id) => [id, []]));
    if (connectionIds.length === 0) return byConnection;
    const rows = await this.db
      .selectFrom('connection_clients')
      .select(['connection_id', 'client_id'])
      .where('tenant_id', '=', tenantId)
      .where('connection_id', 'in', connectionIds)
      .orderBy('created_at')
      .orderBy('client_id')
      .execute();
    for (const row of rows) byConnection.get(row.connection_id)?.push(row.client_id);
    return byConnection;
  }

  /** Checkpoint page of one connection's enabled clients, ordered by client id. */
  async enabledClientsAfter(tenantId: string, connectionId: string, afterClientId: string | undefined, take: number): Promise<string[]> {
    let query = this.db.selectFrom('connection_clients').select('client_id').where('tenant_id', '=', tenantId).where('connection_id', '=', connectionId);
    if (afterClientId !== undefined) query = query.where('client_id', '>', afterClientId);
    const rows = await query.orderBy('client_id').limit(take).execute();
    return rows.map((r) => r.client_id);
  }

  async enableClients(tenantId: string, connectionId: string, clientIds: string[], now: string): Promise<void> {
    if (clientIds.length === 0) return;
    await this.db
      .insertInto('connection_clients')
      .values(clientIds.map((clientId) => ({ tenant_id: tenantId, connection_id: connectionId, client_id: clientId, created_at: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async disableClients(tenantId: string, connectionId: string, clientIds: string[]): Promise<void> {
    if (clientIds.length === 0) return;
    await this.db
      .deleteFrom('connection_clients')
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .where('client_id', 'in', clientIds)
      .execute();
  }

  async disableAllClients(tenantId: string, connectionId: string): Promise<void> {
    await this.db.deleteFrom('connection_clients').where('tenant_id', '=', tenantId).where('connection_id', '=', connectionId).execute();
  }

  /** Enables the connection for every application the tenant has. */
  async enableForAllClients(tenantId: string, connectionId: string, now: string): Promise<void> {
    await this.db
      .insertInto('connection_clients')
      .columns(['tenant_id', 'connection_id', 'client_id', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('clients')
          .select((s) => [text(s, tenantId).as('tenant_id'), text(s, connectionId).as('connection_id'), 'client_id', text(s, now).as('created_at')])
          .where('tenant_id', '=', tenantId),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Enables every connection the tenant has for one application. */
  async enableAllForClient(tenantId: string, clientId: string, now: string): Promise<void> {
    await this.db
      .insertInto('connection_clients')
      .columns(['tenant_id', 'connection_id', 'client_id', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('connections')
          .select((s) => [text(s, tenantId).as('tenant_id'), 'id as connection_id', text(s, clientId).as('client_id'), text(s, now).as('created_at')])
          .where('tenant_id', '=', tenantId),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Removes an application from every connection (the application is being deleted). */
  async removeClient(tenantId: string, clientId: string): Promise<void> {
    await this.db.deleteFrom('connection_clients').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).execute();
  }

  /** Which of `clientIds` are applications of this tenant. */
  async existingClientIds(tenantId: string, clientIds: string[]): Promise<Set<string>> {
    if (clientIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('clients').select('client_id').where('tenant_id', '=', tenantId).where('client_id', 'in', clientIds).execute();
    return new Set(rows.map((r) => r.client_id));
  }
}
