/**
 * Migration 019 over a fresh database of the suite's kind (TEST_DATABASE): domains registered before
 * it (with `tessera tenants add-domain`, serving at once) become ready self-managed custom domains
 * with an id and a verification record, and keep serving their tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, type Kysely } from 'kysely';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/storage/database.js';
import { StaticMigrationProvider } from '../../src/storage/migrations/index.js';
import { Storage } from '../../src/storage/storage.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const CREATED = '2026-01-02T03:04:05.000Z';

let database: TestDatabase;
let opened: OpenDatabase;
let storage: Storage;

beforeAll(async () => {
  database = freshDatabase();
  opened = await openDatabase(parseDatabaseUrl(database.url));
  const migrator = new Migrator({ db: opened.db, provider: new StaticMigrationProvider(opened.dialect), ...(opened.schema ? { migrationTableSchema: opened.schema } : {}) });
  const before = await migrator.migrateTo('018-outbox-sender');
  if (before.error) throw before.error;
  // Raw rows as the schema stood at migration 018.
  const db = opened.db as unknown as Kysely<any>;
  await db.insertInto('tenants').values({ id: 'ten_one', name: 'one', settings: '{}', branding: '{}', created_at: CREATED, deleted_at: null, bootstrap_client_id: null, bootstrap_provisioned_at: null, kind: 'customer', environment_tag: 'development' }).execute();
  for (const domain of ['login.one.example', 'id.one.example']) await db.insertInto('tenant_domains').values({ domain, tenant_id: 'ten_one', created_at: CREATED }).execute();
  expect(await migrateToLatest(opened)).toContain('020-custom-domains');
  storage = new Storage(opened.db, opened.dialect, new SecretBox(new Uint8Array(32)));
});
afterAll(async () => {
  await storage?.close();
  await database?.drop();
});

describe('migration 020', () => {
  it('makes every existing domain a ready, self-managed custom domain that keeps serving its tenant', async () => {
    const domains = await storage.repos.tenants.listDomains('ten_one');
    expect(domains.map((d) => d.domain)).toEqual(['id.one.example', 'login.one.example']);
    for (const domain of domains) {
      expect(domain).toMatchObject({ status: 'ready', type: 'self_managed_certs', tlsPolicy: 'recommended', customClientIpHeader: null, metadata: {}, verifiedAt: CREATED, createdAt: CREATED });
      expect(domain.id).toMatch(/^cd_[A-Za-z0-9]{16}$/);
      expect(domain.verificationToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(await storage.repos.tenants.findServingDomain(domain.domain)).toEqual({ tenantId: 'ten_one', customClientIpHeader: null, metadata: {} });
    }
    expect(new Set(domains.map((d) => d.id)).size).toBe(2);
  });
});
