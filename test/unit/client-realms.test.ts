/**
 * `/wsfed?wtrealm=` is anonymous: the realm → application map (ClientService.realmOwners) is read
 * from storage once per tenant, from ids and aliases only (never `listAll`, which decrypts every
 * secret), and dropped on every instance when any application of the tenant changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { migrateToLatest, openDatabase } from '../../src/storage/database.js';
import { Storage } from '../../src/storage/storage.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { ClientService } from '../../src/domain/clients/client-service.js';
import { RecordingBus } from '../support/recording-bus.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let storage: Storage;
const reads = { listAll: 0, listRealms: 0 };

beforeAll(async () => {
  database = freshDatabase();
  const opened = await openDatabase(parseDatabaseUrl(database.url));
  await migrateToLatest(opened);
  storage = new Storage(opened.db, opened.dialect, new SecretBox(new Uint8Array(32)));
  const repo = storage.repos.clients;
  const listAll = repo.listAll.bind(repo);
  const listRealms = repo.listRealms.bind(repo);
  repo.listAll = async (tenantId) => (reads.listAll++, listAll(tenantId));
  repo.listRealms = async (tenantId) => (reads.listRealms++, listRealms(tenantId));
});

afterAll(async () => {
  await storage?.close();
  await database?.drop();
});

describe('the per-tenant realm map', () => {
  it('is read once, without secrets, and dropped on every instance when an application changes', async () => {
    const bus = new RecordingBus();
    const one = new ClientService(storage, bus);
    const two = new ClientService(storage, bus);
    const tenantId = 'ten_realms';
    await storage.repos.tenants.insert({ id: tenantId, name: 'realms', settings: {}, branding: {}, createdAt: new Date().toISOString(), deletedAt: null, kind: 'customer', environmentTag: 'development' });
    const app = await one.create(tenantId, 'realms', { name: 'RP', client_aliases: ['https://rp.example.com/'], addons: { wsfed: {} } });
    reads.listAll = 0;
    reads.listRealms = 0;
    for (let i = 0; i < 5; i++) {
      expect((await one.realmOwners(tenantId)).get('https://rp.example.com/')).toEqual([app.client_id]);
      expect((await two.realmOwners(tenantId)).get(`urn:${app.client_id}`)).toEqual([app.client_id]);
    }
    expect(reads).toEqual({ listAll: 0, listRealms: 2 });
    await one.update(tenantId, 'realms', app.client_id, { client_aliases: ['https://moved.example.com/'] });
    reads.listRealms = 0;
    expect((await two.realmOwners(tenantId)).get('https://rp.example.com/')).toBeUndefined();
    expect((await two.realmOwners(tenantId)).get('https://moved.example.com/')).toEqual([app.client_id]);
    expect(reads).toEqual({ listAll: 0, listRealms: 1 });
  });
});
