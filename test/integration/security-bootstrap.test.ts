/**
 * Finding 15: provisioning is idempotent and completes at the next start after a crash between
 * creating the bootstrap application and writing its grant and file. Also (finding 7) tenants
 * provisioned before `read:dev_outbox` existed get it on their system API and bootstrap grant.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { openDatabase } from '../../src/storage/database.js';
import { parseDatabaseUrl } from '../../src/config/config.js';

let database: TestDatabase;
let server: TestServer | undefined;

beforeAll(async () => {
  database = freshDatabase();
  server = await startServer({ database });
});
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

async function withDb<T>(work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const { db } = await openDatabase(parseDatabaseUrl(database.url));
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

const bootstrapFile = (tenant: string) => join(database.dataDir, `bootstrap-${tenant}.json`);
const grantsOf = (clientId: string) =>
  withDb(async (db) => (await sql<{ id: string; document: string }>`select id, document from client_grants where client_id = ${clientId}`.execute(db)).rows);

async function canReadOutbox(s: TestServer, tenant: string): Promise<boolean> {
  const host = tenant === 'dev' ? 'localhost' : `${tenant}.localhost`;
  const response = await call(s, '/api/v2/tessera/outbox', { host, headers: { authorization: `Bearer ${await managementToken(s, tenant)}` } });
  return response.status === 200;
}

describe('finding 15: bootstrap provisioning heals at the next start', () => {
  it('finding 15: a start that crashed after creating the bootstrap application (no grant, no file) is completed by the next start', async () => {
    const before = server!.bootstrap;
    await server!.stop();
    server = undefined;
    // The state a crash right after creating the application leaves: no grant, no file.
    await withDb((db) => sql`delete from client_grants where client_id = ${before.client_id}`.execute(db));
    rmSync(bootstrapFile('dev'));
    expect(await grantsOf(before.client_id)).toHaveLength(0);

    server = await startServer({ database });
    expect(existsSync(bootstrapFile('dev'))).toBe(true);
    expect(server.bootstrap.client_id).toBe(before.client_id);
    expect(server.bootstrap.client_secret).toBe(before.client_secret);
    expect(await grantsOf(before.client_id)).toHaveLength(1);
    const token = await managementToken(server);
    expect((await call(server, '/api/v2/clients', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('finding 15: `tenants create NAME` run again after an interrupted creation completes it', async () => {
    await server!.cli('tenants', 'create', 'acme');
    const acme = server!.bootstrapOf('acme');
    await withDb((db) => sql`delete from client_grants where client_id = ${acme.client_id}`.execute(db));
    rmSync(bootstrapFile('acme'));

    await server!.cli('tenants', 'create', 'acme');
    expect(server!.bootstrapOf('acme').client_id).toBe(acme.client_id);
    expect(await grantsOf(acme.client_id)).toHaveLength(1);
    // Complete now: a third run is the usual "already exists" error.
    await expect(server!.cli('tenants', 'create', 'acme')).rejects.toThrow(/already exists/);
  });

  it('finding 7: tenants provisioned before read:dev_outbox get it on their system API and bootstrap grant at start', async () => {
    await server!.stop();
    server = undefined;
    // A database from before the scope existed: neither the system APIs nor the bootstrap grants name it.
    await withDb(async (db) => {
      for (const api of (await sql<{ id: string; document: string }>`select id, document from resource_servers where is_system = 1`.execute(db)).rows) {
        const document = JSON.parse(api.document);
        document.scopes = document.scopes.filter((s: { value: string }) => s.value !== 'read:dev_outbox');
        await sql`update resource_servers set document = ${JSON.stringify(document)} where id = ${api.id}`.execute(db);
      }
      for (const grant of (await sql<{ id: string; document: string }>`select id, document from client_grants`.execute(db)).rows) {
        const document = JSON.parse(grant.document);
        document.scope = document.scope.filter((s: string) => s !== 'read:dev_outbox');
        await sql`update client_grants set document = ${JSON.stringify(document)} where id = ${grant.id}`.execute(db);
      }
    });
    server = await startServer({ database });
    expect(await canReadOutbox(server, 'dev')).toBe(true);
    expect(await canReadOutbox(server, 'acme')).toBe(true);
  });
});
