/**
 * Every write of a caching service publishes its invalidations itself (issue 12), once its
 * transaction has committed: the services run here over a real database with a bus that records
 * what is published and whether a transaction was still open at that moment. A message published
 * inside the transaction could be acted on by another instance (which reloads the old row) before
 * the commit, and the stale copy would then stay cached until its TTL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { loadConfig, parseDatabaseUrl } from '../../src/config/config.js';
import { migrateToLatest, openDatabase } from '../../src/storage/database.js';
import { Storage } from '../../src/storage/storage.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { createServices, type Services } from '../../src/domain/services.js';
import { healManagementApiIdentifiers } from '../../src/domain/tenants/management-api-identity.js';
import type { Tenant } from '../../src/domain/tenants/tenant-service.js';
import { RecordingBus } from '../support/recording-bus.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let storage: Storage;
let bus: RecordingBus;
let services: Services;
let tenant: Tenant;
/** The TXT records custom domain verification finds. */
const txtRecords = new Map<string, string[]>();

beforeAll(async () => {
  database = freshDatabase();
  const opened = await openDatabase(parseDatabaseUrl(database.url));
  await migrateToLatest(opened);
  storage = new Storage(opened.db, opened.dialect, new SecretBox(new Uint8Array(32)));
  bus = new RecordingBus();
  // Counts open transactions, so the bus can tell a publish inside one from one after its commit.
  const transaction = storage.transaction.bind(storage);
  storage.transaction = async (work) => {
    bus.openTransactions++;
    try {
      return await transaction(work);
    } finally {
      bus.openTransactions--;
    }
  };
  const config = loadConfig({ DATABASE_URL: database.url, TESSERA_DATA_DIR: database.dataDir, TESSERA_BASE_DOMAIN: 'localhost', LOG_LEVEL: 'warn' });
  services = createServices({
    storage,
    bus,
    baseDomain: config.baseDomain,
    publicUrl: config.publicUrl,
    defaultTenant: 'dev',
    onBackgroundError: (error) => {
      throw error;
    },
    passwordlessCodeKey: new Uint8Array(32),
    dashboardCsrfKey: new Uint8Array(32).fill(2),
    txtResolver: async (name) => txtRecords.get(name) ?? [],
  });
  tenant = await services.tenants.create('inval');
});

beforeEach(() => {
  bus.take();
});

afterAll(async () => {
  await storage?.close();
  await database?.drop();
});

