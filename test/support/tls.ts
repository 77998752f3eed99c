/**
 * A server over real TLS with a throwaway dev CA, and clients that trust exactly that CA:
 * the official Auth0 SDKs (v7 and v4) pointed at `{tenant}.localhost:PORT`, and a `fetch` for
 * direct calls. Certificate verification stays on everywhere.
 */
import { access, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagementClient } from 'auth0';
import { ManagementClient as ManagementClientV4 } from 'auth0-v4';
import type { DevCertPaths } from '../../src/cli/dev-cert.js';
import { CERT_CACHE_VARIABLE } from './global-setup.js';
import { startServer, type Bootstrap, type StartOptions, type TestServer } from './server.js';

export interface TlsTestServer {
  server: TestServer;
  /** A WHATWG `fetch` that trusts the dev CA (and only it). */
  caFetch: typeof fetch;
  hostOf(tenant: string): string;
  /** A Management API token of the tenant's bootstrap app, asked for over HTTPS as the SDK would; `scope` narrows it. */
  tokenFor(tenant: string, options?: { creds?: Bootstrap; scope?: string }): Promise<string>;
  v7(tenant: string, creds?: Bootstrap): ManagementClient;
  v4(tenant: string, creds?: Bootstrap): ManagementClientV4;
  /** JSON call over HTTPS with a bearer token; returns status and parsed body. */
  api(tenant: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * `undici` is not installed as a package here (Node 20 bundles it but exports neither `Agent` nor
 * `setGlobalDispatcher`), so the global dispatcher cannot be pointed at the dev CA. Both SDK
 * versions accept a `fetch` option, and jose accepts `[customFetch]`, so we give them a fetch built
 * on node:https with the CA. The SDKs still build every request and parse every response themselves.
 */
export function fetchTrustingCa(agent: HttpsAgent): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.protocol !== 'https:') throw new TypeError(`caFetch only speaks https, got ${request.url}`);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      // Node frames DELETE bodies only with an explicit length, so every body gets one.
      const headers = { ...Object.fromEntries(request.headers), ...(body ? { 'content-length': String(body.length) } : {}) };
      const req = httpsRequest(url, { method: request.method, headers, agent, signal: request.signal }, (res) => {
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

/**
 * A throwaway dev CA and certificate naming `tenants`, made by `tessera dev-cert`'s own code. Within a
 * vitest run they are made once per tenant list and shared by the test files (in the directory
 * global-setup.ts makes and removes): making them, and loading the x509 library to do it, cost each
 * TLS test file about half a second of CPU. `discard` removes a certificate made for this file alone.
 */
async function devCertificate(tenants: string[]): Promise<DevCertPaths & { discard(): Promise<void> }> {
  const make = async (outDir: string) => (await import('../../src/cli/dev-cert.js')).runDevCert({ outDir, baseDomain: 'localhost', tenantNames: tenants });
  const cache = process.env[CERT_CACHE_VARIABLE];
  if (!cache) {
    const certDir = await mkdtemp(join(tmpdir(), 'tessera-dev-cert-'));
    return { ...(await make(certDir)), discard: () => rm(certDir, { recursive: true, force: true }) };
  }
  const dir = join(cache, tenants.join(','));
  const paths = { caCertFile: join(dir, 'dev-ca.pem'), certFile: join(dir, 'dev-cert.pem'), keyFile: join(dir, 'dev-key.pem'), discard: async () => {} };
  if (await access(paths.keyFile).then(() => true, () => false)) return paths;
  // Made aside and renamed into place, so a test file never reads another's half-written files; when
  // two files make the same list at once, the first rename wins and the other's copy is dropped.
  const staging = await mkdtemp(join(cache, 'staging-'));
  await make(staging);
  await rename(staging, dir).catch(() => rm(staging, { recursive: true, force: true }));
  return paths;
}

/** Starts the server with a dev certificate naming `tenants` (Node rejects `*.localhost` for `dev.localhost`). */
export async function startTlsServer(tenants: string[] = ['dev', 'acme'], options: StartOptions = {}): Promise<TlsTestServer> {
  const { caCertFile, certFile, keyFile, discard } = await devCertificate(tenants);
  const agent = new HttpsAgent({ ca: await readFile(caCertFile, 'utf8') });
  const caFetch = fetchTrustingCa(agent);
  const server = await startServer({ ...options, tls: { certFile, keyFile } });
  const hostOf = (tenant: string) => `${tenant}.localhost:${server.port}`;

  const tokenFor = async (tenant: string, { creds = server.bootstrapOf(tenant), scope }: { creds?: Bootstrap; scope?: string } = {}): Promise<string> => {
    const res = await caFetch(`https://${hostOf(tenant)}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: creds.client_id,
        client_secret: creds.client_secret,
        audience: `https://${hostOf(tenant)}/api/v2/`,
        ...(scope ? { scope } : {}),
      }),
    });
    const body = (await res.json()) as { access_token: string };
    if (res.status !== 200) throw new Error(`token request for ${tenant} failed: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };

  return {
    server,
    caFetch,
    hostOf,
    tokenFor,
    v7: (tenant, creds = server.bootstrapOf(tenant)) =>
      new ManagementClient({ domain: hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: caFetch }),
    v4: (tenant, creds = server.bootstrapOf(tenant)) =>
      new ManagementClientV4({ domain: hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: caFetch }),
    api: async (tenant, token, method, path, body) => {
      const res = await caFetch(`https://${hostOf(tenant)}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close: async () => {
      await server.stop();
      agent.destroy();
      await discard();
    },
  };
}

/** The error a rejected promise threw, so its properties can be asserted. */
export async function thrown(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
