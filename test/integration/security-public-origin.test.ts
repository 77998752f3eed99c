/**
 * Finding 2 of issue 11: the Management API has one identity. A configured public origin
 * (TESSERA_PUBLIC_URL, by default the server's own scheme and port) fixes every tenant's issuer and
 * Management API identifier; every alias of that identifier (any host of the tenant, with or without a
 * port, http or https) is the system API for token requests, client grants and conflicts, so no custom
 * API can take one; links in emails and discovery never take the port of the request's Host.
 *
 * @storage-neutral (the issuer and the Management API identifier are computed from configuration and the Host header): runs on SQLite only (test/support/suite-plan.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient } from 'auth0';
import { ManagementClient as ManagementClientV4 } from 'auth0-v4';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';
import { freshDatabase } from '../support/database.js';

let tls: TlsTestServer;
let admin: string;
let canonical: string;

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  admin = await tls.tokenFor('dev');
  canonical = `https://${tls.hostOf('dev')}/api/v2/`;
});
afterAll(async () => tls?.close());

async function m2mClient(name: string): Promise<{ client_id: string; client_secret: string }> {
  const created = await tls.api('dev', admin, 'POST', '/api/v2/clients', { name, app_type: 'non_interactive', grant_types: ['client_credentials'] });
  expect(created.status).toBe(201);
  return created.body;
}

/** A fetch that remembers the `audience` the SDK itself put in its token request. */
function recordingAudience(): { fetch: typeof fetch; audiences: string[] } {
  const audiences: string[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).pathname === '/oauth/token') {
      const text = await request.clone().text();
      const audience = text.trim().startsWith('{') ? JSON.parse(text).audience : new URLSearchParams(text).get('audience');
      if (audience) audiences.push(audience);
    }
    return tls.caFetch(request);
  };
  return { fetch: recording, audiences };
}