describe('a write publishes its invalidations after its commit', () => {
  it('tenants: creation drops the host cache; settings the tenant; deletion both', async () => {
    const other = await services.tenants.create('inval-other');
    expect(bus.take()).toEqual([{ tenantId: '*', kind: 'tenant-host' }]);
    // Every custom domain change can change what a host serves: created, changed, verified, deleted.
    const domain = await services.customDomains.addVerified('inval-other', 'login.inval.example');
    expect(bus.take()).toEqual([{ tenantId: '*', kind: 'tenant-host' }]);
    const pending = await services.customDomains.create(other, { domain: 'pending.inval.example', type: 'self_managed_certs' });
    await services.customDomains.update(other.id, pending.custom_domain_id, { domain_metadata: { region: 'eu' } });
    txtRecords.set('_cf-custom-hostname.pending.inval.example', [pending.verification.methods[0]!.record]);
    expect((await services.customDomains.verify(other.id, pending.custom_domain_id)).status).toBe('ready');
    await services.customDomains.delete(other.id, domain.custom_domain_id);
    expect(bus.take()).toEqual(Array(4).fill({ tenantId: '*', kind: 'tenant-host' }));
    await services.tenants.updateSettings(other.id, { friendly_name: 'Other' });
    await services.tenants.updateBranding(other.id, { colors: { primary: '#123456' } });
    expect(bus.take()).toEqual([
      { tenantId: other.id, kind: 'tenant' },
      { tenantId: other.id, kind: 'tenant' },
    ]);
    await services.tenants.delete('inval-other');
    expect(bus.take()).toEqual([
      { tenantId: other.id, kind: 'tenant' },
      { tenantId: '*', kind: 'tenant-host' },
    ]);
  });

  it('applications: each write drops the application; a deletion also every grant of the tenant', async () => {
    const client = await services.clients.create(tenant.id, tenant.name, { name: 'App', app_type: 'non_interactive' });
    await services.clients.update(tenant.id, tenant.name, client.client_id, { name: 'App 2' });
    await services.clients.rotateSecret(tenant.id, tenant.name, client.client_id);
    await services.clients.delete(tenant.id, client.client_id);
    const key = { tenantId: tenant.id, kind: 'client', key: client.client_id };
    expect(bus.take()).toEqual([key, key, key, key, { tenantId: tenant.id, kind: 'client-grant' }]);
  });

  it('client grants: each write drops the grant under its (subject type, client, audience) key', async () => {
    const client = await services.clients.create(tenant.id, tenant.name, { name: 'Grantee', app_type: 'non_interactive' });
    const api = await services.resourceServers.create(tenant.id, tenant.domain, { identifier: 'https://grants.example/', scopes: [{ value: 'read:a' }] });
    bus.take();
    const grant = await services.clientGrants.create(tenant.id, { client_id: client.client_id, audience: api.identifier, scope: ['read:a'] });
    await services.clientGrants.update(tenant.id, grant.id, { scope: [] });
    await services.clientGrants.delete(tenant.id, grant.id);
    const key = { tenantId: tenant.id, kind: 'client-grant', key: `client ${client.client_id} https://grants.example/` };
    expect(bus.take()).toEqual([key, key, key]);
  });

  it('APIs: each write drops the API; ES256 the key ring; a deletion every grant of the tenant', async () => {
    const api = await services.resourceServers.create(tenant.id, tenant.domain, { identifier: 'https://api.example/' });
    await services.resourceServers.update(tenant.id, tenant.domain, api.id, { signing_alg: 'ES256' });
    await services.resourceServers.delete(tenant.id, api.id);
    const key = { tenantId: tenant.id, kind: 'resource-server', key: 'https://api.example/' };
    expect(bus.take()).toEqual([key, key, { tenantId: tenant.id, kind: 'signing-keys' }, key, { tenantId: tenant.id, kind: 'client-grant' }]);
    expect(await services.resourceServers.healSystemScopes(tenant.id, ['read:inval_test'])).toEqual(['read:inval_test']);
    expect(bus.take()).toEqual([{ tenantId: tenant.id, kind: 'resource-server' }]);
  });

  it('the system API moved to a new identifier: the tenant’s APIs and grants', async () => {
    const system = await services.storage.repos.resourceServers.findSystem(tenant.id);
    await services.storage.transaction((repos) => repos.resourceServers.renameSystemIdentifier(tenant.id, system!.identifier, 'https://old.example/api/v2/'));
    bus.take();
    const report = await healManagementApiIdentifiers(services);
    expect(report.moved).toContain(tenant.name);
    expect(bus.take()).toEqual([
      { tenantId: tenant.id, kind: 'resource-server' },
      { tenantId: tenant.id, kind: 'client-grant' },
    ]);
  });

  it('connections, signing keys and attack protection: the tenant’s cached entries', async () => {
    const connection = await services.connections.create(tenant.id, { name: 'inval-db', strategy: 'auth0' });
    await services.connections.update(tenant.id, connection.id, { display_name: 'Inval' });
    await services.connections.updateEnabledClients(tenant.id, connection.id, []);
    await services.connections.delete(tenant.id, connection.id);
    const connections = { tenantId: tenant.id, kind: 'connection' };
    expect(bus.take()).toEqual([connections, connections, connections, connections]);
    await services.keys.rotate(tenant.id, tenant.domain);
    expect(bus.take()).toEqual([{ tenantId: tenant.id, kind: 'signing-keys' }]);
    // Customer-provided keys are part of the JWKS the key ring serializes: the same cache goes.
    await services.customDomains.addVerified('inval', 'login.inval-keys.example');
    bus.take();
    const { x, y } = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    await services.keys.replaceCustomKeys(tenant.id, [{ kty: 'EC', crv: 'P-256', x, y, kid: 'customer' }]);
    await services.keys.deleteCustomKeys(tenant.id);
    expect(bus.take()).toEqual([{ tenantId: tenant.id, kind: 'signing-keys' }, { tenantId: tenant.id, kind: 'signing-keys' }]);
    await services.keys.deleteCustomKeys(tenant.id); // nothing left to delete: nothing to drop
    expect(bus.take()).toEqual([]);
    await services.attackProtection.update(tenant.id, 'brute_force_protection', { max_attempts: 5 });
    expect(bus.take()).toEqual([{ tenantId: tenant.id, kind: 'attack-protection' }]);
  });
});
