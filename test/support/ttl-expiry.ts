/**
 * Moves a one-time secret's expiry into the past, straight in the test server's database, so a test
 * can check that an expired ticket or code is refused without waiting minutes for it. Only the
 * stored expiry changes: the server still decides by its own clock.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { hashSecret } from '../../src/domain/secrets.js';
import type { TestDatabase } from './database.js';

export async function expireTtlEntry(database: TestDatabase, kind: string, secret: string): Promise<void> {
  const past = new Date(Date.now() - 1_000).toISOString();
  const keyHash = hashSecret(secret);
  if (database.url.startsWith('sqlite:')) {
    const db = new Database(database.url.slice('sqlite:'.length));
    try {
      const { changes } = db.prepare('UPDATE ttl_entries SET expires_at = ? WHERE kind = ? AND key_hash = ?').run(past, kind, keyHash);
      if (changes !== 1) throw new Error(`no ${kind} entry to expire`);
    } finally {
      db.close();
    }
    return;
  }
  const url = new URL(database.url);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  if (!schema || !/^\w+$/.test(schema)) throw new Error(`unexpected test database URL ${database.url}`);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query(`UPDATE "${schema}".ttl_entries SET expires_at = $1 WHERE kind = $2 AND key_hash = $3`, [past, kind, keyHash]);
    if (rowCount !== 1) throw new Error(`no ${kind} entry to expire`);
  } finally {
    await client.end();
  }
}
