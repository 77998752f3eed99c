/**
 * The seeding tool (`bench/seed.mjs`, issue 19 §2) writes data the real server reads: a small seed
 * (2,000 users, 50 applications, 10 APIs, 5 roles, 1,000 role assignments, 4,000 log entries) on the
 * suite's database, then the built server started on it answers over HTTP as for data it wrote
 * itself: a seeded user logs in with the known password, user search and users-by-email find users
 * with their identities, application pages and secrets (sealed at rest by the tool) work, role
 * assignments and log searches read back. Keeps the tool from rotting as the schema moves.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, TEST_DATABASE, type TestDatabase } from '../support/database.js';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const SEED = resolve(import.meta.dirname, '../../bench/seed.mjs');
const PASSWORD = 'Seeded-Password-42!';
const HOST = 'bench.localhost';
const USERS = 2_000;
const CLIENTS = 50;
const LOGS = 4_000;
const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

type Json = Record<string, any>;

let database: TestDatabase;
let server: TestServer;
let token: string;
let seedOutput: string;

const api = async (method: string, path: string, body?: object) => call(server, path, { method, host: HOST, headers: { authorization: `Bearer ${token}` }, ...(body ? { body } : {}) });

beforeAll(async () => {
  database = freshDatabase();
  const target = TEST_DATABASE === 'postgres' ? ['--postgres', database.url] : ['--database', database.url.slice('sqlite:'.length)];
  const seeded = await run(
    process.execPath,
    [SEED, '--users', String(USERS), '--clients', String(CLIENTS), '--apis', '10', '--roles', '5', '--roles-assignments', '1000', '--logs', String(LOGS), '--sessions', '200', '--refresh-tokens', '200', '--ttl-entries', '200', '--login-failures', '50', '--password', PASSWORD, ...target, '--data-dir', database.dataDir],
    { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TESSERA_BASE_DOMAIN: 'localhost', LOG_LEVEL: 'warn' } },
  );
  seedOutput = seeded.stdout;
  server = await startServer({ database });
  token = await managementToken(server, 'bench');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe('bench/seed.mjs', () => {
  it('prints a summary with the rows written per step and rows/s', () => {
    expect(seedOutput).toMatch(/^users\s+2,000\s+[\d.]+\s+[\d,]+$/m);
    expect(seedOutput).toMatch(/^logs\s+4,000\s/m);
    expect(seedOutput).toMatch(/^total\s/m);
  });

  it('seeds users who log in with the known password (and not with another)', async () => {
    const app = await api('POST', '/api/v2/clients', { name: 'Login app', app_type: 'regular_web', grant_types: [REALM_GRANT], jwt_configuration: { alg: 'HS256' } });
    expect(app.status, app.text).toBe(201);
    const login = (password: string) =>
      call(server, '/oauth/token', {
        host: HOST,
        form: { grant_type: REALM_GRANT, realm: REALM, username: 'user1234@bench.example', password, client_id: app.body.client_id, client_secret: app.body.client_secret, scope: 'openid' },
      });
    const ok = await login(PASSWORD);
    expect(ok.status, ok.text).toBe(200);
    const claims = JSON.parse(Buffer.from(ok.body.id_token.split('.')[1], 'base64url').toString()) as Json;
    expect(claims.sub).toBe('auth0|0000000000000000000004d2');
    const wrong = await login('not-the-password');
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
  });

  it('finds a seeded user by email search and by users-by-email, with its identity', async () => {
    const searched = await api('GET', `/api/v2/users?q=${encodeURIComponent('email:"user77@bench.example"')}&search_engine=v3`);
    expect(searched.status).toBe(200);
    expect(searched.body).toHaveLength(1);
    const user = searched.body[0] as Json;
    expect(user).toMatchObject({
      user_id: 'auth0|00000000000000000000004d',
      email: 'user77@bench.example',
      email_verified: true,
      app_metadata: { plan: 'free' },
      identities: [{ connection: REALM, provider: 'auth0', user_id: '00000000000000000000004d', isSocial: false }],
    });
    const byEmail = await api('GET', `/api/v2/users-by-email?email=${encodeURIComponent('USER77@bench.example')}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body).toEqual([user]);
  });

  it('counts the non-indexed app_metadata search exactly (every tenth user is gold)', async () => {
    const gold = await api('GET', `/api/v2/users?q=${encodeURIComponent('app_metadata.plan:"gold"')}&include_totals=true&per_page=5`);
    expect(gold.status).toBe(200);
    expect(gold.body.total).toBe(USERS / 10);
    expect(gold.body.users.every((u: Json) => u.app_metadata.plan === 'gold')).toBe(true);
  });

  it('pages the seeded applications, whose sealed secrets work at the token endpoint', async () => {
    const page = await api('GET', '/api/v2/clients?page=2&per_page=10&include_totals=true');
    expect(page.status).toBe(200);
    // The seeded applications plus the tenant's own (the bootstrap application, the login app above).
    expect(page.body.total).toBeGreaterThanOrEqual(CLIENTS + 1);
    expect(page.body.clients).toHaveLength(10);
    const seeded = (page.body.clients as Json[]).find((c) => /^Bench App \d+$/.test(c.name));
    expect(seeded).toBeDefined();
    const grants = await api('GET', `/api/v2/client-grants?client_id=${seeded!.client_id}`);
    expect(grants.body).toHaveLength(1);
    const issued = await call(server, '/oauth/token', {
      host: HOST,
      form: { grant_type: 'client_credentials', client_id: seeded!.client_id, client_secret: seeded!.client_secret, audience: grants.body[0].audience },
    });
    expect(issued.status, issued.text).toBe(200);
    expect(JSON.parse(Buffer.from(issued.body.access_token.split('.')[1], 'base64url').toString()).scope).toBe('read:data');
  });

  it('reads role assignments back', async () => {
    const roles = await api('GET', `/api/v2/users/${encodeURIComponent('auth0|000000000000000000000003')}/roles`);
    expect(roles.status).toBe(200);
    expect(roles.body).toEqual([expect.objectContaining({ name: 'Bench Role 3' })]);
  });

  it('searches the seeded logs by type and reads them by checkpoint', async () => {
    const failed = await api('GET', `/api/v2/logs?q=${encodeURIComponent('type:f')}&per_page=100&include_totals=true`);
    expect(failed.status).toBe(200);
    // Two entries in twenty are failed logins.
    expect(failed.body.total).toBe(LOGS / 10);
    expect(failed.body.logs).toHaveLength(100);
    expect(failed.body.logs.every((l: Json) => l.type === 'f' && l.description === 'Wrong email or password.')).toBe(true);
    const first = await api('GET', '/api/v2/logs?take=50');
    expect(first.body).toHaveLength(50);
    const next = await api('GET', `/api/v2/logs?from=${first.body[49].log_id}&take=50`);
    expect(next.body).toHaveLength(50);
    expect(next.body[0].date >= first.body[49].date).toBe(true);
    expect(next.body.map((l: Json) => l.log_id)).not.toContain(first.body[49].log_id);
  });
});
