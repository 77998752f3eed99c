/**
 * Instances starting together on a new database (TEST_DATABASE): on PostgreSQL each creates the
 * configured schema with CREATE SCHEMA IF NOT EXISTS, which is not safe against a concurrent CREATE
 * (the loser gets a unique violation on pg_namespace). Opening must succeed for every one of them.
 * On SQLite the same test opens one file from several connections at once (WAL switch under contention).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { openDatabase } from '../../src/storage/database.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

describe('opening one new database from several instances at once', () => {
  it('succeeds for all of them, ten rounds', async () => {
    for (let round = 0; round < 10; round++) {
      database = freshDatabase();
      const config = parseDatabaseUrl(database.url);
      const opened = await Promise.all(Array.from({ length: 4 }, () => openDatabase(config)));
      expect(opened).toHaveLength(4);
      await Promise.all(opened.map((handle) => handle.db.destroy()));
      await database.drop();
      database = undefined;
    }
  });
});