describe('finding 2: the Management API has one identity', () => {
  it('finding 2: the system API is stored under the public origin, and a client grant for https://dev.localhost:PORT/api/v2/ succeeds', async () => {
    const system = await tls.api('dev', admin, 'GET', `/api/v2/resource-servers/${encodeURIComponent(canonical)}`);
    expect(system.status).toBe(200);
    expect(system.body).toMatchObject({ identifier: canonical, is_system: true });

    const app = await m2mClient('Port alias');
    const grant = await tls.api('dev', admin, 'POST', '/api/v2/client-grants', { client_id: app.client_id, audience: canonical, scope: ['read:users'] });
    expect(grant.status).toBe(201);
    expect(grant.body.audience).toBe(canonical);

    // Listing by any alias finds it; a token for another alias is a Management API token with the granted scope.
    const listed = await tls.api('dev', admin, 'GET', `/api/v2/client-grants?client_id=${app.client_id}&audience=${encodeURIComponent('http://dev.localhost/api/v2/')}`);
    expect(listed.body.map((g: any) => g.id)).toEqual([grant.body.id]);
    const token = await tls.tokenFor('dev', { creds: app as any });
    expect((await tls.api('dev', token, 'GET', '/api/v2/users')).status).toBe(200);
    expect((await tls.api('dev', token, 'GET', '/api/v2/clients')).status).toBe(403);

    // A second grant for the same client under another alias is the same grant: a conflict.
    const again = await tls.api('dev', admin, 'POST', '/api/v2/client-grants', { client_id: app.client_id, audience: `https://localhost:${tls.server.port}/api/v2/`, scope: ['read:users'] });
    expect(again.status).toBe(409);
  });

  it('finding 2: no custom API may take an alias of the Management API as identifier, and a custom API token is refused by /api/v2', async () => {
    const port = tls.server.port;
    const aliases = [
      canonical,
      `https://dev.localhost/api/v2/`,
      `http://dev.localhost:${port}/api/v2/`,
      `https://DEV.localhost:${port + 1}/api/v2/`,
      `https://localhost:${port}/api/v2/`,
      `http://localhost/api/v2/`,
    ];
    for (const identifier of aliases) {
      const res = await tls.api('dev', admin, 'POST', '/api/v2/resource-servers', { identifier, scopes: [{ value: 'read:users' }] });
      expect(res.status, identifier).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'A resource server with the same identifier already exists.' });
    }

    // A custom API that is not an alias can be created, but its tokens never open /api/v2.
    const custom = `https://dev.localhost:${port}/api/v3/`;
    expect((await tls.api('dev', admin, 'POST', '/api/v2/resource-servers', { identifier: custom, scopes: [{ value: 'read:users' }] })).status).toBe(201);
    const app = await m2mClient('Custom API caller');
    expect((await tls.api('dev', admin, 'POST', '/api/v2/client-grants', { client_id: app.client_id, audience: custom, scope: ['read:users'] })).status).toBe(201);
    const res = await tls.caFetch(`https://${tls.hostOf('dev')}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, audience: custom }),
    });
    expect(res.status).toBe(200);
    const customToken = ((await res.json()) as { access_token: string }).access_token;
    const refused = await tls.api('dev', customToken, 'GET', '/api/v2/users');
    expect(refused.status).toBe(401);
  });

  it('finding 2: a custom API whose identifier later becomes a Management API alias (a new custom domain) never opens /api/v2', async () => {
    const identifier = 'https://login.acme.test/api/v2/';
    const created = await tls.api('dev', admin, 'POST', '/api/v2/resource-servers', { identifier, scopes: [{ value: 'read:client_keys' }] });
    expect(created.status).toBe(201);
    const app = await m2mClient('Alias squatter');
    expect((await tls.api('dev', admin, 'POST', '/api/v2/client-grants', { client_id: app.client_id, audience: identifier, scope: ['read:client_keys'] })).status).toBe(201);
    const res = await tls.caFetch(`https://${tls.hostOf('dev')}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, audience: identifier }),
    });
    const squatterToken = ((await res.json()) as { access_token: string }).access_token;
    expect((await tls.api('dev', squatterToken, 'GET', '/api/v2/clients')).status).toBe(401);

    await tls.server.cli('tenants', 'add-domain', 'dev', 'login.acme.test');
    // Once the domain is the tenant's, its /api/v2/ names the Management API...
    const resolved = await eventually(
      () => tls.api('dev', admin, 'GET', `/api/v2/resource-servers/${encodeURIComponent(identifier)}`),
      (r) => r.body?.is_system === true,
    );
    expect(resolved.body).toMatchObject({ is_system: true });
    // ...but the custom API's own tokens still never pass for Management API tokens.
    const refused = await tls.api('dev', squatterToken, 'GET', '/api/v2/clients');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toContain('Bad audience');
  });

  it('finding 2: the auth0 v7 ManagementClient creates a client grant for the audience it computes itself', async () => {
    const { fetch, audiences } = recordingAudience();
    const creds = tls.server.bootstrapOf('dev');
    const management = new ManagementClient({ domain: tls.hostOf('dev'), clientId: creds.client_id, clientSecret: creds.client_secret, fetch });
    const app = await management.clients.create({ name: 'v7 grantee', app_type: 'non_interactive' });
    expect(audiences[0]).toBe(canonical);
    const grant = await management.clientGrants.create({ client_id: app.client_id!, audience: audiences[0]!, scope: ['read:users'] });
    expect(grant).toMatchObject({ client_id: app.client_id, audience: canonical, scope: ['read:users'] });
  });

  it('finding 2: the auth0 v4 ManagementClient creates a client grant for the audience it computes itself', async () => {
    const { fetch, audiences } = recordingAudience();
    const creds = tls.server.bootstrapOf('dev');
    const management = new ManagementClientV4({ domain: tls.hostOf('dev'), clientId: creds.client_id, clientSecret: creds.client_secret, fetch });
    const { data: app } = await management.clients.create({ name: 'v4 grantee', app_type: 'non_interactive' });
    expect(audiences[0]).toBe(canonical);
    const { status, data: grant } = await management.clientGrants.create({ client_id: app.client_id, audience: audiences[0]!, scope: ['read:users'] });
    expect(status).toBe(201);
    expect(grant).toMatchObject({ client_id: app.client_id, audience: canonical });
  });
});

