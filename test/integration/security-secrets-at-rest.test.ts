/**
 * Finding 8: an HS256 API's `signing_secret` is sealed in `resource_servers.document` like client
 * secrets, the API still returns it and tokens still verify with it, and clear values left by an
 * older version are sealed at the next start.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtVerify } from 'jose';
import { sql } from 'kysely';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { freshDatabase, withRawDatabase, type TestDatabase } from '../support/database.js';

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

const storedDocument = (id: string): Promise<string> =>
  withDb(async (db) => (await sql<{ document: string }>`select document from resource_servers where id = ${id}`.execute(db)).rows[0]!.document);

async function hsApiWithClient(s: TestServer, signingSecret?: string): Promise<{ api: any; client: { client_id: string; client_secret: string } }> {
  const token = await managementToken(s);
  const auth = { authorization: `Bearer ${token}` };
  const identifier = `https://hs-${randomBytes(4).toString('hex')}.example.com`;
  const api = await call(s, '/api/v2/resource-servers', {
    headers: auth,
    body: { name: `hs ${identifier}`, identifier, signing_alg: 'HS256', scopes: [{ value: 'read:things' }], ...(signingSecret ? { signing_secret: signingSecret } : {}) },
  });
  expect(api.status, api.text).toBe(201);
  const client = await call(s, '/api/v2/clients', {
    headers: auth,
    body: { name: `m2m ${identifier}`, app_type: 'non_interactive', grant_types: ['client_credentials'] },
  });
  expect(client.status, client.text).toBe(201);
  const grant = await call(s, '/api/v2/client-grants', { headers: auth, body: { client_id: client.body.client_id, audience: identifier, scope: ['read:things'] } });
  expect(grant.status, grant.text).toBe(201);
  return { api: api.body, client: client.body };
}

async function verifiesWith(s: TestServer, audience: string, client: { client_id: string; client_secret: string }, secret: string): Promise<void> {
  const response = await call(s, '/oauth/token', {
    form: { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, audience },
  });
  expect(response.status, response.text).toBe(200);
  const { payload, protectedHeader } = await jwtVerify(response.body.access_token, Buffer.from(secret), { audience });
  expect(protectedHeader.alg).toBe('HS256');
  expect(payload.sub).toBe(`${client.client_id}@clients`);
}

describe('finding 8: HS256 signing secrets at rest', () => {
  it('finding 8: an HS256 API signing_secret is not stored in clear, and tokens verify with the secret the API returns', async () => {
    const chosen = `chosen-secret-${randomBytes(12).toString('hex')}`;
    for (const given of [chosen, undefined]) {
      const { api, client } = await hsApiWithClient(server!, given);
      const secret: string = api.signing_secret;
      expect(secret.length).toBeGreaterThanOrEqual(16);
      if (given) expect(secret).toBe(given);
      const document = await storedDocument(api.id);
      expect(document).not.toContain(secret);
      expect(JSON.parse(document).signing_secret).toMatch(/^enc:v1:/);

      const token = await managementToken(server!);
      const read = await call(server!, `/api/v2/resource-servers/${api.id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(read.body.signing_secret).toBe(secret);
      await verifiesWith(server!, api.identifier, client, secret);
    }
  });

  it('finding 8: a signing_secret stored in clear by an older version is sealed at the next start', async () => {
    const { api, client } = await hsApiWithClient(server!);
    await server!.stop();
    server = undefined;
    const legacy = `legacy-hs-secret-in-clear-${randomBytes(8).toString('hex')}`;
    const document = { ...JSON.parse(await storedDocument(api.id)), signing_secret: legacy };
    await withDb((db) => sql`update resource_servers set document = ${JSON.stringify(document)} where id = ${api.id}`.execute(db));

    server = await startServer({ database });
    expect(await storedDocument(api.id)).not.toContain(legacy);
    expect(JSON.parse(await storedDocument(api.id)).signing_secret).toMatch(/^enc:v1:/);
    await verifiesWith(server, api.identifier, client, legacy);
  });
});
