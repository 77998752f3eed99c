/**
 * Helpers for the dashboard browser tests that run against a real spawned server
 * (test/browser/dashboard-{headline,applications,apis,users}.test.ts):
 * - `startAdminServer()`: a server whose administrator comes from TESSERA_ADMIN_EMAIL/PASSWORD, with a
 *   tenant made by the CLI's `tenants create` command, run in the test process (`createTenant`: no CLI
 *   process to start); the administrator is its Admin.
 * - `signIn(page, server)`: the dashboard sign-in through the hosted login page on manage.localhost.
 * - `expectAxeClean(page, screen)`: no serious or critical axe violation.
 * - `serveSpa(domain, clientId)`: the auth0-spa-js test app (test/support/apps/spa) over plain HTTP on
 *   127.0.0.1 (a secure context for Chromium), pointed at `domain`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { submitHostedLogin } from './browser.js';
import { call, managementToken, startServer, type TestServer } from './server.js';
export { expectAxeClean, setScheme } from './dashboard.js';

export const ADMIN = { username: 'admin@example.com', password: 'Correct-Horse-Battery-9' };

export async function startAdminServer(tenant = 'acme'): Promise<TestServer> {
  const server = await startServer({ env: { TESSERA_ADMIN_EMAIL: ADMIN.username, TESSERA_ADMIN_PASSWORD: ADMIN.password } });
  await server.createTenant(tenant);
  return server;
}

export const dashboardOrigin = (server: TestServer) => `http://manage.localhost:${server.port}`;

export async function signIn(page: Page, server: TestServer, path = '/'): Promise<void> {
  await page.goto(`${dashboardOrigin(server)}${path}`);
  await submitHostedLogin(page, ADMIN);
  await page.waitForURL((url) => url.origin === dashboardOrigin(server) && !url.pathname.startsWith('/api/'));
}

export interface SpaServer {
  origin: string;
  configure(config: { domain: string; clientId: string; audience?: string }): void;
  close(): Promise<void>;
}

const APPS = resolve(import.meta.dirname, 'apps/spa');
const SDK = join(dirname(createRequire(import.meta.url).resolve('@auth0/auth0-spa-js')), '..', 'auth0-spa-js.production.js');

export async function serveSpa(): Promise<SpaServer> {
  let config: { domain: string; clientId: string; audience?: string } = { domain: '', clientId: '' };
  const files: Record<string, [string, string]> = {
    '/app.js': [join(APPS, 'app.js'), 'text/javascript; charset=utf-8'],
    '/auth0-spa-js.production.js': [SDK, 'text/javascript; charset=utf-8'],
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    res.setHeader('cache-control', 'no-store');
    if (path === '/config.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(config));
      return;
    }
    const [file, type] = files[path] ?? [join(APPS, 'index.html'), 'text/html; charset=utf-8'];
    res.setHeader('content-type', type);
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    configure: (next) => {
      config = next;
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** The tenant's Management API with its bootstrap application's token, to seed and check data. */
export async function managementApi(server: TestServer, tenant: string) {
  const token = await managementToken(server, tenant);
  return (path: string, init: { method?: string; body?: object } = {}) =>
    call(server, `/api/v2${path}`, { host: `${tenant}.localhost`, headers: { authorization: `Bearer ${token}` }, ...init });
}

/** Failed loads a signed-in dashboard page expects: the first GET /me before sign-in, avatars from the (closed) network. */
export const expectedFailedLoads = (url: string) => url.endsWith('/api/control/v1/me') || url.startsWith('https://s.gravatar.com/');