describe('finding 2: links and discovery use the public origin', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.stop());

  it('finding 2: a reset link requested with Host: localhost:31337 points at the public origin', async () => {
    const token = await managementToken(server);
    const spa = await call(server, '/api/v2/clients', { headers: { authorization: `Bearer ${token}` }, body: { name: 'SPA', app_type: 'spa', callbacks: ['https://spa.example.com/cb'] } });
    const user = await call(server, '/api/v2/users', {
      headers: { authorization: `Bearer ${token}` },
      body: { connection: 'Username-Password-Authentication', email: 'reset-origin@example.com', password: 'Xk9#mTq2!vLp', email_verified: true },
    });
    expect(user.status).toBe(201);

    const reset = await call(server, '/dbconnections/change_password', {
      headers: { host: 'localhost:31337' },
      body: { client_id: spa.body.client_id, connection: 'Username-Password-Authentication', email: 'reset-origin@example.com' },
    });
    expect(reset.status).toBe(200);
    const messages = await eventually(
      async () => (await call(server, '/api/v2/tessera/outbox?to=reset-origin@example.com', { headers: { authorization: `Bearer ${token}` } })).body as any[],
      (found) => found.some((m) => m.text.includes('/u/reset-password?ticket=')),
      5_000,
    );
    const message = messages.find((m) => m.text.includes('/u/reset-password?ticket='));
    const link = /https?:\/\/[^\s"'<>]+\/u\/reset-password\?ticket=[^\s"'<>]+/.exec(message?.text ?? '')?.[0];
    expect(link).toBeDefined();
    expect(link!.startsWith(`http://localhost:${server.port}/u/reset-password?ticket=`)).toBe(true);
    expect(link).not.toContain('31337');

    // Discovery and tokens follow the same rule.
    const discovery = await call(server, '/.well-known/openid-configuration', { headers: { host: 'localhost:31337' } });
    expect(discovery.body.issuer).toBe(`http://localhost:${server.port}/`);
    expect(discovery.body.token_endpoint).toBe(`http://localhost:${server.port}/oauth/token`);
  });

  it('finding 2: with TESSERA_PUBLIC_URL the scheme and port are the configured ones, whatever the request', async () => {
    const database = freshDatabase();
    const proxied = await startServer({ database, env: { TESSERA_PUBLIC_URL: 'https://{tenant}.localhost:8443' } });
    try {
      const discovery = await call(proxied, '/.well-known/openid-configuration', { host: 'dev.localhost' });
      expect(discovery.body.issuer).toBe('https://dev.localhost:8443/');
      const bare = await call(proxied, '/.well-known/openid-configuration', { host: 'localhost' });
      expect(bare.body.issuer).toBe('https://localhost:8443/');
      // The bootstrap file names the canonical identifier; the alias on the real port works too.
      expect((proxied.bootstrap as unknown as { audience: string }).audience).toBe('https://dev.localhost:8443/api/v2/');
      const token = await managementToken(proxied);
      const apis = await call(proxied, '/api/v2/resource-servers', { headers: { authorization: `Bearer ${token}` } });
      expect(apis.body.find((api: any) => api.is_system).identifier).toBe('https://dev.localhost:8443/api/v2/');
    } finally {
      await proxied.stop();
    }

    // Started again under another public URL, the system API moves there with its grants.
    const moved = await startServer({ database, env: { TESSERA_PUBLIC_URL: 'https://{tenant}.localhost:9443' } });
    try {
      const token = await managementToken(moved);
      const auth = { authorization: `Bearer ${token}` };
      const apis = await call(moved, '/api/v2/resource-servers', { headers: auth });
      expect(apis.body.find((api: any) => api.is_system).identifier).toBe('https://dev.localhost:9443/api/v2/');
      const grants = await call(moved, `/api/v2/client-grants?client_id=${moved.bootstrap.client_id}`, { headers: auth });
      expect(grants.body.map((g: any) => g.audience)).toEqual(['https://dev.localhost:9443/api/v2/']);
    } finally {
      await moved.stop();
      await database.drop();
    }
  }, 120_000);
});
