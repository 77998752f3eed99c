/**
 * Opens the configured database (embedded SQLite by default, PostgreSQL for scale-out)
 * behind one Kysely instance, and runs the migrations.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import type { SqlDialect } from './dialect.js';
import type { Database } from './schema.js';
import { StaticMigrationProvider } from './migrations/index.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: SqlDialect;
  /** PostgreSQL schema holding the tables, when one was configured. */
  schema?: string;
}

export async function openDatabase(config: DatabaseConfig): Promise<OpenDatabase> {
  if (config.kind === 'sqlite') return { db: await openSqlite(config.file), dialect: 'sqlite' };
  return { db: await openPostgres(config.url, config.schema), dialect: 'postgres', ...(config.schema ? { schema: config.schema } : {}) };
}

const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Runs `step`, again while SQLite answers SQLITE_BUSY, for up to the busy timeout. Switching to WAL
 * needs a moment of exclusive access, and SQLite reports BUSY at once, without its busy handler,
 * while another process opens the same file (several instances starting together on one machine).
 */
async function whenNotBusy<T>(step: () => T): Promise<T> {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return step();
    } catch (error) {
      // SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY while another process recovers the WAL, ...).
      if (!String((error as { code?: string }).code).startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
}

// Each driver is loaded when its kind of database is opened: a process uses one of them, and a
// short-lived `tessera` CLI call should not pay for loading the other.
async function openSqlite(file: string): Promise<Kysely<Database>> {
  const { default: SQLite } = await import('better-sqlite3');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  // WAL lets readers proceed during a write; NORMAL sync is durable across process crashes in WAL mode.
  const mode = await whenNotBusy(() => database.pragma('journal_mode = WAL', { simple: true }));
  // SQLite keeps the old journal where WAL cannot work (a network file system): refuse rather than run without it.
  if (file !== ':memory:' && String(mode).toLowerCase() !== 'wal') throw new Error(`SQLite could not switch ${file} to WAL mode (it stays in "${mode}"): put the database on a local disk`);
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

async function openPostgres(url: string, schema: string | undefined): Promise<Kysely<Database>> {
  const { default: pg } = await import('pg');
  if (schema) {
    // Create the schema up front with a short-lived connection; the pool then pins search_path to it.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (error) {
      // IF NOT EXISTS is not safe against a concurrent CREATE: two instances starting at once on a new
      // schema may both try, and the loser gets a unique violation on pg_namespace (23505) or
      // duplicate_schema (42P06). Either way the schema is there, which is all that is asked.
      const code = (error as { code?: unknown }).code;
      if (code !== '23505' && code !== '42P06') throw error;
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export async function migrateToLatest({ db, dialect, schema }: OpenDatabase): Promise<string[]> {
  if (dialect === 'sqlite') {
    // Kysely takes no lock on SQLite (it assumes one process) and runs DDL outside transactions.
    // Two processes starting on one new file would then race through the same migrations; one
    // IMMEDIATE transaction around the whole run serialises them and makes each run all-or-nothing.
    return db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const applied = await runMigrator(connection, dialect);
        await sql`commit`.execute(connection);
        return applied;
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    });
  }
  return withRetryOnVanishedSchema(() => runMigrator(db, dialect, schema));
}

/**
 * Kysely's migrator checks for its bookkeeping tables by introspecting every schema of the
 * database. When another deployment sharing the database drops a schema during that query (test
 * runs do, constantly), PostgreSQL reports "schema ... does not exist" (3F000) for that other
 * schema. Nothing was written yet, so the run is simply tried again.
 */
async function withRetryOnVanishedSchema<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || (error as { code?: string }).code !== '3F000') throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

async function runMigrator(db: Kysely<Database>, dialect: SqlDialect, schema?: string): Promise<string[]> {
  // The schema must be named: Kysely looks for its bookkeeping tables across all schemas otherwise,
  // and would find another deployment's (or a concurrent test's) in the same database.
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
