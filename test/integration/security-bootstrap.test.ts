/**
 * Finding 15: provisioning is idempotent and completes at the next start after a crash between
 * creating the bootstrap application and writing its grant and file. The bootstrap application is
 * the one whose id is recorded on the tenant row, never one found by name. Once provisioning is
 * recorded complete nothing is healed at start (an operator's reduced or deleted grant, a deleted
 * application or file stay so) and the secret is never printed again. Also (finding 7) tenants provisioned before `read:dev_outbox` existed
 * (and before the id was recorded) get it on their system API and, once, on the adopted bootstrap grant.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { freshDatabase, withRawDatabase, type TestDatabase } from '../support/database.js';
import { BOOTSTRAP_CLIENT_NAME } from '../../src/domain/bootstrap.js';

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

const withDb = <T>(work: Parameters<typeof withRawDatabase<T>>[1]): Promise<T> => withRawDatabase(database, work);

const bootstrapFile = (tenant: string) => join(database.dataDir, `bootstrap-${tenant}.json`);
const grantsOf = (clientId: string) =>
  withDb(async (db) => (await sql<{ id: string; document: string }>`select id, document from client_grants where client_id = ${clientId}`.execute(db)).rows);

const recordedBootstrapId = (tenant: string) =>
  withDb(async (db) => (await sql<{ bootstrap_client_id: string | null }>`select bootstrap_client_id from tenants where name = ${tenant}`.execute(db)).rows[0]?.bootstrap_client_id);
/** What a crash before completion leaves: the completion is not on record yet. */
const forgetCompletion = (tenant: string) => withDb((db) => sql`update tenants set bootstrap_provisioned_at = null where name = ${tenant}`.execute(db));
const provisionedAt = (tenant: string) =>
  withDb(async (db) => (await sql<{ bootstrap_provisioned_at: string | null }>`select bootstrap_provisioned_at from tenants where name = ${tenant}`.execute(db)).rows[0]?.bootstrap_provisioned_at);
const hostOf = (tenant: string) => (tenant === 'dev' ? 'localhost' : `${tenant}.localhost`);

async function management(tenant: string, path: string, init: { method?: string; body?: object } = {}) {
  const token = await managementToken(server!, tenant);
  return call(server!, path, { ...init, host: hostOf(tenant), headers: { authorization: `Bearer ${token}` } });
}

