import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CompiledQuery, PostgresAdapter, sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

/** A tenant log event in Auth0's shape (`type`, `date`, `client_id`, `description`, ...). */
export interface LogRecord {
  tenantId: string;
  logId: string;
  date: string;
  type: string;
  clientId: string | null;
  clientName: string | null;
  userId: string | null;
  userName: string | null;
  ip: string | null;
  userAgent: string | null;
  description: string | null;
  document: Record<string, unknown>;
}

type Row = Selectable<Database['logs']>;

export interface DateBound {
  /** ISO-8601 instant, `YYYY-MM-DDTHH:mm:ss.sssZ` like the stored dates, so strings compare in time order. */
  value: string;
  inclusive: boolean;
}

/** A search over log fields (Auth0 names), built by the domain's query parser. */
export type LogFilter =
  | { op: 'and' | 'or'; filters: LogFilter[] }
  | { op: 'not'; filter: LogFilter }
  /** The field equals `value` (ignoring case when `ignoreCase`). */
  | { op: 'equals'; field: string; value: string; ignoreCase: boolean }
  /** The field matches the literal `segments` with anything in between: `*ab*c` is `['', 'ab', 'c']`. Always ignores case. */
  | { op: 'like'; field: string; segments: string[] }
  | { op: 'range'; field: 'date'; lower?: DateBound; upper?: DateBound };

export interface LogSort {
  /** An Auth0 field name; fields without a column fall back to insertion order. */
  field: string;
  direction: 'asc' | 'desc';
}

const INSERT_CHUNK = 50;

/**
 * PostgreSQL hands out `seq` values at insert time but makes rows visible at commit, so two
 * instances appending at once could commit seq 11 before seq 10, and a checkpoint reader
 * (`from`/`take`, "everything after seq 10") would skip 10 for good. Appends therefore take one
 * transaction-scoped advisory lock: each batch gets its seqs only after the previous one committed.
 * Batches come every 200 ms per instance, so the lock is almost never waited on. SQLite has a
 * single writer and needs nothing.
 */
const APPEND_LOCK_KEY = 0x7e55_0106;

/** Searchable fields stored as columns. Others Auth0 knows (connection, hostname, ...) are never recorded yet. */
const COLUMNS: Record<string, Exclude<keyof Row, 'seq' | 'tenant_id' | 'document'>> = {
  log_id: 'log_id',
  date: 'date',
  type: 'type',
  client_id: 'client_id',
  client_name: 'client_name',
  user_id: 'user_id',
  user_name: 'user_name',
  ip: 'ip',
  user_agent: 'user_agent',
  description: 'description',
};

export interface LogPage {
  filter?: LogFilter;
  sort: LogSort;
  offset: number;
  limit: number;
}

const toRecord = (row: Row): LogRecord => ({
  tenantId: row.tenant_id,
  logId: row.log_id,
  date: row.date,
  type: row.type,
  clientId: row.client_id,
  clientName: row.client_name,
  userId: row.user_id,
  userName: row.user_name,
  ip: row.ip,
  userAgent: row.user_agent,
  description: row.description,
  document: fromJson(row.document),
});

/** The columns an insert writes, in the order insertRows binds them. */
const INSERT_COLUMNS = ['tenant_id', 'log_id', 'date', 'type', 'client_id', 'client_name', 'user_id', 'user_name', 'ip', 'user_agent', 'description', 'document'] as const;
const insertTexts = new Map<string, string>();

/** `insert into "logs" (…) values (…), …` for `rows` rows, with PostgreSQL's `$n` or SQLite's `?` placeholders. */
function insertText(postgres: boolean, rows: number): string {
  const key = `${postgres ? 'pg' : 'sqlite'}:${rows}`;
  let text = insertTexts.get(key);
  if (!text) {
    const width = INSERT_COLUMNS.length;
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) tuples.push(`(${INSERT_COLUMNS.map((_, c) => (postgres ? `$${r * width + c + 1}` : '?')).join(', ')})`);
    text = `insert into "logs" (${INSERT_COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`;
    insertTexts.set(key, text);
  }
  return text;
}

