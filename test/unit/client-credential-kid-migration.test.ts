/**
 * Migration 022 over a fresh database of the suite's kind (TEST_DATABASE): an application's
 * credentials never share a kid, held by a unique index, and rows that already did (a create race
 * before it) keep working: the oldest keeps the kid, the others lose it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, type Kysely } from 'kysely';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/storage/database.js';
import { StaticMigrationProvider } from '../../src/storage/migrations/index.js';
import { Storage } from '../../src/storage/storage.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import type { ClientCredentialRecord } from '../../src/storage/repositories/client-credentials.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const AT = '2026-01-02T03:04:05.000Z';
const LATER = '2026-01-02T03:04:06.000Z';

let database: TestDatabase;
let opened: OpenDatabase;
let storage: Storage;

const credential = (id: string, kid: string | null, createdAt: string): ClientCredentialRecord => ({
  tenantId: 'ten_one',
  id,
  clientId: 'client_one',
  name: id,
  credentialType: kid === null ? 'cert_subject_dn' : 'public_key',
  pem: null,
  kid,
  alg: kid === null ? null : 'RS256',
  subjectDn: kid === null ? `CN=${id}` : null,
  thumbprintSha256: null,
  expiresAt: null,
  createdAt,
  updatedAt: createdAt,
});

const row = (record: ClientCredentialRecord) => ({
  tenant_id: record.tenantId,
  id: record.id,
  client_id: record.clientId,
  name: record.name,
  credential_type: record.credentialType,
  pem: record.pem,
  kid: record.kid,
  alg: record.alg,
  subject_dn: record.subjectDn,
  thumbprint_sha256: record.thumbprintSha256,
  expires_at: record.expiresAt,
  created_at: record.createdAt,
  updated_at: record.updatedAt,
});

beforeAll(async () => {
  database = freshDatabase();
  opened = await openDatabase(parseDatabaseUrl(database.url));
  const migrator = new Migrator({ db: opened.db, provider: new StaticMigrationProvider(opened.dialect), ...(opened.schema ? { migrationTableSchema: opened.schema } : {}) });
  const before = await migrator.migrateTo('021-client-credentials');
  if (before.error) throw before.error;
  // Raw rows as the schema stood at migration 021: two credentials that raced to the same kid.
  const db = opened.db as unknown as Kysely<any>;
  await db.insertInto('tenants').values({ id: 'ten_one', name: 'one', settings: '{}', branding: '{}', created_at: AT, deleted_at: null, bootstrap_client_id: null, bootstrap_provisioned_at: null, kind: 'customer', environment_tag: 'development' }).execute();
  await db.insertInto('clients').values({ tenant_id: 'ten_one', client_id: 'client_one', client_secret: null, name: 'one', app_type: 'non_interactive', is_system: 0, document: '{}', created_at: AT, updated_at: AT }).execute();
  await db.insertInto('client_credentials').values([row(credential('cred_newer', 'same-kid-0000', LATER)), row(credential('cred_older', 'same-kid-0000', AT))]).execute();
  expect(await migrateToLatest(opened)).toContain('022-client-credential-kid-unique');
  storage = new Storage(opened.db, opened.dialect, new SecretBox(new Uint8Array(32)));
});
afterAll(async () => {
  await storage?.close();
  await database?.drop();
});

describe('migration 022', () => {
  it('keeps the kid on the oldest of credentials that share one, and the rows', async () => {
    const rows = await storage.repos.clientCredentials.listForClient('ten_one', 'client_one');
    expect(rows.map((r) => [r.id, r.kid])).toEqual([
      ['cred_older', 'same-kid-0000'],
      ['cred_newer', null],
    ]);
  });

  it('refuses a second credential with a kid of the application (insert answers false), not with another application’s or without a kid', async () => {
    expect(await storage.repos.clientCredentials.insert(credential('cred_third', 'same-kid-0000', LATER))).toBe(false);
    expect(await storage.repos.clientCredentials.insert(credential('cred_dn_1', null, LATER))).toBe(true);
    expect(await storage.repos.clientCredentials.insert(credential('cred_dn_2', null, LATER))).toBe(true);
  });
});
