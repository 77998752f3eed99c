/**
 * `user_identities` (migration 014) over a fresh database of the suite's kind (TEST_DATABASE): the
 * backfill gives every user created before it the identity `identities[]` used to derive from the
 * user row; users' identities are read from the table (one query per page of users), per tenant,
 * written with the user in one transaction, and deleted with the user or its connection.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Migrator, type Kysely } from 'kysely';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/storage/database.js';
import { StaticMigrationProvider } from '../../src/storage/migrations/index.js';
import type { Database } from '../../src/storage/schema.js';
import { Storage } from '../../src/storage/storage.js';
import { UserService } from '../../src/domain/users/user-service.js';
import { ConnectionService } from '../../src/domain/connections/connection-service.js';
import type { InvalidationBus } from '../../src/storage/cache/invalidation-bus.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const CREATED = '2026-01-02T03:04:05.000Z';
const TENANTS = ['ten_one', 'ten_two'] as const;

/** The connections and users a database had before migration 014, per tenant. */
const CONNECTIONS = [
  { id: 'con_db', name: 'Username-Password-Authentication', strategy: 'auth0' },
  { id: 'con_email', name: 'email', strategy: 'email' },
  { id: 'con_sms', name: 'sms', strategy: 'sms' },
];
const USERS = [
  { user_id: 'auth0|65f0aa', connection_id: 'con_db', connection: 'Username-Password-Authentication', email: 'ada@example.com', phone_number: null },
  // An imported id may itself contain a bar: the provider is what comes before the first one.
  { user_id: 'auth0|legacy|42', connection_id: 'con_db', connection: 'Username-Password-Authentication', email: 'legacy@example.com', phone_number: null },
  { user_id: 'email|65f0bb', connection_id: 'con_email', connection: 'email', email: 'magic@example.com', phone_number: null },
  { user_id: 'sms|65f0cc', connection_id: 'con_sms', connection: 'sms', email: null, phone_number: '+15551234567' },
];

/** What `identities[]` showed for these users before the table existed. */
const EXPECTED: Record<string, unknown[]> = {
  'auth0|65f0aa': [{ connection: 'Username-Password-Authentication', user_id: '65f0aa', provider: 'auth0', isSocial: false }],
  'auth0|legacy|42': [{ connection: 'Username-Password-Authentication', user_id: 'legacy|42', provider: 'auth0', isSocial: false }],
  'email|65f0bb': [{ connection: 'email', user_id: '65f0bb', provider: 'email', isSocial: false }],
  'sms|65f0cc': [{ connection: 'sms', user_id: '65f0cc', provider: 'sms', isSocial: false }],
};

const quietBus: InvalidationBus = { publish: async () => {}, subscribe: () => {}, onReset: () => {}, close: async () => {} };

async function seedBefore014(db: Kysely<Database>): Promise<void> {
  for (const tenant of TENANTS) {
    // Raw rows as the schema stood at migration 013 (the repositories already know 014's table).
    await db.insertInto('tenants').values({ id: tenant, name: tenant.replace('ten_', ''), settings: '{}', branding: '{}', created_at: CREATED, deleted_at: null, bootstrap_client_id: null, bootstrap_provisioned_at: null }).execute();
    for (const c of CONNECTIONS) {
      const document = { display_name: c.name, options: {}, realms: [c.name], is_domain_connection: false };
      await db.insertInto('connections').values({ tenant_id: tenant, id: c.id, name: c.name, strategy: c.strategy, document: JSON.stringify(document), created_at: CREATED, updated_at: CREATED }).execute();
    }
    for (const u of USERS) {
      await db
        .insertInto('users')
        .values({
          tenant_id: tenant, user_id: u.user_id, connection_id: u.connection_id, connection: u.connection, email: u.email, username: null, username_lower: null,
          phone_number: u.phone_number, name: u.email ?? u.phone_number, nickname: null, given_name: null, family_name: null, email_verified: 0, blocked: null,
          password_hash: null, password_history: null, app_metadata: '{}', user_metadata: '{}', document: '{}', logins_count: 0, last_login: null, created_at: CREATED, updated_at: CREATED,
        })
        .execute();
    }
  }
}

