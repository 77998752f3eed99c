/**
 * The dashboard's static serving composed with the real server (buildServer: tenant resolution,
 * security headers, the JSON not-found handler), as app.ts registers it, over a build of the test's
 * own: the SPA fallback and its CSP win on the admin host only, every other answer is unchanged.
 *
 * @storage-neutral (static files and their headers): runs on SQLite only (test/support/suite-plan.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { closeRuntime, openRuntime } from '../../src/cli/runtime.js';
import { buildServer } from '../../src/server/app.js';
import { ensureTenant } from '../../src/domain/bootstrap.js';
import type { Services } from '../../src/domain/services.js';
import { dashboardCsp } from '../../src/server/dashboard-assets.js';
import { ensureAdminTenant } from '../../src/domain/control-plane/admin-tenant.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1.js"></script></head><body><div id="root"></div></body></html>';
const HTML = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';
const DASHBOARD_HOST = 'manage.localhost';
const OTHER_HOST = 'acme.localhost';

let database: TestDatabase;
let services: Services;
let app: FastifyInstance;
let dist: string;

beforeAll(async () => {
  database = freshDatabase();
  dist = mkdtempSync(join(tmpdir(), 'tessera-dashboard-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
  const config = loadConfig({
    DATABASE_URL: database.url,
    TESSERA_DATA_DIR: database.dataDir,
    TESSERA_BASE_DOMAIN: 'localhost',
    TESSERA_PUBLIC_URL: 'https://{tenant}.localhost',
    TESSERA_DEFAULT_TENANT: 'dev',
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'warn',
  });
  services = await openRuntime(config, (error) => console.error(error));
  app = await buildServer(config, services, { dashboardDir: dist });
  await ensureAdminTenant(services);
  await ensureTenant(services, 'dev');
  await ensureTenant(services, 'acme');
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  if (services) await closeRuntime(services);
  await database?.drop();
  rmSync(dist, { recursive: true, force: true });
});

const get = (host: string, url: string, accept = HTML) => app.inject({ method: 'GET', url, headers: { host, accept, 'x-forwarded-proto': 'https' } });

describe('dashboard assets in the real server', () => {
  it('answers an HTML navigation on the dashboard host with index.html and the dashboard CSP, over the default one', async () => {
    const res = await get(DASHBOARD_HOST, '/t/acme/users');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toBe(dashboardCsp(['https://*.localhost']));
    // The other security headers stay.
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('serves the hashed assets on the dashboard host only', async () => {
    const asset = await get(DASHBOARD_HOST, '/assets/app-1.js', '*/*');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const other = await get(OTHER_HOST, '/assets/app-1.js', '*/*');
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual({ error: 'not_found', error_description: 'Not found: GET /assets/app-1.js' });
  });

  it("leaves the server's routes and its 404 answers alone", async () => {
    // A real route on the dashboard host (the discovery document) is still the route.
    const discovery = await get(DASHBOARD_HOST, '/.well-known/openid-configuration', 'application/json');
    expect(discovery.statusCode).toBe(200);
    expect(discovery.json().issuer).toBe('https://manage.localhost/');
    // Not HTML: the Authentication API's 404.
    const json = await get(DASHBOARD_HOST, '/t/acme/users', 'application/json');
    expect(json.statusCode).toBe(404);
    expect(json.json()).toEqual({ error: 'not_found', error_description: 'Not found: GET /t/acme/users' });
    // API paths keep the Management API's 404 even for a browser navigation.
    const api = await get(DASHBOARD_HOST, '/api/v2/nothing-here');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ statusCode: 404, errorCode: 'not_found' });
    // Another tenant's host: unchanged, CSP included.
    const other = await get(OTHER_HOST, '/t/acme/users');
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual({ error: 'not_found', error_description: 'Not found: GET /t/acme/users' });
    expect(other.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