export class LogsRepository {
  private readonly serializeAppends: boolean;
  /** SQLite's driver never yields by itself (see insertChunks); PostgreSQL's waits on the network anyway. */
  private readonly yieldBetweenChunks: boolean;

  constructor(private readonly db: Kysely<Database>) {
    this.serializeAppends = db.getExecutor().adapter instanceof PostgresAdapter;
    this.yieldBetweenChunks = !this.serializeAppends;
  }

  async insertMany(events: LogRecord[]): Promise<void> {
    if (events.length === 0) return;
    if (!this.serializeAppends) return this.insertChunks(this.db, events);
    if (this.db.isTransaction) {
      await sql`select pg_advisory_xact_lock(${sql.lit(APPEND_LOCK_KEY)})`.execute(this.db);
      return this.insertChunks(this.db, events);
    }
    await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(APPEND_LOCK_KEY)})`.execute(trx);
      await this.insertChunks(trx, events);
    });
  }

  /**
   * Full chunks of INSERT_CHUNK rows, then the rest in chunks of 32, 16, 8, 4, 2 and 1 rows as its
   * binary digits say: at most seven statement texts ever, built once (insertText) and, on SQLite,
   * prepared once (sqlite-statement-cache.ts), and at most six statements for the rest (one row per
   * statement would be one commit per row on SQLite: a batch of 37 rows flushed by the timer cost 37). Building the
   * insert through Kysely's query builder for every batch, and preparing each text again, cost about
   * a third of a log row's insert (issue 19's profile of the token endpoint). Values stay bound
   * parameters.
   */
  private async insertChunks(db: Kysely<Database>, events: LogRecord[]): Promise<void> {
    const full = events.length - (events.length % INSERT_CHUNK);
    for (let i = 0; i < full; i += INSERT_CHUNK) {
      // better-sqlite3 is synchronous and its promises are already settled, so without this a whole
      // batch (500 rows, several ms) ran in one turn of the event loop, and every request arriving
      // meanwhile waited for it: the token endpoint's p99 under load (issue 19). Between statements
      // the loop serves requests. Not inside a transaction: SQLite's single connection is held by one,
      // and nothing else could run on it while it waited.
      if (i > 0 && this.yieldBetweenChunks && !db.isTransaction) await yieldToEventLoop();
      await this.insertRows(db, events, i, INSERT_CHUNK);
    }
    let at = full;
    for (let size = 32; size >= 1; size /= 2) {
      if (events.length - at >= size) {
        await this.insertRows(db, events, at, size);
        at += size;
      }
    }
  }

  private async insertRows(db: Kysely<Database>, events: LogRecord[], from: number, count: number): Promise<void> {
    const parameters: unknown[] = [];
    for (let i = from; i < from + count; i++) {
      const e = events[i]!;
      parameters.push(e.tenantId, e.logId, e.date, e.type, e.clientId, e.clientName, e.userId, e.userName, e.ip, e.userAgent, e.description, toJson(e.document));
    }
    await db.executeQuery(CompiledQuery.raw(insertText(this.serializeAppends, count), parameters));
  }

  async findById(tenantId: string, logId: string): Promise<LogRecord | undefined> {
    const row = await this.db.selectFrom('logs').selectAll().where('tenant_id', '=', tenantId).where('log_id', '=', logId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** One page of a search, in the requested order; ties (same date) keep insertion order. */
  async search(tenantId: string, page: LogPage): Promise<LogRecord[]> {
    const direction = page.sort.direction;
    const column = COLUMNS[page.sort.field];
    let query = this.db
      .selectFrom('logs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where((eb) => whereFilter(eb, page.filter));
    // Missing values sort last either way, on both dialects (they disagree by default).
    if (column === 'date') query = query.orderBy('date', direction);
    else if (column) query = query.orderBy(column, (ob) => (direction === 'asc' ? ob.asc() : ob.desc()).nullsLast());
    const rows = await query.orderBy('seq', direction).offset(page.offset).limit(page.limit).execute();
    return rows.map(toRecord);
  }

  /** Matching entries, counted up to `cap`: the count stops scanning there, however many logs a tenant has. */
  async count(tenantId: string, filter: LogFilter | undefined, cap: number): Promise<number> {
    const matching = this.db
      .selectFrom('logs')
      .select(sql<number>`1`.as('one'))
      .where('tenant_id', '=', tenantId)
      .where((eb) => whereFilter(eb, filter))
      .limit(cap);
    const row = await this.db
      .selectFrom(matching.as('matching'))
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Checkpoint reading: up to `take` entries stored after the entry `fromLogId` (from the first one
   * without it), in the order they were stored. `undefined` when this tenant has no such entry.
   */
  async listAfter(tenantId: string, fromLogId: string | undefined, take: number): Promise<LogRecord[] | undefined> {
    let after: number | string = 0;
    if (fromLogId) {
      const checkpoint = await this.db.selectFrom('logs').select('seq').where('tenant_id', '=', tenantId).where('log_id', '=', fromLogId).executeTakeFirst();
      if (!checkpoint) return undefined;
      after = checkpoint.seq;
    }
    const rows = await this.db.selectFrom('logs').selectAll().where('tenant_id', '=', tenantId).where('seq', '>', after as number).orderBy('seq', 'asc').limit(take).execute();
    return rows.map(toRecord);
  }

  /** Newest first, the order Auth0's log list uses. */
  async listRecent(tenantId: string, limit: number): Promise<LogRecord[]> {
    const rows = await this.db.selectFrom('logs').selectAll().where('tenant_id', '=', tenantId).orderBy('seq', 'desc').limit(limit).execute();
    return rows.map(toRecord);
  }
}

type LogsExpressions = ExpressionBuilder<Database, 'logs'>;

const MATCH_NOTHING = sql<SqlBool>`1 = 0`;
const MATCH_ALL = sql<SqlBool>`1 = 1`;

/** `%` and `_` are LIKE's own wildcards; escaped with `\` they are literal characters again. */
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The search filter as a WHERE expression. Column names come from `COLUMNS` only; every value is
 * a bound parameter. Each comparison is false, never NULL, for a missing value, so that NOT works
 * as in Lucene (`NOT client_name:x` includes entries without a client name).
 */
function whereFilter(eb: LogsExpressions, filter: LogFilter | undefined): Expression<SqlBool> {
  if (!filter) return MATCH_ALL;
  switch (filter.op) {
    case 'and':
      return eb.and(filter.filters.map((f) => whereFilter(eb, f)));
    case 'or':
      return eb.or(filter.filters.map((f) => whereFilter(eb, f)));
    case 'not':
      return eb.not(whereFilter(eb, filter.filter));
    case 'equals': {
      const column = COLUMNS[filter.field];
      if (!column) return MATCH_NOTHING;
      const equal = filter.ignoreCase ? eb(eb.fn('lower', [eb.ref(column)]), '=', eb.fn('lower', [eb.val(filter.value)])) : eb(column, '=', filter.value);
      return eb.and([eb(column, 'is not', null), equal]);
    }
    case 'like': {
      const column = COLUMNS[filter.field];
      if (!column) return MATCH_NOTHING;
      // Lowercasing both sides in SQL gives one answer on both dialects (SQLite's LIKE ignores ASCII case, PostgreSQL's does not).
      const pattern = filter.segments.map(escapeLike).join('%');
      return eb.and([eb(column, 'is not', null), sql<SqlBool>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`]);
    }
    case 'range': {
      const bounds: Expression<SqlBool>[] = [];
      if (filter.lower) bounds.push(eb('date', filter.lower.inclusive ? '>=' : '>', filter.lower.value));
      if (filter.upper) bounds.push(eb('date', filter.upper.inclusive ? '<=' : '<', filter.upper.value));
      return bounds.length ? eb.and(bounds) : MATCH_ALL;
    }
  }
}
