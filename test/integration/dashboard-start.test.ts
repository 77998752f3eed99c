/**
 * What `tessera start` does for the dashboard (docs/plans/dashboard.md §3), on a real server: the
 * one-time setup link it prints, the first administrator from TESSERA_ADMIN_EMAIL and
 * TESSERA_ADMIN_PASSWORD, and owners becoming Admin of tenants the CLI creates later.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { call, startServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';

const PASSWORD = 'Correct-Horse-Battery-9';
const servers: TestServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.stop())));

const dashboardLine = async (server: TestServer): Promise<string> => {
  const output = await eventually(async () => server.output(), (o) => /^Dashboard/m.test(o));
  return /^Dashboard.*$/m.exec(output)![0];
};

const control = (server: TestServer, path: string, init: Parameters<typeof call>[2] = {}) => call(server, `/api/control/v1${path}`, { host: 'manage.localhost', ...init });

describe('tessera start and the dashboard', { timeout: 120_000 }, () => {
  it('prints a one-time setup link; its administrator manages every tenant, CLI-created ones too', async () => {
    const server = await startServer();
    servers.push(server);
    const line = await dashboardLine(server);
    const match = new RegExp(`^Dashboard setup: http://manage\\.localhost:${server.port}/setup#token=([A-Za-z0-9_-]{43}) \\(one use, expires in 24 h`).exec(line);
    expect(match, line).toBeTruthy();
    const created = await control(server, '/setup', { body: { token: match![1], email: 'first@example.com', password: PASSWORD } });
    expect(created.status).toBe(201);
    const cookie = /(tessera_dash=[^;]+)/.exec(created.headers.get('set-cookie')!)![1]!;
    // Over plain HTTP the cookie cannot be __Host- (which needs Secure), and is still HttpOnly and Strict.
    expect(created.headers.get('set-cookie')).toMatch(/^tessera_dash=[^;]+; Path=\/; HttpOnly; Max-Age=\d+; SameSite=Strict/);

    expect(await server.cli('tenants', 'create', 'acme')).toContain('Created tenant acme');
    const tenants = await control(server, '/tenants', { headers: { cookie } });
    expect(tenants.body.map((t: { name: string; roles: string[] }) => [t.name, t.roles])).toEqual([
      ['acme', ['admin']],
      ['dev', ['admin']],
    ]);
    expect(await server.cli('tenants', 'list')).toMatch(/acme\tacme\.localhost\tdevelopment\t/);
    expect(await server.cli('admin', 'setup-link')).toContain('already set up');
    // Recovery without email: a one-time reset link on the admin host's hosted page.
    const reset = /(\/u\/reset-password\?ticket=\S+)/.exec(await server.cli('admin', 'reset-password', 'first@example.com'))![1]!;
    expect((await call(server, reset, { host: 'manage.localhost', headers: { accept: 'text/html' } })).status).toBe(200);
  });

  it('creates the administrator from TESSERA_ADMIN_EMAIL and TESSERA_ADMIN_PASSWORD, and prints no link', async () => {
    const server = await startServer({ env: { TESSERA_ADMIN_EMAIL: 'ops@example.com', TESSERA_ADMIN_PASSWORD: PASSWORD } });
    servers.push(server);
    const line = await dashboardLine(server);
    expect(line).toBe(`Dashboard: http://manage.localhost:${server.port}/ (administrator ops@example.com created)`);
    expect(server.output()).not.toContain('setup#token=');
    expect((await control(server, '/setup')).body).toEqual({ required: false });
    // The admin tenant serves its own hosted login and no Management API.
    expect((await call(server, '/.well-known/openid-configuration', { host: 'manage.localhost' })).body.issuer).toBe(`http://manage.localhost:${server.port}/`);
    expect((await call(server, '/api/v2/users', { host: 'manage.localhost' })).status).toBe(404);
  });
});
