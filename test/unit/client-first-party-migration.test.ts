/**
 * Migration 026 over a fresh database of the suite's kind (TEST_DATABASE): `clients.is_first_party`
 * is filled from the documents of applications stored before it (Dynamic Client Registration's cap
 * counts third-party applications on it), a string that merely spells the field counting for nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, type Kysely } from 'kysely';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/storage/database.js';
import { StaticMigrationProvider } from '../../src/storage/migrations/index.js';
import { Storage } from '../../src/storage/storage.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const AT = '2026-01-02T03:04:05.000Z';

let database: TestDatabase;
let opened: OpenDatabase;
let storage: Storage;

beforeAll(async () => {
  database = freshDatabase();
  opened = await openDatabase(parseDatabaseUrl(database.url));
  const migrator = new Migrator({ db: opened.db, provider: new StaticMigrationProvider(opened.dialect), ...(opened.schema ? { migrationTableSchema: opened.schema } : {}) });
  const before = await migrator.migrateTo('025-hot-path-indexes');
  if (before.error) throw before.error;
  const db = opened.db as unknown as Kysely<any>;
  await db.insertInto('tenants').values({ id: 'ten_one', name: 'one', settings: '{}', branding: '{}', created_at: AT, deleted_at: null, bootstrap_client_id: null, bootstrap_provisioned_at: null, kind: 'customer', environment_tag: 'development' }).execute();
  const client = (id: string, document: object) => ({ tenant_id: 'ten_one', client_id: id, client_secret: null, name: id, app_type: 'regular_web', is_system: 0, document: JSON.stringify(document), created_at: AT, updated_at: AT });
  await db
    .insertInto('clients')
    .values([
      client('third_a', { is_first_party: false }),
      client('third_b', { callbacks: [], is_first_party: false }),
      client('first', { is_first_party: true }),
      client('spelled', { is_first_party: true, description: '"is_first_party":false' }),
      client('unset', {}),
    ])
    .execute();
  expect(await migrateToLatest(opened)).toContain('026-client-first-party');
  storage = new Storage(opened.db, opened.dialect, new SecretBox(new Uint8Array(32)));
});
afterAll(async () => {
  await storage?.close();
  await database?.drop();
});

describe('migration 026', () => {
  it('marks exactly the applications whose document says is_first_party: false', async () => {
    expect(await storage.repos.clients.countThirdParty('ten_one')).toBe(2);
    const rows = await (opened.db as unknown as Kysely<any>).selectFrom('clients').select(['client_id', 'is_first_party']).orderBy('client_id').execute();
    expect(rows.map((r) => [r.client_id, Number(r.is_first_party)])).toEqual([
      ['first', 1],
      ['spelled', 1],
      ['third_a', 0],
      ['third_b', 0],
      ['unset', 1],
    ]);
  });
});