let database: TestDatabase;
let opened: OpenDatabase;
let storage: Storage;
let users: UserService;

beforeAll(async () => {
  database = freshDatabase();
  opened = await openDatabase(parseDatabaseUrl(database.url));
  // The database as a server before this change left it, with users in it.
  const migrator = new Migrator({ db: opened.db, provider: new StaticMigrationProvider(opened.dialect), ...(opened.schema ? { migrationTableSchema: opened.schema } : {}) });
  const before = await migrator.migrateTo('013-bootstrap-client-id');
  if (before.error) throw before.error;
  await seedBefore014(opened.db);
  // 014 first; later migrations (016-stats, ...) follow it.
  expect((await migrateToLatest(opened))[0]).toBe('014-user-identities');
  storage = new Storage(opened.db, opened.dialect);
  users = new UserService(storage);
});

afterAll(async () => {
  await storage?.close();
  await database?.drop();
});

describe('migration 014 (user_identities)', () => {
  it('backfills one identity per existing user, with what identities[] showed before', async () => {
    const rows = await opened.db.selectFrom('user_identities').selectAll().orderBy('tenant_id').orderBy('user_id').execute();
    expect(rows).toHaveLength(TENANTS.length * USERS.length);
    expect(rows.find((r) => r.tenant_id === 'ten_one' && r.user_id === 'sms|65f0cc')).toEqual({
      tenant_id: 'ten_one', user_id: 'sms|65f0cc', connection_id: 'con_sms', connection: 'sms', provider: 'sms', provider_user_id: '65f0cc', is_social: 0, profile_data: null, created_at: CREATED,
    });
    for (const tenant of TENANTS) {
      for (const u of USERS) expect((await users.get(tenant, u.user_id)).identities).toEqual(EXPECTED[u.user_id]);
    }
  });
});

describe('identities[] read from user_identities', () => {
  it('lists a page of users with their identities in one identities query', async () => {
    const listForUsers = vi.spyOn(storage.repos.userIdentities, 'listForUsers');
    const listForUser = vi.spyOn(storage.repos.userIdentities, 'listForUser');
    try {
      const page = await users.list('ten_one', {}, { offset: 0, limit: 50 });
      expect(page.total).toBe(USERS.length);
      expect(Object.fromEntries(page.items.map((u) => [u.user_id, u.identities]))).toEqual(EXPECTED);
      expect(listForUsers).toHaveBeenCalledTimes(1);
      expect(listForUser).not.toHaveBeenCalled();
      // users-by-email too.
      expect((await users.listByEmail('ten_one', 'ADA@example.com')).map((u) => u.identities)).toEqual([EXPECTED['auth0|65f0aa']]);
      expect(listForUsers).toHaveBeenCalledTimes(2);
    } finally {
      listForUsers.mockRestore();
      listForUser.mockRestore();
    }
  });

  it("keeps each tenant's identities to itself, even for the same user id", async () => {
    // An identity planted for ten_two's user in another connection must never show in ten_one.
    await opened.db
      .insertInto('user_identities')
      .values({ tenant_id: 'ten_two', user_id: 'auth0|65f0aa', connection_id: 'con_email', connection: 'email', provider: 'email', provider_user_id: 'linked', is_social: 0, profile_data: '{"email":"x@example.com"}', created_at: '2026-02-01T00:00:00.000Z' })
      .execute();
    expect((await users.get('ten_one', 'auth0|65f0aa')).identities).toEqual(EXPECTED['auth0|65f0aa']);
    // The primary identity first, then the one attached later, with its profile.
    expect((await users.get('ten_two', 'auth0|65f0aa')).identities).toEqual([
      ...EXPECTED['auth0|65f0aa']!,
      { connection: 'email', user_id: 'linked', provider: 'email', isSocial: false, profileData: { email: 'x@example.com' } },
    ]);
    const pageOne = await users.list('ten_one', {}, { offset: 0, limit: 50 });
    expect(pageOne.items.find((u) => u.user_id === 'auth0|65f0aa')!.identities).toEqual(EXPECTED['auth0|65f0aa']);
    await opened.db.deleteFrom('user_identities').where('tenant_id', '=', 'ten_two').where('provider_user_id', '=', 'linked').execute();
  });
});

