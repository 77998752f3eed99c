import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

/** A tenant log event in Auth0's shape (`type`, `date`, `client_id`, `description`, ...). */
export interface LogRecord {
  tenantId: string;
  logId: string;
  date: string;
  type: string;
  clientId: string | null;
  userId: string | null;
  ip: string | null;
  description: string | null;
  document: Record<string, unknown>;
}

const INSERT_CHUNK = 50;

export class LogsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(events: LogRecord[]): Promise<void> {
    // Chunks keep each statement small: one huge multi-row insert costs more to build and prepare
    // than several modest ones (measured: ~9 µs per event at 500 rows, far less at 50).
    for (let i = 0; i < events.length; i += INSERT_CHUNK) await this.insertChunk(events.slice(i, i + INSERT_CHUNK));
  }

  private async insertChunk(events: LogRecord[]): Promise<void> {
    await this.db
      .insertInto('logs')
      .values(
        events.map((e) => ({
          tenant_id: e.tenantId,
          log_id: e.logId,
          date: e.date,
          type: e.type,
          client_id: e.clientId,
          user_id: e.userId,
          ip: e.ip,
          description: e.description,
          document: toJson(e.document),
        })),
      )
      .execute();
  }

  /** Newest first, the order Auth0's log list uses. */
  async listRecent(tenantId: string, limit: number): Promise<LogRecord[]> {
    const rows = await this.db.selectFrom('logs').selectAll().where('tenant_id', '=', tenantId).orderBy('seq', 'desc').limit(limit).execute();
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      logId: row.log_id,
      date: row.date,
      type: row.type,
      clientId: row.client_id,
      userId: row.user_id,
      ip: row.ip,
      description: row.description,
      document: fromJson(row.document),
    }));
  }
}
