/**
 * Which database the integration suite runs against: TEST_DATABASE=sqlite (default) or postgres.
 * Each server gets a database of its own (a SQLite file or a PostgreSQL schema), so test files never
 * share state.
 *
 * `freshDatabase()` is empty: the server that opens it runs every migration itself. On SQLite,
 * `migratedDatabase()` is a copy of a file the global setup migrated once per run (global-setup.ts),
 * for the many servers whose test is not about migrating; the server still checks the copy's schema
 * version at start (its migrator finds nothing to apply), and the files that pass their own
 * `freshDatabase()` keep migrating from nothing on every run. PostgreSQL has no such copy: a
 * database made from a template (CREATE DATABASE … TEMPLATE) and dropped afterwards cost as long as
 * migrating a fresh schema and dropping it (measured 0.6–0.7 s either way, more under load).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../../src/storage/database.js';
import { parseDatabaseUrl } from '../../src/config/config.js';

export const TEST_DATABASE = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
// The OS user name, not $USER: CI environments may not set it, and the machine's PostgreSQL trusts local users.
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? `postgres://${userInfo().username}@127.0.0.1:5432/test`;

export interface TestDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** The environment variable naming the migrated SQLite template, set by the global setup for the test processes. */
export const SQLITE_TEMPLATE_VARIABLE = 'TESSERA_TEST_SQLITE_TEMPLATE';

/**
 * Migrates a SQLite template with the server's own migrations (once per vitest run, from the global
 * setup), and returns the file and a function that removes it.
 */
export async function createSqliteTemplate(): Promise<{ file: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-template-'));
  const file = join(dir, 'tessera.db');
  const opened = await openDatabase({ kind: 'sqlite', file });
  try {
    await migrateToLatest(opened);
  } finally {
    // Closing checkpoints the WAL into the file, so the file alone is the whole database.
    await opened.db.destroy();
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A database with every migration applied, for a server whose test is not about migrating: on
 * SQLite a copy of the run's template; on PostgreSQL (or without a template: a config without the
 * global setup) a fresh one, which the server migrates itself.
 */
export async function migratedDatabase(): Promise<TestDatabase> {
  const template = process.env[SQLITE_TEMPLATE_VARIABLE];
  if (TEST_DATABASE !== 'sqlite' || !template) return freshDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  copyFileSync(template, join(dataDir, 'tessera.db'));
  return { url: `sqlite:${join(dataDir, 'tessera.db')}`, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export function freshDatabase(): TestDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  if (TEST_DATABASE === 'sqlite') {
    return { url: `sqlite:${join(dataDir, 'tessera.db')}`, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    url: `${POSTGRES_URL}?schema=${schema}`,
    dataDir,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `work` on a connection of its own to a test server's database (raw rows, as an attacker with database access sees them). */
export async function withRawDatabase<T>(database: TestDatabase, work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const { db } = await openDatabase(parseDatabaseUrl(database.url));
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}