describe('writes keep users and identities together', () => {
  const identityRows = (tenant: string, userId: string) =>
    opened.db.selectFrom('user_identities').selectAll().where('tenant_id', '=', tenant).where('user_id', '=', userId).execute();

  it('creates the identity with the user (the one returned is the one stored)', async () => {
    const created = await users.create('ten_one', { connection: 'Username-Password-Authentication', email: 'new@example.com', password: 'Correct-Horse-9' });
    expect(created.identities).toEqual([{ connection: 'Username-Password-Authentication', user_id: created.user_id.slice('auth0|'.length), provider: 'auth0', isSocial: false }]);
    expect((await users.get('ten_one', created.user_id)).identities).toEqual(created.identities);
    expect(await identityRows('ten_two', created.user_id)).toEqual([]);

    const imported = await users.create('ten_one', { connection: 'sms', phone_number: '+15550001111', user_id: 'imported-7' });
    expect(imported.user_id).toBe('sms|imported-7');
    expect(imported.identities).toEqual([{ connection: 'sms', user_id: 'imported-7', provider: 'sms', isSocial: false }]);
  });

  it('writes nothing when the identity cannot be written (no user without its identity)', async () => {
    // An identity already holding the id at the provider that the new user would get.
    await opened.db
      .insertInto('user_identities')
      .values({ tenant_id: 'ten_one', user_id: 'auth0|someone-else', connection_id: 'con_db', connection: 'Username-Password-Authentication', provider: 'auth0', provider_user_id: 'clash', is_social: 0, profile_data: null, created_at: CREATED })
      .execute();
    await expect(users.create('ten_one', { connection: 'Username-Password-Authentication', email: 'clash@example.com', password: 'Correct-Horse-9', user_id: 'clash' })).rejects.toMatchObject({ kind: 'conflict' });
    expect(await users.find('ten_one', 'auth0|clash')).toBeUndefined();
    expect(await opened.db.selectFrom('users').select('user_id').where('tenant_id', '=', 'ten_one').where('email', '=', 'clash@example.com').execute()).toEqual([]);
    await opened.db.deleteFrom('user_identities').where('tenant_id', '=', 'ten_one').where('provider_user_id', '=', 'clash').execute();
  });

  it("deletes a user's identities with the user, in its tenant only", async () => {
    await users.delete('ten_one', 'email|65f0bb');
    expect(await identityRows('ten_one', 'email|65f0bb')).toEqual([]);
    expect(await identityRows('ten_two', 'email|65f0bb')).toHaveLength(1);
  });

  it("deletes the identities of a connection's users with the connection, in its tenant only", async () => {
    await new ConnectionService(storage, quietBus).delete('ten_two', 'con_db');
    for (const userId of ['auth0|65f0aa', 'auth0|legacy|42']) {
      expect(await identityRows('ten_two', userId)).toEqual([]);
      expect(await identityRows('ten_one', userId)).toHaveLength(1);
    }
    expect(await opened.db.selectFrom('user_identities').select('user_id').where('tenant_id', '=', 'ten_two').where('connection_id', '=', 'con_db').execute()).toEqual([]);
    expect((await users.get('ten_two', 'sms|65f0cc')).identities).toEqual(EXPECTED['sms|65f0cc']);
  });
});
