/**
 * The official Auth0 Node SDK, unchanged, against Tessera over real TLS: `ManagementClient` (v7 and v4)
 * pointed at `dev.localhost:PORT` gets its own token by client credentials and reads and updates
 * tenant settings; tokens never cross tenants; jose verifies our tokens against the remote JWKS.
 *
 * The server certificate is issued by a throwaway dev CA (`runDevCert`). Certificate verification
 * stays on everywhere: clients trust exactly that CA, and a client that does not is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagementClient, ManagementError } from 'auth0';
import { ManagementClient as ManagementClientV4, ManagementApiError } from 'auth0-v4';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { runDevCert } from '../../src/cli/dev-cert.js';
import { startServer, type Bootstrap, type TestServer } from '../support/server.js';

let server: TestServer;
let certDir: string;
let tlsAgent: HttpsAgent;
/** A WHATWG `fetch` that trusts the dev CA (and only it); handed to the SDKs and to jose. */
let caFetch: typeof fetch;

/**
 * `undici` is not installed as a package here (Node 20 bundles it but exports neither `Agent` nor
 * `setGlobalDispatcher`), so the global dispatcher cannot be pointed at the dev CA. Both SDK
 * versions accept a `fetch` option, and jose accepts `[customFetch]`, so we give them a fetch built
 * on node:https with the CA. The SDKs still build every request (URLs, headers, bodies, token
 * requests) and parse every response themselves; only the socket is ours.
 */
function fetchTrustingCa(agent: HttpsAgent): typeof fetch {
  return async (input, init) => {
    // Request normalises every input form the SDKs use (string/URL + init, string/URLSearchParams/JSON bodies).
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.protocol !== 'https:') throw new TypeError(`caFetch only speaks https, got ${request.url}`);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(url, { method: request.method, headers: Object.fromEntries(request.headers), agent, signal: request.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const status = res.statusCode ?? 0;
          const nullBody = [101, 204, 205, 304].includes(status);
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers }));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}

const hostOf = (tenant: string) => `${tenant}.localhost:${server.port}`;

/** A Management API token for `tenant`, asked for over HTTPS exactly as the SDK would. */
async function tokenFor(tenant: string, creds: Bootstrap = server.bootstrapOf(tenant)): Promise<string> {
  const res = await caFetch(`https://${hostOf(tenant)}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.client_id,
      client_secret: creds.client_secret,
      audience: `https://${hostOf(tenant)}/api/v2/`,
    }),
  });
  const body = (await res.json()) as { access_token: string };
  if (res.status !== 200) throw new Error(`token request for ${tenant} failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

const v7Client = (tenant: string, creds: Bootstrap = server.bootstrapOf(tenant)) =>
  new ManagementClient({ domain: hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: caFetch });

const v4Client = (tenant: string, creds: Bootstrap = server.bootstrapOf(tenant)) =>
  new ManagementClientV4({ domain: hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: caFetch });

/** The error a rejected promise threw, so its properties can be asserted. */
async function thrown(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'tessera-dev-cert-'));
  // `*.localhost` does not cover `dev.localhost` for Node's TLS, so the tenants are named explicitly.
  const { caCertFile, certFile, keyFile } = await runDevCert({ outDir: certDir, baseDomain: 'localhost', tenantNames: ['dev', 'acme'] });
  tlsAgent = new HttpsAgent({ ca: await readFile(caCertFile, 'utf8') });
  caFetch = fetchTrustingCa(tlsAgent);
  server = await startServer({ tls: { certFile, keyFile } });
});

afterAll(async () => {
  await server?.stop();
  tlsAgent?.destroy();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

describe('TLS with the dev CA', () => {
  it('is verified: the SDK refuses the server without the CA, and accepts it with the CA', async () => {
    // Default fetch, default trust store: the dev CA is unknown, so the token request must fail on the certificate.
    const untrusting = new ManagementClient({ domain: hostOf('dev'), clientId: server.bootstrap.client_id, clientSecret: server.bootstrap.client_secret, maxRetries: 0 });
    const error = await thrown(untrusting.tenants.settings.get());
    const causes = [error, error?.cause, error?.cause?.cause].filter(Boolean);
    expect(causes.map((e) => String(e.code ?? ''))).toEqual(expect.arrayContaining([expect.stringMatching(/CERT|VERIFY|ISSUER/)]));

    const res = await caFetch(`https://${hostOf('dev')}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { issuer: string }).issuer).toBe(`https://${hostOf('dev')}/`);
  });
});

