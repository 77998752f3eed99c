/**
 * Which database the integration suite runs against: TEST_DATABASE=sqlite (default) or postgres.
 * Each server gets a fresh SQLite file or a fresh PostgreSQL schema, so test files never share state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../src/storage/database.js';
import { parseDatabaseUrl } from '../../src/config/config.js';

export const TEST_DATABASE = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
// The OS user name, not $USER: CI environments may not set it, and the machine's PostgreSQL trusts local users.
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? `postgres://${userInfo().username}@127.0.0.1:5432/test`;

export interface TestDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
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
