/**
 * Prepared statements kept for reuse on SQLite. Kysely's SQLite driver calls `prepare(sql)` for every
 * query it runs, and better-sqlite3 compiles the statement again each time: on the token endpoint's
 * profile (issue 19) preparing was a visible share of every log batch and every cache miss. The same
 * text always gives the same statement, so the driver is handed a database whose `prepare` remembers
 * the last statements it made, by their text.
 *
 * Reuse is safe: the driver runs one query at a time on its single connection (Kysely's connection
 * mutex, held for a whole transaction or stream), so a statement is never used by two queries at once,
 * and SQLite re-prepares a statement by itself when the schema changed under it (a migration). The
 * cache is bounded: statement texts that vary (an `in (…)` list of another length) only ever evict
 * the least recently used ones.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Enough for every fixed statement the repositories send; each holds a compiled SQLite program (a few KB). */
export const SQLITE_STATEMENT_CACHE_SIZE = 256;

export function withStatementCache(database: SqliteDatabase, size = SQLITE_STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement) {
        // Most recently used last, so the first key is the one to evict.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
      }
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
}
