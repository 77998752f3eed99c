/**
 * Two instances on one database with REDIS_URL: a change written through one instance is visible
 * through the other at once, because the Redis bus drops the other instance's cached copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const FIXED = { TESSERA_BOOTSTRAP_CLIENT_ID: 'multiInstanceBootstrap01', TESSERA_BOOTSTRAP_CLIENT_SECRET: 'm'.repeat(48) };

let database: TestDatabase;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  database = freshDatabase();
  // Started together on an empty database: both race to create the default tenant and bootstrap client.
  [a, b] = await Promise.all([
    startServer({ database, env: { REDIS_URL, ...FIXED } }),
    startServer({ database, env: { REDIS_URL, ...FIXED } }),
  ]);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await database?.drop();
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const kids = async (server: TestServer): Promise<string[]> => (await call(server, '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);

describe('two instances sharing a database and Redis', () => {
  it('both serve the same tenant with the fixed bootstrap credentials', async () => {
    expect(a.bootstrapOf('dev').client_id).toBe(FIXED.TESSERA_BOOTSTRAP_CLIENT_ID);
    const token = await managementToken(a);
    expect((await call(b, '/api/v2/tenants/settings', { headers: bearer(token) })).status).toBe(200);
  });

  it('a key rotated and revoked on one instance leaves the other instance’s JWKS at once', async () => {
    const token = await managementToken(a);
    const before = await kids(b); // warms b's key ring cache
    const oldToken = await managementToken(b);
    expect((await call(a, '/api/v2/keys/signing/rotate', { method: 'POST', headers: bearer(token) })).status).toBe(201);
    expect(await eventually(() => kids(b), (k) => k.length === 3)).toHaveLength(3);

    const fresh = await managementToken(a);
    expect((await call(a, `/api/v2/keys/signing/${before[0]}/revoke`, { method: 'PUT', headers: bearer(fresh) })).status).toBe(200);
    expect(await eventually(() => kids(b), (k) => !k.includes(before[0]!))).not.toContain(before[0]);
    expect((await call(b, '/api/v2/tenants/settings', { headers: bearer(oldToken) })).status).toBe(401);
  });

  it('custom signing keys put or deleted on one instance change the other instance’s JWKS at once', async () => {
    await a.cli('tenants', 'add-domain', 'dev', 'login.multi.example');
    const customKids = async (server: TestServer) => (await call(server, '/.well-known/jwks.json', { host: 'login.multi.example' })).body.keys.map((k: { kid: string }) => k.kid);
    const own = await customKids(b); // warms b's key ring, custom keys included
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = [{ ...(publicKey.export({ format: 'jwk' }) as object), kid: 'customer-multi' }];
    const token = await managementToken(a);
    expect((await call(a, '/api/v2/keys/custom-signing', { method: 'PUT', headers: bearer(token), body: { keys } })).status).toBe(200);
    expect(await eventually(() => customKids(b), (k) => k[0] === 'customer-multi')).toEqual(['customer-multi', ...own]);
    expect((await call(a, '/api/v2/keys/custom-signing', { method: 'DELETE', headers: bearer(token) })).status).toBe(204);
    expect(await eventually(() => customKids(b), (k) => k[0] !== 'customer-multi')).toEqual(own);
  });

  it('a client grant deleted on one instance stops token issuance on the other', async () => {
    const token = await managementToken(a);
    const auth = bearer(token);
    await call(a, '/api/v2/resource-servers', { headers: auth, body: { identifier: 'urn:shared', scopes: [{ value: 'use:it' }] } });
    const client = (await call(a, '/api/v2/clients', { headers: auth, body: { name: 'Worker', app_type: 'non_interactive' } })).body;
    const grant = (await call(a, '/api/v2/client-grants', { headers: auth, body: { client_id: client.client_id, audience: 'urn:shared', scope: ['use:it'] } })).body;
    const form = { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, audience: 'urn:shared' };
    expect((await call(b, '/oauth/token', { form })).status).toBe(200); // b now caches the grant

    expect((await call(a, `/api/v2/client-grants/${grant.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    const after = await eventually(() => call(b, '/oauth/token', { form }), (r) => r.status !== 200);
    expect(after.status).toBe(403);
    expect(after.body.error).toBe('access_denied');
  });

  it('private_key_jwt: a jti used on one instance is refused on the other; a credential switched on one instance is switched on both', async () => {
    const auth = bearer(await managementToken(a));
    await call(a, '/api/v2/resource-servers', { headers: auth, body: { identifier: 'urn:pkj-shared' } });
    const client = (await call(a, '/api/v2/clients', { headers: auth, body: { name: 'Signer', app_type: 'non_interactive' } })).body;
    await call(a, '/api/v2/client-grants', { headers: auth, body: { client_id: client.client_id, audience: 'urn:pkj-shared', scope: [] } });
    const keys = [generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('ec', { namedCurve: 'P-256' })];
    const creds: Array<{ id: string; kid: string }> = [];
    for (const key of keys) {
      const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      creds.push((await call(a, `/api/v2/clients/${client.client_id}/credentials`, { headers: auth, body: { credential_type: 'public_key', alg: 'ES256', pem } })).body);
    }
    const associate = async (index: number) =>
      expect((await call(a, `/api/v2/clients/${client.client_id}`, { method: 'PATCH', headers: auth, body: { client_authentication_methods: { private_key_jwt: { credentials: [{ id: creds[index]!.id }] } } } })).status).toBe(200);
    await associate(0);
    const endpoints = [(await call(a, '/.well-known/openid-configuration')).body.token_endpoint, (await call(b, '/.well-known/openid-configuration')).body.token_endpoint];
    const { SignJWT } = await import('jose');
    const sign = (index: number, jti = crypto.randomUUID()) =>
      new SignJWT({ iss: client.client_id, sub: client.client_id, aud: endpoints, jti }).setProtectedHeader({ alg: 'ES256', kid: creds[index]!.kid }).setExpirationTime('60s').sign(keys[index]!.privateKey);
    const exchange = async (server: TestServer, assertion: string) =>
      call(server, '/oauth/token', { form: { grant_type: 'client_credentials', audience: 'urn:pkj-shared', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion } });

    const once = await sign(0);
    expect((await exchange(a, once)).status).toBe(200);
    const replayed = await exchange(b, once);
    expect(replayed.status).toBe(401);
    expect(replayed.body.error_description).toContain('jti has already been used');
    expect((await exchange(b, await sign(0))).status).toBe(200); // b caches key 1 as the one associated

    await associate(1);
    expect((await eventually(async () => exchange(b, await sign(1)), (r) => r.status === 200)).status).toBe(200);
    expect((await exchange(b, await sign(0))).status).toBe(401);
  });
});

describe('two instances sharing a database without Redis', () => {
  let database2: TestDatabase;
  let c: TestServer;
  let d: TestServer;

  beforeAll(async () => {
    database2 = freshDatabase();
    c = await startServer({ database: database2, env: FIXED });
    d = await startServer({ database: database2, env: FIXED });
  });
  afterAll(async () => {
    await c?.stop();
    await d?.stop();
    await database2?.drop();
  });

  it('converge through the database invalidation feed within a poll interval', async () => {
    const before = await kids(d);
    const token = await managementToken(c);
    expect((await call(c, '/api/v2/keys/signing/rotate', { method: 'POST', headers: bearer(token) })).status).toBe(201);
    expect(await eventually(() => kids(d), (k) => k.length === 3)).toHaveLength(3);
    const fresh = await managementToken(c);
    expect((await call(c, `/api/v2/keys/signing/${before[0]}/revoke`, { method: 'PUT', headers: bearer(fresh) })).status).toBe(200);
    expect(await eventually(() => kids(d), (k) => !k.includes(before[0]!))).not.toContain(before[0]);
  });
});