describe('auth0 v7 ManagementClient', () => {
  it('gets its own token and reads tenant settings', async () => {
    const management = v7Client('dev');
    const settings = await management.tenants.settings.get();
    expect(settings.enabled_locales).toEqual(expect.any(Array));
    expect(settings.flags).toEqual(expect.any(Object));
  });

  it('updates tenant settings and reads the change back', async () => {
    const management = v7Client('dev');
    const updated = await management.tenants.settings.update({
      friendly_name: 'Dev via SDK v7',
      support_email: 'support-v7@example.com',
      flags: { enable_dynamic_client_registration: true },
    });
    expect(updated).toMatchObject({ friendly_name: 'Dev via SDK v7', support_email: 'support-v7@example.com', flags: { enable_dynamic_client_registration: true } });
    const again = await management.tenants.settings.get();
    expect(again).toMatchObject({ friendly_name: 'Dev via SDK v7', support_email: 'support-v7@example.com', flags: { enable_dynamic_client_registration: true } });
  });

  it('throws a 400 error for an invalid update', async () => {
    const management = v7Client('dev');
    for (const body of [{ friendly_name: 12 }, { no_such_setting: true }]) {
      const error = await thrown(management.tenants.settings.update(body as never));
      expect(error).toBeInstanceOf(ManagementError);
      expect(error.statusCode).toBe(400);
      expect(error.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    }
    expect((await management.tenants.settings.get()).friendly_name).toBe('Dev via SDK v7');
  });
});

describe('auth0 v4 ManagementClient', () => {
  it('gets its own token, updates tenant settings and reads the change back', async () => {
    const management = v4Client('dev');
    const before = await management.tenants.getSettings();
    expect(before.status).toBe(200);
    expect(before.data.enabled_locales).toEqual(expect.any(Array));

    const updated = await management.tenants.updateSettings({
      friendly_name: 'Dev via SDK v4',
      support_email: 'support-v4@example.com',
      flags: { enable_dynamic_client_registration: true },
    });
    expect(updated.status).toBe(200);
    expect(updated.data).toMatchObject({ friendly_name: 'Dev via SDK v4', support_email: 'support-v4@example.com' });

    const { data } = await management.tenants.getSettings();
    expect(data).toMatchObject({ friendly_name: 'Dev via SDK v4', support_email: 'support-v4@example.com', flags: { enable_dynamic_client_registration: true } });
  });

  it('throws a 400 ManagementApiError for an invalid update', async () => {
    const management = v4Client('dev');
    for (const body of [{ friendly_name: 12 }, { no_such_setting: true }]) {
      const error = await thrown(management.tenants.updateSettings(body as never));
      expect(error).toBeInstanceOf(ManagementApiError);
      expect(error).toMatchObject({ statusCode: 400, errorCode: 'invalid_body', error: 'Bad Request' });
    }
  });
});

describe('tenant isolation through the SDK', () => {
  let acme: Bootstrap;

  beforeAll(async () => {
    await server.cli('tenants', 'create', 'acme');
    acme = server.bootstrapOf('acme');
  });

  it('manages the second tenant from its own host, without touching the first', async () => {
    const v7 = v7Client('acme', acme);
    await v7.tenants.settings.update({ friendly_name: 'Acme v7' });
    expect((await v7.tenants.settings.get()).friendly_name).toBe('Acme v7');

    const v4 = v4Client('acme', acme);
    await v4.tenants.updateSettings({ friendly_name: 'Acme v4' });
    expect((await v4.tenants.getSettings()).data.friendly_name).toBe('Acme v4');

    expect((await v7Client('dev').tenants.settings.get()).friendly_name).not.toMatch(/^Acme/);
  });

  it("refuses one tenant's credentials on the other tenant's host", async () => {
    // dev's application does not exist in acme: the SDK's own token request fails, and it surfaces a 401.
    const crossed = new ManagementClient({ domain: hostOf('acme'), clientId: server.bootstrap.client_id, clientSecret: server.bootstrap.client_secret, fetch: caFetch, maxRetries: 0 });
    const error = await thrown(crossed.tenants.settings.get());
    expect(error.statusCode).toBe(401);
  });

  it("rejects a token of one tenant on the other tenant's Management API, both ways (401)", async () => {
    const tokens = { dev: await tokenFor('dev'), acme: await tokenFor('acme') };
    const settings = (tenant: string, token: string) =>
      caFetch(`https://${hostOf(tenant)}/api/v2/tenants/settings`, { headers: { authorization: `Bearer ${token}` } });

    // Each token works at home, so the 401s below are about the tenant and nothing else.
    expect((await settings('dev', tokens.dev)).status).toBe(200);
    expect((await settings('acme', tokens.acme)).status).toBe(200);

    for (const [host, token] of [['dev', tokens.acme], ['acme', tokens.dev]] as const) {
      const res = await settings(host, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }

    // The SDK with a static token from the wrong tenant gets the same 401.
    const wrongToken = new ManagementClient({ domain: hostOf('dev'), token: tokens.acme, fetch: caFetch, maxRetries: 0 });
    const error = await thrown(wrongToken.tenants.settings.get());
    expect(error.statusCode).toBe(401);
  });
});

describe('JWKS over HTTPS', () => {
  it('jose createRemoteJWKSet verifies a token obtained over HTTPS', async () => {
    const token = await tokenFor('dev');
    const jwks = createRemoteJWKSet(new URL(`https://${hostOf('dev')}/.well-known/jwks.json`), { [customFetch]: caFetch });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: `https://${hostOf('dev')}/`,
      audience: `https://${hostOf('dev')}/api/v2/`,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(`${server.bootstrap.client_id}@clients`);

    // acme signs with its own keys: dev's JWKS must not verify an acme token.
    const acmeToken = await tokenFor('acme');
    await expect(jwtVerify(acmeToken, jwks)).rejects.toThrow();
  });
});
