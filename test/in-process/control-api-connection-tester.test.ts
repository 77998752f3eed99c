/**
 * The dashboard's "Try connection": `POST /api/control/v1/tenants/{name}/connections/{id}/try`
 * (domain/control-plane/connection-tester.ts). Who may call it (roles that may change connections;
 * 404 for other tenants), the one public tester client per tenant it keeps in shape and enables on
 * the tried connection, the `/authorize` URL it answers, and that URL driven end to end: the hosted
 * login of that connection only, then the code redeemed from the admin origin with the browser's
 * PKCE verifier (CORS), giving an ID token with the user's profile.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue, locationOf, openHostedPage } from '../support/form-browser.js';
import { ADMIN_ORIGIN, controlClient, sessionCookieOf, type ControlCall } from '../support/control-api.js';
import type { DashboardRoleId } from '../../src/domain/control-plane/dashboard-roles.js';

const PASSWORD = 'Correct-Horse-Battery-9';
const TESTER = 'tessera-connection-tester';
const CALLBACK = `${ADMIN_ORIGIN}/tester/callback`;

let server: InProcessServer;
let owner: { cookie: string; csrf: string };
let acmeToken: string;
let customers: { id: string; name: string };
let staff: { id: string; name: string };

const control = (path: string, call: ControlCall = {}) => controlClient(server)(path, call);
const acme = (method: string, path: string, body?: unknown) => server.api('acme', acmeToken, method, path, body);

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return {
    verifier,
    body: { code_challenge: createHash('sha256').update(verifier).digest('base64url'), state: randomBytes(24).toString('base64url'), nonce: randomBytes(24).toString('base64url') },
  };
}

function tryAs(who: { cookie: string; csrf: string }, tenant: string, connectionId: string, body: unknown = pkce().body) {
  return control(`/tenants/${tenant}/connections/${encodeURIComponent(connectionId)}/try`, { method: 'POST', cookie: who.cookie, csrf: who.csrf, body });
}

/** A dashboard account with `roles` in `tenant` (none: not a member), signed in. */
async function member(email: string, tenant: string | undefined, roles: DashboardRoleId[]) {
  const admin = await server.services.controlPlane.adminTenant();
  const user = await server.services.users.create(admin.id, { connection: 'Username-Password-Authentication', email, password: PASSWORD, email_verified: true });
  const now = new Date().toISOString();
  await server.services.storage.repos.dashboardAccounts.insert({ userId: user.user_id, isOwner: false, preferences: {}, createdAt: now, updatedAt: now });
  if (tenant) {
    const found = await server.services.tenants.findByName(tenant);
    await server.services.controlPlane.setRoles(found!.id, user.user_id, roles);
  }
  const { cookieValue } = await server.services.dashboardSessions.create({ userId: user.user_id, ssoSid: null, userAgent: 'test', ip: '127.0.0.1' });
  const cookie = `__Host-tessera_dash=${cookieValue}`;
  return { cookie, csrf: (await control('/me', { cookie })).body.csrf_token as string };
}

async function testerClients() {
  const { body } = await acme('GET', '/api/v2/clients?per_page=100');
  return (body as Array<{ client_id: string; name: string }>).filter((c) => c.client_id === TESTER || /tester/i.test(c.name));
}

const enabledOn = async (connectionId: string) =>
  ((await acme('GET', `/api/v2/connections/${connectionId}/clients`)).body.clients as Array<{ client_id: string }>).map((c) => c.client_id);

beforeAll(async () => {
  server = await startInProcess();
  const token = (await server.services.dashboardAccounts.issueSetupToken())!;
  const created = await control('/setup', { method: 'POST', body: { token, email: 'owner@example.com', password: PASSWORD } });
  owner = { cookie: sessionCookieOf(created.headers).pair, csrf: created.body.csrf_token };
  await server.createTenant('acme');
  await server.createTenant('globex');
  acmeToken = await server.tokenFor('acme');
  for (const name of ['customers', 'staff']) {
    const made = await acme('POST', '/api/v2/connections', { name, strategy: 'auth0' });
    expect(made.status).toBe(201);
    if (name === 'customers') customers = made.body;
    else staff = made.body;
  }
  expect((await acme('POST', '/api/v2/users', { connection: 'customers', email: 'ada@example.com', password: PASSWORD, name: 'Ada Lovelace', email_verified: true })).status).toBe(201);
  expect((await acme('POST', '/api/v2/users', { connection: 'staff', email: 'grace@example.com', password: PASSWORD, email_verified: true })).status).toBe(201);
});
afterAll(async () => server?.close());

