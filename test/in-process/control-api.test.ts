/**
 * The control API on the admin host (docs/plans/dashboard.md §2): the first administrator's setup
 * link, sign-in through the admin tenant's own hosted login, the session cookie and its CSRF token,
 * and the tenants an account manages with the dashboard tokens it gets for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue, locationOf, openHostedPage } from '../support/form-browser.js';
import { controlClient, sessionCookieOf, type ControlCall } from '../support/control-api.js';

const ADMIN = 'https://manage.localhost';
const CONTROL = `${ADMIN}/api/control/v1`;
const EMAIL = 'owner@example.com';
const PASSWORD = 'Correct-Horse-Battery-9';

let server: InProcessServer;

beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => server?.close());

const control = (path: string, call: ControlCall = {}) => controlClient(server)(path, call);

describe('first administrator', () => {
  let cookie: string;
  let csrf: string;

  it('exists only on the admin host', async () => {
    expect((await control('/setup', { host: 'https://dev.localhost' })).status).toBe(404);
    expect((await control('/setup')).body).toEqual({ required: true });
  });

  it('is created once, from the setup link only', async () => {
    const token = (await server.services.dashboardAccounts.issueSetupToken())!;
    const wrong = await control('/setup', { method: 'POST', body: { token: 'not-the-token', email: EMAIL, password: PASSWORD } });
    expect(wrong.status).toBe(404);
    expect(wrong.body.errorCode).toBe('invalid_setup_token');
    const weak = await control('/setup', { method: 'POST', body: { token, email: EMAIL, password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.message).toMatch(/PasswordStrengthError/);

    // A refused password does not spend the link; a new link replaces it.
    const replaced = (await server.services.dashboardAccounts.issueSetupToken())!;
    expect((await control('/setup', { method: 'POST', body: { token, email: EMAIL, password: PASSWORD } })).status).toBe(404);
    await control('/setup', { method: 'POST', body: { token: replaced, email: EMAIL, password: 'short' } });
    const fresh = replaced;
    const created = await control('/setup', { method: 'POST', body: { token: fresh, email: EMAIL, password: PASSWORD, name: 'Owner' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: EMAIL, name: 'Owner', is_owner: true, preferences: { theme: 'system' } });
    const { pair, line } = sessionCookieOf(created.headers);
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/Secure/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).toMatch(/Path=\//);
    expect(line).not.toMatch(/Domain=/i);
    cookie = pair;
    csrf = created.body.csrf_token;

    expect((await control('/setup', { method: 'POST', body: { token: fresh, email: 'x@example.com', password: PASSWORD } })).body.errorCode).toBe('already_set_up');
    expect((await control('/setup')).body).toEqual({ required: false });
    expect(await server.services.dashboardAccounts.issueSetupToken()).toBeUndefined();
  });

  it('is Admin of every existing tenant and of every tenant created later', async () => {
    const tenants = await control('/tenants', { cookie });
    expect(tenants.body.map((t: any) => [t.name, t.roles])).toEqual([['dev', ['admin']]]);
    const created = await control('/tenants', { method: 'POST', cookie, csrf, body: { name: 'globex', environment_tag: 'staging' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'globex', environment_tag: 'staging', roles: ['admin'], management_api: 'https://globex.localhost/api/v2/' });
    await server.createTenant('initech');
    expect((await control('/tenants', { cookie })).body.map((t: any) => t.name)).toEqual(['dev', 'globex', 'initech']);
  });

  it('gets a Management API token for a tenant it manages, and none for others', async () => {
    const minted = await control('/tenants/globex/token', { method: 'POST', cookie, csrf });
    expect(minted.status).toBe(200);
    expect(minted.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, management_api: 'https://globex.localhost/api/v2/' });
    const clients = await server.api('globex', minted.body.access_token, 'GET', '/api/v2/clients');
    expect(clients.status).toBe(200);
    expect((await control('/tenants/nowhere/token', { method: 'POST', cookie, csrf })).status).toBe(404);
  });

  it('refuses state changes without the CSRF token, from another origin, or as a form', async () => {
    expect((await control('/me', { method: 'PATCH', cookie, body: { preferences: { theme: 'dark' } } })).body.errorCode).toBe('invalid_csrf_token');
    expect((await control('/me', { method: 'PATCH', cookie, csrf: 'x'.repeat(43), body: { preferences: { theme: 'dark' } } })).status).toBe(403);
    expect((await control('/me', { method: 'PATCH', cookie, csrf, origin: 'https://evil.example', body: { preferences: { theme: 'dark' } } })).body.errorCode).toBe('invalid_origin');
    const form = await server.fetch(`${CONTROL}/me`, { method: 'PATCH', headers: { cookie, 'x-tessera-csrf': csrf, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x' });
    expect(form.status).toBe(415);
    const ok = await control('/me', { method: 'PATCH', cookie, csrf, origin: ADMIN, body: { preferences: { theme: 'dark' } } });
    expect(ok.status).toBe(200);
    expect(ok.body.preferences).toEqual({ theme: 'dark' });
    expect((await control('/me', { cookie })).body.preferences).toEqual({ theme: 'dark' });
  });

  it('never deletes the default tenant, and changes only existing members', async () => {
    const refused = await control('/tenants/dev?confirm=dev', { method: 'DELETE', cookie, csrf });
    expect(refused.status).toBe(409);
    expect(refused.body.errorCode).toBe('default_tenant');
    const ghost = await control('/tenants/dev/members/auth0%7Cnobody', { method: 'PATCH', cookie, csrf, body: { roles: ['viewer_users'] } });
    expect(ghost.status).toBe(404);
    expect(ghost.body.errorCode).toBe('member_not_found');
    await expect(server.services.customDomains.addVerified('_admin', 'admin.example.com')).rejects.toMatchObject({ code: 'inexistent_tenant' });
  });

  it('sets the environment tag and deletes a tenant only with its name typed', async () => {
    expect((await control('/tenants/globex', { method: 'PATCH', cookie, csrf, body: { environment_tag: 'production' } })).body.environment_tag).toBe('production');
    const token = (await control('/tenants/globex/token', { method: 'POST', cookie, csrf })).body.access_token;
    // One tag: the Management API's tenant settings read and write the same value.
    expect((await server.api('globex', token, 'GET', '/api/v2/tenants/settings')).body.environment_tag).toBe('production');
    const patched = await server.api('globex', token, 'PATCH', '/api/v2/tenants/settings', { environment_tag: 'staging', friendly_name: 'Globex' });
    expect(patched.body).toMatchObject({ environment_tag: 'staging', friendly_name: 'Globex' });
    expect((await control('/tenants/globex', { cookie })).body.environment_tag).toBe('staging');
    expect((await server.api('globex', token, 'PATCH', '/api/v2/tenants/settings', { friendly_name: 'Globex Inc' })).body.environment_tag).toBe('staging');
    expect((await control('/tenants/globex?confirm=globe', { method: 'DELETE', cookie, csrf })).body.errorCode).toBe('confirmation_mismatch');
    expect((await control('/tenants/globex?confirm=globex', { method: 'DELETE', cookie, csrf })).status).toBe(204);
    expect((await control('/tenants/globex', { cookie })).status).toBe(404);
    expect((await server.api('globex', token, 'GET', '/api/v2/clients')).status).toBe(404);
  });

  it('answers without a session with 401, and a non-owner cannot create tenants', async () => {
    expect((await control('/me')).body.errorCode).toBe('login_required');
    const admin = await server.services.controlPlane.adminTenant();
    const user = await server.services.users.create(admin.id, { connection: 'Username-Password-Authentication', email: 'member@example.com', password: PASSWORD, email_verified: true });
    const now = new Date().toISOString();
    await server.services.storage.repos.dashboardAccounts.insert({ userId: user.user_id, isOwner: false, preferences: {}, createdAt: now, updatedAt: now });
    const { cookieValue } = await server.services.dashboardSessions.create({ userId: user.user_id, ssoSid: null, userAgent: 'test', ip: '127.0.0.1' });
    const memberCookie = `__Host-tessera_dash=${cookieValue}`;
    const me = await control('/me', { cookie: memberCookie });
    expect(me.body).toMatchObject({ email: 'member@example.com', is_owner: false });
    expect(me.body.csrf_token).not.toBe(csrf);
    const refused = await control('/tenants', { method: 'POST', cookie: memberCookie, csrf: me.body.csrf_token, body: { name: 'memberco' } });
    expect(refused.status).toBe(403);
    expect(refused.body.errorCode).toBe('not_allowed');
    // Not a member of dev: it does not exist for this account.
    expect((await control('/tenants/dev', { cookie: memberCookie })).status).toBe(404);
    expect((await control('/tenants', { cookie: memberCookie })).body).toEqual([]);
  });

  it('lists its sessions and revokes them', async () => {
    const sessions = await control('/me/sessions', { cookie });
    expect(sessions.body).toHaveLength(1);
    expect(sessions.body[0]).toMatchObject({ current: true });
    expect((await control(`/me/sessions/${sessions.body[0].id}`, { method: 'DELETE', cookie, csrf })).status).toBe(204);
    expect((await control('/me', { cookie })).status).toBe(401);
  });
});

describe('sign-in through the hosted login', () => {
  it('starts a dashboard session and returns to the page asked for', async () => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    const authorize = locationOf(await browser.get(`${CONTROL}/auth/login?return_to=${encodeURIComponent('/t/dev/users')}`), ADMIN);
    expect(authorize.pathname).toBe('/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const page = await openHostedPage(browser, authorize.toString());
    const posted = await browser.post(`${ADMIN}/u/login`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: EMAIL, password: PASSWORD });
    const callback = locationOf(posted, ADMIN);
    expect(callback.pathname).toBe('/api/control/v1/auth/callback');
    const landed = await browser.get(callback.toString());
    expect(locationOf(landed, ADMIN).pathname).toBe('/t/dev/users');
    const cookie = `__Host-tessera_dash=${browser.cookie('__Host-tessera_dash')}`;
    const me = await control('/me', { cookie });
    expect(me.body.email).toBe(EMAIL);
    // The code was redeemed once: replaying the callback starts nothing.
    expect((await browser.get(callback.toString())).status).toBe(400);
    // Revoking the session (here from itself, as from another device) also ends the hosted login's
    // session behind it: signing in again on this browser asks for the password.
    const sessions = await control('/me/sessions', { cookie });
    const current = sessions.body.find((s: { current: boolean }) => s.current);
    expect((await control(`/me/sessions/${current.id}`, { method: 'DELETE', cookie, csrf: me.body.csrf_token })).status).toBe(204);
    expect((await control('/me', { cookie })).status).toBe(401);
    const again = await openHostedPage(browser, locationOf(await browser.get(`${CONTROL}/auth/login`), ADMIN).toString());
    expect(again.url.pathname).toBe('/u/login');
  });

  it('logout ends the dashboard session and the hosted login session', async () => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    const page = await openHostedPage(browser, locationOf(await browser.get(`${CONTROL}/auth/login`), ADMIN).toString());
    const posted = await browser.post(`${ADMIN}/u/login`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: EMAIL, password: PASSWORD });
    await browser.get(locationOf(posted, ADMIN).toString());
    const cookie = `__Host-tessera_dash=${browser.cookie('__Host-tessera_dash')}`;
    const me = await control('/me', { cookie });
    expect((await control('/auth/logout', { method: 'POST', cookie, csrf: me.body.csrf_token })).status).toBe(204);
    expect((await control('/me', { cookie })).status).toBe(401);
    // Control-plane writes are logged in the admin tenant, with who made them.
    await server.drain();
    const admin = await server.services.controlPlane.adminTenant();
    const { logs } = await server.services.logSearch.search(admin, { q: 'type:sapi', page: 0, perPage: 100, withTotal: false });
    const logout = logs.find((l) => l.description === 'POST /api/control/v1/auth/logout');
    expect(logout?.details).toMatchObject({ actor: { type: 'dashboard', user_id: me.body.user_id }, response: { statusCode: 204 } });
  });

  it('refuses a callback without its sign-in cookie, or with another state', async () => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    const authorize = locationOf(await browser.get(`${CONTROL}/auth/login`), ADMIN);
    const forged = await control(`/auth/callback?code=abc&state=${authorize.searchParams.get('state')}`);
    expect(forged.status).toBe(400);
    expect(forged.body.errorCode).toBe('invalid_state');
    expect((await browser.get(`${CONTROL}/auth/callback?code=abc&state=other`)).status).toBe(400);
  });

  it('keeps return_to on the dashboard', async () => {
    const cases: Array<[string, string]> = [
      ['//evil.example/x', '/'],
      ['https://evil.example', '/'],
      ['/\\evil.example', '/'],
      ['/api/v2/users', '/'],
      // Paths that normalise to a protocol-relative URL.
      ['/.//evil.example', '/'],
      ['/a/..//evil.example', '/'],
      ['/%2e//evil.example', '/'],
      ['/%2e%2e//evil.example', '/'],
      ['/t/dev/users?q=a#top', '/t/dev/users?q=a#top'],
      // Sent in a Location header: percent-encoded, never a raw character that header cannot carry.
      ['/t/\u0100', '/t/%C4%80'],
    ];
    for (const [target, expected] of cases) {
      const browser = new FormBrowser({ caFetch: server.fetch });
      locationOf(await browser.get(`${CONTROL}/auth/login?return_to=${encodeURIComponent(target)}`), ADMIN);
      const key = browser.cookie('__Host-tessera_dash_tx')!;
      const admin = await server.services.controlPlane.adminTenant();
      const transaction = await server.services.ttl.get<{ returnTo: string }>(admin.id, 'dashboard_login', decodeURIComponent(key));
      expect(transaction?.returnTo, target).toBe(expected);
    }
  });
});

describe('attempt limits', () => {
  it('counts setup attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await server.app.inject({ method: 'POST', url: '/api/control/v1/setup', headers: { host: 'manage.localhost', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9', 'content-type': 'application/json' }, payload: JSON.stringify({ token: 't', email: EMAIL, password: PASSWORD }) });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 409)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});

describe('OpenAPI documents', () => {
  it('the control API documents its own routes, and the Management API only its own', async () => {
    const control = (await (await server.fetch(`${CONTROL}/openapi.json`)).json()) as any;
    expect(control.info.title).toBe('Tessera control API');
    expect(Object.keys(control.paths)).toEqual(expect.arrayContaining(['/api/control/v1/setup', '/api/control/v1/tenants/{name}/token', '/api/control/v1/me/sessions/{id}']));
    expect(Object.keys(control.paths).every((p) => p.startsWith('/api/control/v1/'))).toBe(true);
    expect(control.security).toEqual([{ dashboardSession: [] }]);
    const management = (await (await server.fetch('https://dev.localhost/api/v2/openapi.json')).json()) as any;
    expect(management.info.title).toBe('Tessera Management API');
    expect(Object.keys(management.paths).every((p) => p.startsWith('/api/v2/'))).toBe(true);
    expect(management.paths['/api/v2/users']).toBeDefined();
  });
});

describe('the admin tenant as an identity provider', () => {
  it('refuses public signup: accounts come from setup, invitations and the CLI only', async () => {
    const signup = await server.fetch(`${ADMIN}/dbconnections/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'tessera-dashboard', connection: 'Username-Password-Authentication', email: 'intruder@example.com', password: PASSWORD }),
    });
    expect(signup.status).toBe(400);
    const admin = await server.services.controlPlane.adminTenant();
    expect(await server.services.users.listByEmail(admin.id, 'intruder@example.com')).toEqual([]);
  });
});

describe('password change', () => {
  it('checks the current password, refuses weak and breached ones, and ends the other sessions', async () => {
    const admin = await server.services.controlPlane.adminTenant();
    const [owner] = await server.services.users.listByEmail(admin.id, EMAIL);
    const open = async () => {
      const { cookieValue } = await server.services.dashboardSessions.create({ userId: owner!.user_id, ssoSid: null, userAgent: 'test', ip: '127.0.0.1' });
      const cookie = `__Host-tessera_dash=${cookieValue}`;
      return { cookie, csrf: (await control('/me', { cookie })).body.csrf_token as string };
    };
    const here = await open();
    const elsewhere = await open();
    const change = (current_password: string, new_password: string) =>
      control('/me/password', { method: 'POST', cookie: here.cookie, csrf: here.csrf, ip: '198.51.100.20', body: { current_password, new_password } });
    expect((await change('not-it', 'Another-Strong-Pass-7')).body.errorCode).toBe('wrong_password');
    expect((await change(PASSWORD, 'short')).status).toBe(400);
    // Strong by the policy's rules, but in the breach list (its letter case aside).
    expect((await change(PASSWORD, 'Password1')).body.message).toMatch(/public data breach/);
    expect((await change(PASSWORD, 'Another-Strong-Pass-7')).status).toBe(204);
    expect((await control('/me', { cookie: here.cookie })).status).toBe(200);
    expect((await control('/me', { cookie: elsewhere.cookie })).status).toBe(401);
    const login = await server.services.users.findForLogin(admin.id, 'Username-Password-Authentication', EMAIL);
    expect(await server.services.users.checkPassword(admin.id, login, 'Another-Strong-Pass-7')).toBe(true);
  });
});
