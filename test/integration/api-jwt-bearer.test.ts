/**
 * A real resource server protected by Auth0's own middleware, express-oauth2-jwt-bearer, configured
 * exactly as Auth0's Express API quickstart does (`auth({ issuerBaseURL, audience })`), accepts
 * Tessera's client-credentials tokens and rejects everything it should: another audience, another
 * tenant's token for the same identifier, missing scopes, `alg: none`, a forged signature.
 *
 * The API runs in its own process with NODE_EXTRA_CA_CERTS pointing at the dev CA (how
 * `tessera dev-cert` tells developers to run their apps); it fetches discovery and the JWKS from
 * `https://dev.localhost:PORT` itself, with certificate verification on.
 *
 * @storage-neutral (a resource server verifying tokens it fetched keys for: JWT and JWKS wire formats): runs on SQLite only (test/support/suite-plan.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCertFiles, startJwtBearerApi, type RunningApp } from '../support/apps/index.js';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';

const AUDIENCE = 'https://orders.example.test/api';
const OTHER_AUDIENCE = 'https://billing.example.test/api';

interface Creds {
  client_id: string;
  client_secret: string;
}

let tls: TlsTestServer;
let api: RunningApp;
let devWorker: Creds;
let acmeWorker: Creds;

/** An API with scopes, an M2M application and its grant, through the Management API of `tenant`. */
async function provision(tenant: string, audiences: string[]): Promise<Creds> {
  const token = await tls.tokenFor(tenant);
  const call = async (method: string, path: string, body: unknown) => {
    const res = await tls.api(tenant, token, method, path, body);
    if (res.status !== 201) throw new Error(`${method} ${path} on ${tenant}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const client = await call('POST', '/api/v2/clients', { name: 'Orders worker', app_type: 'non_interactive' });
  for (const identifier of audiences) {
    await call('POST', '/api/v2/resource-servers', {
      name: identifier,
      identifier,
      scopes: [
        { value: 'read:x', description: 'Read X' },
        { value: 'write:x', description: 'Write X' },
      ],
    });
    await call('POST', '/api/v2/client-grants', { client_id: client.client_id, audience: identifier, scope: ['read:x', 'write:x'] });
  }
  return { client_id: client.client_id, client_secret: client.client_secret };
}

/** A client-credentials access token from `tenant`'s token endpoint over HTTPS. */
async function accessToken(tenant: string, creds: Creds, audience: string, scope?: string): Promise<string> {
  const res = await tls.caFetch(`https://${tls.hostOf(tenant)}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...creds, audience, ...(scope ? { scope } : {}) }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token from ${tenant} for ${audience}: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

async function callApi(path: string, token?: string): Promise<{ status: number; body: any; wwwAuthenticate: string | null }> {
  const res = await fetch(`${api.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json(), wwwAuthenticate: res.headers.get('www-authenticate') };
}

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  devWorker = await provision('dev', [AUDIENCE, OTHER_AUDIENCE]);
  // The other tenant registers the very same identifier: only the issuer and the keys tell them apart.
  acmeWorker = await provision('acme', [AUDIENCE]);
  api = await startJwtBearerApi({ issuerBaseURL: `https://${tls.hostOf('dev')}/`, audience: AUDIENCE, caCertFile: devCertFiles(tls.server).caCertFile });
});
afterAll(async () => {
  await api?.stop();
  await tls?.close();
});

describe('express-oauth2-jwt-bearer against Tessera', () => {
  it('accepts a client-credentials token for its audience (discovery and JWKS fetched over verified TLS)', async () => {
    const token = await accessToken('dev', devWorker, AUDIENCE);
    const res = await callApi('/api/private', token);
    expect(res.status, api.output()).toBe(200);
    expect(res.body.claims).toMatchObject({
      iss: `https://${tls.hostOf('dev')}/`,
      aud: AUDIENCE,
      sub: `${devWorker.client_id}@clients`,
      azp: devWorker.client_id,
      gty: 'client-credentials',
      scope: 'read:x write:x',
    });
    // Keys are cached by the middleware; a second token is verified without another fetch failing.
    expect((await callApi('/api/private', await accessToken('dev', devWorker, AUDIENCE))).status).toBe(200);
  });

  it('asks for a token when there is none, and leaves public routes alone', async () => {
    expect((await callApi('/api/public')).status).toBe(200);
    const res = await callApi('/api/private');
    expect(res.status).toBe(401);
    expect(res.wwwAuthenticate).toMatch(/^Bearer realm="api"/);
  });

  it('rejects a token for another audience of the same tenant', async () => {
    const token = await accessToken('dev', devWorker, OTHER_AUDIENCE);
    const res = await callApi('/api/private', token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.wwwAuthenticate).toContain('error="invalid_token"');
  });

  it('rejects a token from another tenant for the same API identifier', async () => {
    const token = await accessToken('acme', acmeWorker, AUDIENCE);
    const res = await callApi('/api/private', token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('enforces requiredScopes("read:x")', async () => {
    const writeOnly = await accessToken('dev', devWorker, AUDIENCE, 'write:x');
    const denied = await callApi('/api/read-x', writeOnly);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('insufficient_scope');
    expect(denied.wwwAuthenticate).toContain('scope="read:x"');

    const reader = await accessToken('dev', devWorker, AUDIENCE, 'read:x');
    const allowed = await callApi('/api/read-x', reader);
    expect(allowed.status).toBe(200);
    expect(allowed.body.scope).toBe('read:x');
  });

  it('keeps certificate verification on: without the dev CA the middleware cannot reach the issuer', async () => {
    const untrusting = await startJwtBearerApi({ issuerBaseURL: `https://${tls.hostOf('dev')}/`, audience: AUDIENCE });
    try {
      const token = await accessToken('dev', devWorker, AUDIENCE);
      const res = await fetch(`${untrusting.url}/api/private`, { headers: { authorization: `Bearer ${token}` } });
      // The library reports the failed TLS handshake as a token it cannot verify.
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_token', message: 'Failed to fetch authorization server metadata' });
    } finally {
      await untrusting.stop();
    }
  });

  it('rejects an unsigned (alg: none) token and a forged signature', async () => {
    const token = await accessToken('dev', devWorker, AUDIENCE);
    const [, payload, signature] = token.split('.');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    for (const unsigned of [`${noneHeader}.${payload}.`, `${noneHeader}.${payload}.${signature}`]) {
      const res = await callApi('/api/private', unsigned);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    }

    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const elevated = Buffer.from(JSON.stringify({ ...claims, scope: 'read:x write:x admin' })).toString('base64url');
    const forged = await callApi('/api/private', `${token.split('.')[0]}.${elevated}.${signature}`);
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('invalid_token');
  });
});