describe('Try connection', () => {
  it('answers an /authorize URL for the connection: code flow, PKCE S256, a fresh login', async () => {
    expect(await testerClients()).toEqual([]);
    const { body } = pkce();
    const answer = await tryAs(owner, 'acme', customers.id, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      authorize_url: expect.any(String),
      client_id: TESTER,
      redirect_uri: CALLBACK,
      issuer: 'https://acme.localhost/',
      token_endpoint: 'https://acme.localhost/oauth/token',
    });
    const url = new URL(answer.body.authorize_url);
    expect(`${url.origin}${url.pathname}`).toBe('https://acme.localhost/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: TESTER,
      redirect_uri: CALLBACK,
      scope: 'openid profile email',
      connection: 'customers',
      prompt: 'login',
      state: body.state,
      nonce: body.nonce,
      code_challenge: body.code_challenge,
      code_challenge_method: 'S256',
    });
  });

  it('keeps one public tester client per tenant, enabled on the connections tried only', async () => {
    await tryAs(owner, 'acme', customers.id);
    await tryAs(owner, 'acme', customers.id);
    const clients = await testerClients();
    expect(clients).toHaveLength(1);
    const client = (await acme('GET', `/api/v2/clients/${TESTER}`)).body;
    expect(client).toMatchObject({
      name: 'Dashboard connection tester',
      app_type: 'spa',
      is_first_party: true,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      callbacks: [CALLBACK],
      web_origins: [ADMIN_ORIGIN],
    });
    expect(await enabledOn(customers.id)).toContain(TESTER);
    expect(await enabledOn(staff.id)).not.toContain(TESTER);
    expect((await tryAs(owner, 'acme', staff.id)).status).toBe(200);
    expect(await enabledOn(staff.id)).toContain(TESTER);
    expect(await testerClients()).toHaveLength(1);
    // Another tenant gets its own, and acme's is not touched.
    expect((await tryAs(owner, 'globex', (await connectionOf('globex')).id)).status).toBe(200);
    expect(await testerClients()).toHaveLength(1);
  });

  it('puts a changed tester client back in shape, and recreates a deleted one', async () => {
    expect((await acme('PATCH', `/api/v2/clients/${TESTER}`, { callbacks: ['https://evil.example/cb'], web_origins: ['https://evil.example'] })).status).toBe(200);
    await tryAs(owner, 'acme', customers.id);
    expect((await acme('GET', `/api/v2/clients/${TESTER}`)).body).toMatchObject({ callbacks: [CALLBACK], web_origins: [ADMIN_ORIGIN] });
    // The tenant's own logs say so, with the member who tried.
    await server.drain();
    const logged = await acme('GET', `/api/v2/logs?q=${encodeURIComponent(`type:sapi AND client_id:${TESTER}`)}`);
    expect(logged.body[0]).toMatchObject({ details: { changes: ['client_restored'], connection: customers.name, actor: { type: 'dashboard' } } });

    expect((await acme('DELETE', `/api/v2/clients/${TESTER}`)).status).toBe(204);
    expect(await enabledOn(customers.id)).not.toContain(TESTER);
    expect((await tryAs(owner, 'acme', customers.id)).status).toBe(200);
    expect((await acme('GET', `/api/v2/clients/${TESTER}`)).status).toBe(200);
    expect(await enabledOn(customers.id)).toContain(TESTER);
  });

  it('logs in through that connection only and redeems the code from the admin origin with the verifier', async () => {
    const { verifier, body } = pkce();
    const answer = (await tryAs(owner, 'acme', customers.id, body)).body;
    const browser = new FormBrowser({ caFetch: server.fetch });

    // A user of another connection of the tenant cannot sign in here.
    const page = await openHostedPage(browser, answer.authorize_url);
    const refused = await browser.post('https://acme.localhost/u/login', { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: 'grace@example.com', password: PASSWORD });
    expect(refused.status).toBe(401);

    const callback = await signIn(browser, answer.authorize_url, 'ada@example.com');
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe(body.state);
    const code = callback.searchParams.get('code')!;

    const preflight = await server.fetch(answer.token_endpoint, { method: 'OPTIONS', headers: { origin: ADMIN_ORIGIN, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ADMIN_ORIGIN);

    const tokens = await redeem(answer, code, verifier);
    const json = (await tokens.json()) as { id_token: string };
    expect(tokens.status, JSON.stringify(json)).toBe(200);
    expect(tokens.headers.get('access-control-allow-origin')).toBe(ADMIN_ORIGIN);
    const claims = JSON.parse(Buffer.from(json.id_token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ iss: answer.issuer, aud: TESTER, nonce: body.nonce, email: 'ada@example.com', name: 'Ada Lovelace' });
    expect((await redeem(answer, code, verifier)).status).toBe(403);
  });

  it('gives nothing for a code without its verifier', async () => {
    const answer = (await tryAs(owner, 'acme', customers.id)).body;
    const browser = new FormBrowser({ caFetch: server.fetch });
    const code = (await signIn(browser, answer.authorize_url, 'ada@example.com')).searchParams.get('code')!;
    const wrong = await redeem(answer, code, randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('is for roles that may change connections: Admin and Editor – Connections', async () => {
    const editor = await member('editor@example.com', 'acme', ['editor_connections']);
    expect((await tryAs(editor, 'acme', customers.id)).status).toBe(200);
    for (const role of ['viewer_config', 'viewer_users', 'editor_users', 'support_access'] as const) {
      const viewer = await member(`${role}@example.com`, 'acme', [role]);
      const refused = await tryAs(viewer, 'acme', customers.id);
      expect(refused.status, role).toBe(403);
      expect(refused.body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_role' });
    }
  });

  it('answers 404 for tenants the caller is not a member of, and for connections of other tenants', async () => {
    const editor = await member('acme-only@example.com', 'acme', ['editor_connections']);
    const globexConnection = await connectionOf('globex');
    const other = await tryAs(editor, 'globex', globexConnection.id);
    expect(other.status).toBe(404);
    expect(other.body.errorCode).toBe('inexistent_tenant');
    expect((await tryAs(editor, 'nowhere', customers.id)).status).toBe(404);
    // Another tenant's connection id, asked through acme.
    const crossed = await tryAs(owner, 'acme', globexConnection.id);
    expect(crossed.status).toBe(404);
    expect(crossed.body.errorCode).toBe('inexistent_connection');
    const outsider = await member('outsider@example.com', undefined, []);
    expect((await tryAs(outsider, 'acme', customers.id)).status).toBe(404);
  });

  it('takes only a S256 challenge, state and nonce, with the session CSRF token', async () => {
    const { body } = pkce();
    for (const bad of [{ ...body, code_challenge: 'short' }, { ...body, state: 'has spaces in it!!' }, { ...body, redirect_uri: 'https://evil.example/' }, { code_challenge: body.code_challenge }]) {
      const answer = await tryAs(owner, 'acme', customers.id, bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(answer.body.statusCode).toBe(400);
    }
    const noCsrf = await control(`/tenants/acme/connections/${customers.id}/try`, { method: 'POST', cookie: owner.cookie, body });
    expect(noCsrf.status).toBe(403);
    expect((await control(`/tenants/acme/connections/${customers.id}/try`, { method: 'POST', body })).status).toBe(401);
  });
});

/** The hosted login of an /authorize URL, signed in: where it sends the browser back (the callback with the code). */
async function signIn(browser: FormBrowser, authorizeUrl: string, email: string): Promise<URL> {
  const page = await openHostedPage(browser, authorizeUrl);
  const posted = await browser.post('https://acme.localhost/u/login', { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: email, password: PASSWORD });
  return locationOf(posted, 'https://acme.localhost');
}

/** What the callback page does: the code flow's token request, public client + PKCE, from the admin origin. */
function redeem(answer: { token_endpoint: string; client_id: string; redirect_uri: string }, code: string, codeVerifier: string) {
  return server.fetch(answer.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ADMIN_ORIGIN },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: answer.client_id, code, redirect_uri: answer.redirect_uri, code_verifier: codeVerifier }),
  });
}

async function connectionOf(tenant: string): Promise<{ id: string }> {
  const token = await server.tokenFor(tenant);
  const { body } = await server.api(tenant, token, 'GET', '/api/v2/connections?strategy=auth0');
  return body[0];
}
