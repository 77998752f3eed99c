/** The tenant lifecycle through the `tessera` CLI against a running server: names, hosts, tombstones. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.stop());

const cliFails = async (...args: string[]): Promise<string> => {
  try {
    await server.cli(...args);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`expected "tessera ${args.join(' ')}" to fail`);
};

// Each CLI command is a Node.js process of its own (about 2.5 s on a quiet 2-core machine, several
// times that when the machine is busy), and some tests run six of them in a row.
const CLI_TEST_TIMEOUT_MS = 120_000;

describe('tessera tenants', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('creates a tenant with its own keys and Management API, served on {name}.{base domain}', async () => {
    const out = await server.cli('tenants', 'create', 'globex');
    expect(out).toContain('Created tenant globex');
    const creds = server.bootstrapOf('globex');
    expect(out).toContain(creds.client_id);
    const discovery = await call(server, '/.well-known/openid-configuration', { host: 'globex.localhost' });
    expect(discovery.body.issuer).toBe(`http://globex.localhost:${server.port}/`);
    const globexKeys = (await call(server, '/.well-known/jwks.json', { host: 'globex.localhost' })).body.keys.map((k: { kid: string }) => k.kid);
    const devKeys = (await call(server, '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect(globexKeys.filter((kid: string) => devKeys.includes(kid))).toEqual([]);
    expect(await managementToken(server, 'globex')).toMatch(/^ey/);
    expect(await server.cli('tenants', 'list')).toMatch(/globex\tglobex\.localhost/);
  });

  it('rejects names outside the docs’ rules and names already taken', async () => {
    for (const bad of ['ab', 'Upper', '-lead', 'trail-', 'under_score']) {
      expect(await cliFails('tenants', 'create', bad)).toMatch(/Tenant name/);
    }
    expect(await cliFails('tenants', 'create', 'dev')).toMatch(/already exists/);
  });

  it('deletes a tenant: its hosts stop answering and its name can never be reused', async () => {
    await server.cli('tenants', 'create', 'initech');
    const token = await managementToken(server, 'initech');
    expect(await server.cli('tenants', 'delete', 'initech')).toContain('cannot be used again');
    // The CLI is another process: the server learns of the deletion from the database invalidation feed.
    const gone = await eventually(() => call(server, '/.well-known/jwks.json', { host: 'initech.localhost' }), (r) => r.status === 404);
    expect(gone.status).toBe(404);
    const mgmt = await call(server, '/api/v2/tenants/settings', { host: 'initech.localhost', headers: { authorization: `Bearer ${token}` } });
    expect(mgmt.status).toBe(404);
    expect(mgmt.body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_tenant' });
    expect(await cliFails('tenants', 'create', 'initech')).toMatch(/deleted tenant and cannot be reused/);
  });

  it('migrate reports an up-to-date database', async () => {
    expect(await server.cli('migrate')).toContain('up to date');
  });
});
