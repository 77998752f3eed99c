/**
 * The dashboard's static serving (src/server/dashboard-assets.ts) on a bare Fastify with a temporary
 * dist folder: assets cached immutably, the SPA fallback only for HTML GETs on dashboard requests,
 * the 503 page without a build, and the other hosts' not-found answers unchanged.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ASSETS_CACHE_CONTROL, dashboardCsp, registerDashboardAssets } from '../../src/server/dashboard-assets.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const ADMIN = 'manage.localhost:4000';
const TENANT = 'acme.localhost:4000';

let app: FastifyInstance | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function distDir(options: { built: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-dashboard-dist-'));
  dirs.push(dir);
  if (options.built) {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
    writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{}');
  }
  return dir;
}

/** A server shaped like app.ts: its own JSON not-found handler and one API route. */
async function server(dist: string): Promise<FastifyInstance> {
  const instance = Fastify();
  instance.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', error_description: `Not found: ${request.method} ${request.url.split('?')[0]}` }),
  );
  instance.get('/api/control/v1/me', async () => ({ user_id: 'x' }));
  await registerDashboardAssets(instance, {
    distDir: dist,
    isDashboardRequest: (request) => request.headers.host === ADMIN,
    connectSources: ['http://*.localhost:4000'],
  });
  await instance.ready();
  return instance;
}

describe('dashboard assets', () => {
  it('serves hashed assets on the dashboard host with a one-year immutable cache', async () => {
    app = await server(distDir({ built: true }));
    const res = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { host: ADMIN } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe(ASSETS_CACHE_CONTROL);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.body).toBe('console.log("app")');
  });

  it("sends the build's brotli copy to a browser that accepts it, varying on accept-encoding", async () => {
    const dist = distDir({ built: true });
    const source = 'console.log("app");'.repeat(100);
    writeFileSync(join(dist, 'assets', 'big-abc123.js'), source);
    writeFileSync(join(dist, 'assets', 'big-abc123.js.br'), brotliCompressSync(source));
    app = await server(dist);
    const br = await app.inject({ method: 'GET', url: '/assets/big-abc123.js', headers: { host: ADMIN, 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe(ASSETS_CACHE_CONTROL);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(source);
    const plain = await app.inject({ method: 'GET', url: '/assets/big-abc123.js', headers: { host: ADMIN, 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(source);
  });

  it('answers a missing asset with the usual 404, never with index.html', async () => {
    app = await server(distDir({ built: true }));
    const res = await app.inject({ method: 'GET', url: '/assets/missing-000.js', headers: { host: ADMIN, accept: HTML } });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<div id="root">');
  });

  it('refuses path traversal out of the assets folder', async () => {
    const dist = distDir({ built: true });
    app = await server(dist);
    const res = await app.inject({ method: 'GET', url: '/assets/..%2findex.html', headers: { host: ADMIN } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.body).not.toContain('<div id="root">');
  });

  it('does not serve assets on other hosts: their 404 is unchanged', async () => {
    app = await server(distDir({ built: true }));
    const res = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { host: TENANT } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', error_description: 'Not found: GET /assets/index-abc123.js' });
  });

  it('falls back to index.html (no-store, the dashboard CSP) for an HTML GET no route takes', async () => {
    app = await server(distDir({ built: true }));
    for (const url of ['/', '/t/acme/users', '/setup?x=1', '/profile']) {
      const res = await app.inject({ method: 'GET', url, headers: { host: ADMIN, accept: HTML } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe(dashboardCsp(['http://*.localhost:4000']));
      expect(res.body).toBe(INDEX);
    }
  });

  it('leaves routes, non-HTML requests, other methods, API paths and other hosts to the server', async () => {
    app = await server(distDir({ built: true }));
    const route = await app.inject({ method: 'GET', url: '/api/control/v1/me', headers: { host: ADMIN, accept: HTML } });
    expect(route.json()).toEqual({ user_id: 'x' });
    const json = await app.inject({ method: 'GET', url: '/t/acme', headers: { host: ADMIN, accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(json.json().error).toBe('not_found');
    const post = await app.inject({ method: 'POST', url: '/t/acme', headers: { host: ADMIN, accept: HTML } });
    expect(post.statusCode).toBe(404);
    expect(post.json().error).toBe('not_found');
    const api = await app.inject({ method: 'GET', url: '/api/control/v1/nothing', headers: { host: ADMIN, accept: HTML } });
    expect(api.statusCode).toBe(404);
    expect(api.json().error).toBe('not_found');
    const other = await app.inject({ method: 'GET', url: '/t/acme', headers: { host: TENANT, accept: HTML } });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toEqual({ error: 'not_found', error_description: 'Not found: GET /t/acme' });
  });

  it('answers 503 with a page saying to run npm run build when the build is missing', async () => {
    app = await server(distDir({ built: false }));
    const res = await app.inject({ method: 'GET', url: '/', headers: { host: ADMIN, accept: HTML } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).toContain('npm run build');
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { host: ADMIN } });
    expect(asset.statusCode).toBe(404);
  });

  it('picks up a build made after the server started', async () => {
    const dist = distDir({ built: false });
    app = await server(dist);
    expect((await app.inject({ method: 'GET', url: '/', headers: { host: ADMIN, accept: HTML } })).statusCode).toBe(503);
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'x');
    expect((await app.inject({ method: 'GET', url: '/', headers: { host: ADMIN, accept: HTML } })).body).toBe(INDEX);
    expect((await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { host: ADMIN } })).statusCode).toBe(200);
  });

  it('builds the plan CSP and refuses a source that would inject a directive', () => {
    expect(dashboardCsp(['http://*.localhost:4000'])).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; " +
        "connect-src 'self' http://*.localhost:4000 https:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
    );
    expect(() => dashboardCsp(["'self'; script-src *"])).toThrow(/invalid CSP source/);
  });
});
