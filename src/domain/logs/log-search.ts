/**
 * Reading a tenant's logs the ways Auth0's `GET /api/v2/logs` allows: a search (`q`) read page by
 * page, or checkpoint reading (`from`/`take`) for exporters that want every entry exactly once.
 * Every read is scoped to the tenant; another tenant's log id is simply not found.
 */
import type { Storage } from '../../storage/storage.js';
import type { LogRecord } from '../../storage/repositories/logs.js';
import { invalid, notFound } from '../errors.js';
import { parseLogQuery, parseLogSort, type LogFilter, type LogSort } from './log-query.js';

/**
 * Auth0 lets a search page through its first 1,000 results only; beyond that, checkpoint reading is
 * the way. The same bound caps `total`, so counting never scans more than that either.
 */
export const SEARCH_WINDOW = 1000;

/**
 * An Auth0 log object: the stored event (the document log-service.ts writes, its optional fields
 * present only when the event had them) plus the tenant's name.
 */
export interface Log {
  date: string;
  type: string;
  log_id: string;
  description?: string;
  client_id?: string;
  client_name?: string;
  user_id?: string;
  user_name?: string;
  ip?: string;
  user_agent?: string;
  audience?: string;
  scope?: string;
  details?: Record<string, unknown>;
  tenant_name: string;
}

export interface LogSearchInput {
  q?: string;
  sort?: string;
  page: number;
  perPage: number;
  withTotal: boolean;
}

interface TenantRef {
  id: string;
  name: string;
}

export class LogSearchService {
  constructor(private readonly storage: Storage) {}

  async get(tenant: TenantRef, logId: string): Promise<Log> {
    const record = await this.storage.repos.logs.findById(tenant.id, logId);
    if (!record) throw notFound('Log not found.', 'inexistent_log');
    return toLog(record, tenant);
  }

  async search(tenant: TenantRef, input: LogSearchInput): Promise<{ logs: Log[]; total?: number }> {
    const offset = input.page * input.perPage;
    if (offset + input.perPage > SEARCH_WINDOW) {
      throw invalid(
        `Requesting page ${input.page} exceeds the allowed maximum of ${SEARCH_WINDOW} records: narrow the search (q) or read by checkpoint (from, take).`,
        'invalid_query_string',
      );
    }
    const filter = input.q === undefined ? undefined : parseLogQuery(input.q);
    return this.page(tenant, filter, parseLogSort(input.sort), input);
  }

  private async page(tenant: TenantRef, filter: LogFilter | undefined, sort: LogSort, input: { page: number; perPage: number; withTotal: boolean }): Promise<{ logs: Log[]; total?: number }> {
    const offset = input.page * input.perPage;
    const records = await this.storage.repos.logs.search(tenant.id, { ...(filter ? { filter } : {}), sort, offset, limit: input.perPage });
    const logs = records.map((record) => toLog(record, tenant));
    if (!input.withTotal) return { logs };
    // A short first page already is the whole answer: no count needed.
    const total = input.page === 0 && records.length < input.perPage ? records.length : await this.storage.repos.logs.count(tenant.id, filter, SEARCH_WINDOW);
    return { logs, total };
  }

  /**
   * A user's events (Auth0's `GET /api/v2/users/{id}/logs`): a search on `user_id`, exact, with the
   * same sort, paging window and totals as any search. A deleted user's events stay readable.
   */
  async forUser(tenant: TenantRef, userId: string, input: Omit<LogSearchInput, 'q'>): Promise<{ logs: Log[]; total?: number }> {
    const offset = input.page * input.perPage;
    if (offset + input.perPage > SEARCH_WINDOW) {
      throw invalid(`Requesting page ${input.page} exceeds the allowed maximum of ${SEARCH_WINDOW} records.`, 'invalid_query_string');
    }
    const filter: LogFilter = { op: 'equals', field: 'user_id', value: userId, ignoreCase: false };
    return this.page(tenant, filter, parseLogSort(input.sort), input);
  }

  /**
   * Up to `take` entries stored after `from` (from the oldest one without it), oldest first. As in
   * Auth0, this follows storage order rather than date order, which is what makes it gap-free: an
   * entry from a slower instance, stored later with an earlier date, still comes after the checkpoint.
   */
  async checkpoint(tenant: TenantRef, from: string | undefined, take: number): Promise<Log[]> {
    const records = await this.storage.repos.logs.listAfter(tenant.id, from || undefined, take);
    if (!records) throw invalid(`Invalid checkpoint: there is no log entry with id ${from} (from).`, 'invalid_query_string');
    return records.map((record) => toLog(record, tenant));
  }
}

/** Tenant names never change, so the request's tenant name is the one the event was recorded under. */
const toLog = (record: LogRecord, tenant: TenantRef): Log => ({ ...(record.document as Omit<Log, 'tenant_name'>), tenant_name: tenant.name });