async function restart(): Promise<void> {
  await server!.stop();
  server = undefined;
  server = await startServer({ database });
}

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
    await forgetCompletion('dev');
    rmSync(bootstrapFile('dev'));
    expect(await grantsOf(before.client_id)).toHaveLength(0);
    expect(await recordedBootstrapId('dev')).toBe(before.client_id);

    server = await startServer({ database });
    expect(existsSync(bootstrapFile('dev'))).toBe(true);
    expect(server.bootstrap.client_id).toBe(before.client_id);
    expect(server.bootstrap.client_secret).toBe(before.client_secret);
    expect(await grantsOf(before.client_id)).toHaveLength(1);
    expect(await provisionedAt('dev')).toBeTruthy();
    expect(server.output()).toContain(before.client_secret);
    const token = await managementToken(server);
    expect((await call(server, '/api/v2/clients', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('finding 15: `tenants create NAME` run again after an interrupted creation completes it', async () => {
    await server!.cli('tenants', 'create', 'acme');
    const acme = server!.bootstrapOf('acme');
    await withDb((db) => sql`delete from client_grants where client_id = ${acme.client_id}`.execute(db));
    await forgetCompletion('acme');
    rmSync(bootstrapFile('acme'));

    await server!.cli('tenants', 'create', 'acme');
    expect(server!.bootstrapOf('acme').client_id).toBe(acme.client_id);
    expect(await grantsOf(acme.client_id)).toHaveLength(1);
    // Complete now: a third run is the usual "already exists" error.
    await expect(server!.cli('tenants', 'create', 'acme')).rejects.toThrow(/already exists/);
  });

  it('finding 7: tenants provisioned before read:dev_outbox get it on their system API and, once adopted, on their bootstrap grant', async () => {
    const ids = { dev: server!.bootstrap.client_id, acme: server!.bootstrapOf('acme').client_id };
    await server!.stop();
    server = undefined;
    // A database from before the scope and the recorded id existed: neither the system APIs nor the
    // bootstrap grants name the scope, and no tenant records its bootstrap application.
    await withDb(async (db) => {
      await sql`update tenants set bootstrap_client_id = null, bootstrap_provisioned_at = null`.execute(db);
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
    // The one application with the bootstrap name and a Management API grant is adopted.
    expect(await recordedBootstrapId('dev')).toBe(ids.dev);
    expect(await recordedBootstrapId('acme')).toBe(ids.acme);
    expect(await provisionedAt('dev')).toBeTruthy();
    expect(await provisionedAt('acme')).toBeTruthy();
    expect(await canReadOutbox(server, 'dev')).toBe(true);
    expect(await canReadOutbox(server, 'acme')).toBe(true);
  });

  it('finding 15: a bootstrap grant an operator reduced stays reduced after a restart', async () => {
    const clientId = server!.bootstrapOf('acme').client_id;
    const listed = await management('acme', `/api/v2/client-grants?client_id=${clientId}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    const reduced = ['read:client_grants', 'read:clients'];
    expect((await management('acme', `/api/v2/client-grants/${listed.body[0].id}`, { method: 'PATCH', body: { scope: reduced } })).status).toBe(200);

    await restart();
    const after = await management('acme', `/api/v2/client-grants?client_id=${clientId}`);
    expect(after.status).toBe(200);
    expect([...after.body[0].scope].sort()).toEqual(reduced);
  });

  it('finding 15: a bootstrap grant deleted by an operator is not granted again at start', async () => {
    const clientId = server!.bootstrap.client_id;
    const listed = await management('dev', `/api/v2/client-grants?client_id=${clientId}`);
    expect(listed.body).toHaveLength(1);
    expect((await management('dev', `/api/v2/client-grants/${listed.body[0].id}`, { method: 'DELETE' })).status).toBe(204);

    await restart();
    expect(await grantsOf(clientId)).toHaveLength(0);
    const form = { grant_type: 'client_credentials', client_id: clientId, client_secret: server!.bootstrap.client_secret, audience: (server!.bootstrap as unknown as { audience: string }).audience };
    expect((await call(server!, '/oauth/token', { body: form })).status).toBe(403);
    // Only an unfinished provisioning is completed at start: clearing the completion (what a crash before
    // it leaves) brings the grant back, for the tests that follow.
    await forgetCompletion('dev');
    await restart();
    expect(await grantsOf(clientId)).toHaveLength(1);
  });

  it('finding 15: a deleted bootstrap file is not rewritten and the secret is not printed at a later start', async () => {
    const kept = readFileSync(bootstrapFile('dev'), 'utf8');
    const { client_id, client_secret, audience } = JSON.parse(kept) as { client_id: string; client_secret: string; audience: string };
    rmSync(bootstrapFile('dev'));

    await restart();
    expect(existsSync(bootstrapFile('dev'))).toBe(false);
    expect(server!.output()).not.toContain(client_secret);
    expect(server!.output()).toMatch(/bootstrap credentials were handed over at provisioning .* is gone\) and are not shown again/);
    // The application itself is untouched: the credentials the operator kept still work.
    const form = { grant_type: 'client_credentials', client_id, client_secret, audience };
    expect((await call(server!, '/oauth/token', { body: form })).status).toBe(200);
    writeFileSync(bootstrapFile('dev'), kept, { mode: 0o600 }); // for the tests that follow
  });

  it('finding 15: an application named like the bootstrap one is never granted the Management API at start', async () => {
    await server!.createTenant('beta');
    const real = { dev: server!.bootstrap.client_id, beta: server!.bootstrapOf('beta').client_id };
    const impostors: Record<string, string> = {};
    for (const tenant of ['dev', 'beta'] as const) {
      // What a holder of create:clients alone can do: an application with the bootstrap's name...
      const created = await management(tenant, '/api/v2/clients', { body: { name: BOOTSTRAP_CLIENT_NAME, app_type: 'non_interactive' } });
      expect(created.status).toBe(201);
      impostors[tenant] = created.body.client_id;
      // ...and the real one goes away.
      expect((await management(tenant, `/api/v2/clients/${real[tenant]}`, { method: 'DELETE' })).status).toBe(204);
    }

    await restart();
    expect(await grantsOf(impostors.dev!)).toHaveLength(0);
    expect(await grantsOf(impostors.beta!)).toHaveLength(0);
    // A deleted bootstrap application of a provisioned tenant is not recreated at start (deleting it
    // revokes it), and its id stays on record: no other application takes its place.
    for (const tenant of ['dev', 'beta'] as const) {
      expect(await recordedBootstrapId(tenant)).toBe(real[tenant]);
      expect(await withDb(async (db) => (await sql`select client_id from clients where client_id = ${real[tenant]}`.execute(db)).rows)).toHaveLength(0);
    }
  });
});
