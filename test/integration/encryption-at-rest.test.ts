/**
 * Signing private keys and client secrets are encrypted at rest: the database never holds them in
 * clear, the server still serves them (Management API, token signing), legacy clear rows are
 * encrypted at start, and a server given another key refuses to start.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
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

interface RawRows {
  keys: { tenant_id: string; kid: string; private_key: string }[];
  clients: { tenant_id: string; client_id: string; client_secret: string | null }[];
}

/** The tables as stored, read straight from the database file or schema, bypassing the repositories. */
async function rawRows(): Promise<RawRows> {
  const { db } = await openDatabase(parseDatabaseUrl(database.url));
  try {
    const keys = (await sql<RawRows['keys'][number]>`select tenant_id, kid, private_key from signing_keys`.execute(db)).rows;
    const clients = (await sql<RawRows['clients'][number]>`select tenant_id, client_id, client_secret from clients`.execute(db)).rows;
    return { keys, clients };
  } finally {
    await db.destroy();
  }
}

async function writeRaw(statement: ReturnType<typeof sql>): Promise<void> {
  const { db } = await openDatabase(parseDatabaseUrl(database.url));
  try {
    await statement.execute(db);
  } finally {
    await db.destroy();
  }
}

/** The Management API's identifier, as written to the bootstrap file. */
const systemAudience = (s: TestServer): string => (s.bootstrap as unknown as { audience: string }).audience;

async function createM2mClient(s: TestServer): Promise<{ client_id: string; client_secret: string }> {
  const token = await managementToken(s);
  const created = await call(s, '/api/v2/clients', {
    headers: { authorization: `Bearer ${token}` },
    body: { name: `m2m ${randomBytes(3).toString('hex')}`, app_type: 'non_interactive', grant_types: ['client_credentials'] },
  });
  expect(created.status).toBe(201);
  const grant = await call(s, '/api/v2/client-grants', {
    headers: { authorization: `Bearer ${token}` },
    body: { client_id: created.body.client_id, audience: systemAudience(s), scope: ['read:users'] },
  });
  expect(grant.status, grant.text).toBe(201);
  return created.body;
}

async function tokenVerifies(s: TestServer, client: { client_id: string; client_secret: string }): Promise<void> {
  const response = await call(s, '/oauth/token', {
    form: { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, audience: `${s.baseUrl}/api/v2/` },
  });
  expect(response.status).toBe(200);
  const jwks = createRemoteJWKSet(new URL(`${s.baseUrl}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(response.body.access_token, jwks, { issuer: `${s.baseUrl}/` });
  expect(payload.sub).toBe(`${client.client_id}@clients`);
}

describe('encryption at rest', () => {
  let client: { client_id: string; client_secret: string };

  it('generates an owner-only key file in the data dir at first start', () => {
    expect(statSync(join(database.dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
  });

  it('stores no private key and no client secret in clear, yet serves both', async () => {
    client = await createM2mClient(server!);
    const { keys, clients } = await rawRows();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) {
      expect(key.private_key).toMatch(/^enc:v1:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(key.private_key).not.toContain('PRIVATE KEY');
    }
    const stored = clients.find((c) => c.client_id === client.client_id)!;
    expect(stored.client_secret).toMatch(/^enc:v1:/);
    const everything = JSON.stringify({ keys, clients });
    expect(everything).not.toContain(client.client_secret);
    expect(everything).not.toContain(server!.bootstrap.client_secret);

    const token = await managementToken(server!);
    const read = await call(server!, `/api/v2/clients/${client.client_id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    expect(read.body.client_secret).toBe(client.client_secret);
    await tokenVerifies(server!, client);
  });

  it('encrypts legacy clear rows at start, and refuses a ciphertext moved to another row', async () => {
    const other = await createM2mClient(server!);
    await server!.stop();
    server = undefined;
    const copied = (await rawRows()).clients.find((c) => c.client_id === client.client_id)!.client_secret!;
    // A secret moved from one client's row to another's must not authenticate there (AAD binds it).
    await writeRaw(sql`update clients set client_secret = ${copied} where client_id = ${other.client_id}`);
    await expect(startServer({ database })).rejects.toThrow(new RegExp(`altered or moved between rows: client secret of ${other.client_id}`));

    // A row written in clear (a database from before encryption at rest) is encrypted once at start.
    await writeRaw(sql`delete from clients where client_id = ${other.client_id}`);
    await writeRaw(sql`update clients set client_secret = ${'legacy-secret-in-clear-0123456789abcdef'} where client_id = ${client.client_id}`);
    server = await startServer({ database });
    const after = await rawRows();
    expect(after.clients.find((c) => c.client_id === client.client_id)!.client_secret).toMatch(/^enc:v1:/);
    expect(JSON.stringify(after)).not.toContain('legacy-secret-in-clear');
    await tokenVerifies(server, { client_id: client.client_id, client_secret: 'legacy-secret-in-clear-0123456789abcdef' });
  });

  it('restarts with the same data dir and keeps serving the same keys', async () => {
    const jwksBefore = (await call(server!, '/.well-known/jwks.json')).body;
    await server!.stop();
    server = await startServer({ database });
    expect((await call(server, '/.well-known/jwks.json')).body).toEqual(jwksBefore);
    await tokenVerifies(server, server.bootstrap);
  });

  it('refuses to start with another TESSERA_ENCRYPTION_KEY, naming the variable', async () => {
    await server!.stop();
    server = undefined;
    const wrong = startServer({ database, env: { TESSERA_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
    await expect(wrong).rejects.toThrow(/server exited with 1[\s\S]*TESSERA_ENCRYPTION_KEY does not decrypt the secrets stored in the database/);
    const malformed = startServer({ database, env: { TESSERA_ENCRYPTION_KEY: 'too-short' } });
    await expect(malformed).rejects.toThrow(/TESSERA_ENCRYPTION_KEY must be 32 bytes/);
  });
});
