/**
 * What the dashboard's user page and API Test tab stand on:
 * - `GET /api/v2/users/{id}/logs`: one user's events, Auth0's shapes, bounded, this tenant's only;
 * - `POST /api/v2/tickets/password-change`: a link to the hosted reset page that works once and
 *   expires at `ttl_sec`; and the Tessera extension that emails such a link;
 * - `POST /api/control/v1/tenants/{name}/apis/{id}/test-token`: a real client_credentials token,
 *   Admins only, refused without a client grant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJWK, jwtVerify } from 'jose';
import { ManagementClient } from 'auth0';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { controlClient } from '../support/control-api.js';
import { FormBrowser, inputValue } from '../support/form-browser.js';
import type { Tenant } from '../../src/domain/tenants/tenant-service.js';

const PASSWORD = 'Correct-Horse-Battery-9';
let server: InProcessServer;
let dev: Tenant;
let acme: Tenant;
let devToken: string;
let acmeToken: string;

beforeAll(async () => {
  server = await startInProcess();
  await server.createTenant('acme');
  dev = (await server.services.tenants.findByName('dev'))!;
  acme = (await server.services.tenants.findByName('acme'))!;
  devToken = await server.tokenFor('dev');
  acmeToken = await server.tokenFor('acme');
});
afterAll(async () => server?.close());

const createUser = async (tenant: string, token: string, email: string) => {
  const created = await server.api(tenant, token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email, password: PASSWORD });
  expect(created.status).toBe(201);
  return created.body as { user_id: string; email: string };
};

describe('GET /api/v2/users/{id}/logs', () => {
  it("answers the user's events only, newest first, paged, with totals, in this tenant only", async () => {
    const alice = await createUser('dev', devToken, 'alice.logs@example.com');
    const bob = await createUser('dev', devToken, 'bob.logs@example.com');
    await server.drain(); // the verification emails' svr first
    for (let i = 0; i < 3; i++) {
      server.clock.advance(1000);
      server.services.logs.record(dev.id, { type: 'ss', description: `alice ${i}`, userId: alice.user_id });
    }
    server.services.logs.record(dev.id, { type: 'ss', description: 'bob', userId: bob.user_id });
    // The same user id in another tenant is another user.
    server.services.logs.record(acme.id, { type: 'ss', description: 'acme alice', userId: alice.user_id });
    await server.drain();

    const path = `/api/v2/users/${encodeURIComponent(alice.user_id)}/logs`;
    const all = await server.api('dev', devToken, 'GET', path);
    expect(all.status).toBe(200);
    // Creating the user also sent a verification email (svr).
    expect(all.body.filter((l: any) => l.type === 'ss').map((l: any) => l.description)).toEqual(['alice 2', 'alice 1', 'alice 0']);
    expect(all.body.every((l: any) => l.user_id === alice.user_id && l.tenant_name === 'dev')).toBe(true);

    expect(all.body).toHaveLength(4);
    const oldest = await server.api('dev', devToken, 'GET', `${path}?sort=date:1&per_page=3&page=0&include_totals=true`);
    expect(oldest.body).toMatchObject({ start: 0, limit: 3, length: 3, total: 4 });
    expect(oldest.body.logs.map((l: any) => l.description)).toEqual(['Verification email sent', 'alice 0', 'alice 1']);
    const second = await server.api('dev', devToken, 'GET', `${path}?sort=date:1&per_page=3&page=1`);
    expect(second.body.map((l: any) => l.description)).toEqual(['alice 2']);

    const inAcme = await server.api('acme', acmeToken, 'GET', path);
    expect(inAcme.body.map((l: any) => l.description)).toEqual(['acme alice']);

    // Bounded: Auth0's 100 a page and 1,000 results.
    expect((await server.api('dev', devToken, 'GET', `${path}?per_page=101`)).status).toBe(400);
    expect((await server.api('dev', devToken, 'GET', `${path}?per_page=100&page=10`)).body.errorCode).toBe('invalid_query_string');
    expect((await server.api('dev', devToken, 'GET', `${path}?sort=nope:1`)).status).toBe(400);
  });

  it('is what the auth0 SDK (v7) reads with users.logs.list, and its tickets.changePassword makes a ticket', async () => {
    const frank = await createUser('dev', devToken, 'frank.sdk@example.com');
    await server.drain();
    const creds = server.bootstrap;
    const sdk = new ManagementClient({ domain: server.hostOf('dev'), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: server.fetch });
    const page = await sdk.users.logs.list(frank.user_id, { per_page: 10, include_totals: true });
    expect(page.data.map((l) => l.type)).toEqual(['svr']);
    const ticket = await sdk.tickets.changePassword({ user_id: frank.user_id, ttl_sec: 0 });
    expect(ticket.ticket).toMatch(/\/u\/reset-password\?ticket=/);
  });

  it('needs read:logs or read:logs_users', async () => {
    const path = '/api/v2/users/auth0%7Cnobody/logs';
    expect((await server.api('dev', await server.tokenFor('dev', { scope: 'read:users' }), 'GET', path)).status).toBe(403);
    expect((await server.api('dev', await server.tokenFor('dev', { scope: 'read:logs_users' }), 'GET', path)).body).toEqual([]);
  });
});

describe('POST /api/v2/tickets/password-change', () => {
  const resetWith = async (ticketUrl: string, password: string) => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    const page = await browser.get(ticketUrl);
    const html = await page.text();
    if (page.status !== 200) return { status: page.status, html };
    const posted = await browser.post(ticketUrl.split('?')[0]!, { ticket: inputValue(html, 'ticket'), _csrf: inputValue(html, '_csrf'), password, password_confirmation: password });
    return { status: posted.status, html: await posted.text(), location: posted.headers.get('location') };
  };

  it('resets the password once, and not twice; mark_email_as_verified and result_url take effect', async () => {
    const carol = await createUser('dev', devToken, 'carol.ticket@example.com');
    const created = await server.api('dev', devToken, 'POST', '/api/v2/tickets/password-change', {
      user_id: carol.user_id,
      mark_email_as_verified: true,
      result_url: 'https://app.example.com/after-reset',
      includeEmailInRedirect: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.ticket).toMatch(/^https:\/\/dev\.localhost\/u\/reset-password\?ticket=/);

    const first = await resetWith(created.body.ticket, 'A-New-Password-42!');
    expect(first.status).toBe(302);
    const back = new URL(first.location!);
    expect(back.origin + back.pathname).toBe('https://app.example.com/after-reset');
    expect(back.searchParams.get('success')).toBe('true');
    expect(back.searchParams.get('email')).toBe('carol.ticket@example.com');
    const user = (await server.api('dev', devToken, 'GET', `/api/v2/users/${encodeURIComponent(carol.user_id)}`)).body;
    expect(user.email_verified).toBe(true);
    expect(user.last_password_reset).toEqual(expect.any(String));

    const again = await resetWith(created.body.ticket, 'Another-Password-43!');
    expect(again.status).toBe(400);
    expect(again.html).toMatch(/expired or has already been used/);
  });

  it('expires at ttl_sec, finds the user by email and connection_id, and refuses what it cannot honour', async () => {
    const dave = await createUser('dev', devToken, 'dave.ticket@example.com');
    const connections = await server.api('dev', devToken, 'GET', '/api/v2/connections?name=Username-Password-Authentication');
    const connectionId = connections.body[0].id as string;
    const byEmail = await server.api('dev', devToken, 'POST', '/api/v2/tickets/password-change', { email: 'dave.ticket@example.com', connection_id: connectionId, ttl_sec: 60 });
    expect(byEmail.status).toBe(201);
    server.clock.advanceSeconds(61);
    expect((await resetWith(byEmail.body.ticket, 'A-New-Password-42!')).status).toBe(400);

    const fresh = await server.api('dev', devToken, 'POST', '/api/v2/tickets/password-change', { user_id: dave.user_id });
    server.clock.advanceSeconds(432_000 - 5); // Auth0's default, five days, not yet over
    expect((await resetWith(fresh.body.ticket, 'A-New-Password-42!')).status).toBe(200);
    // The bootstrap tokens have expired meanwhile.
    devToken = await server.tokenFor('dev');
    acmeToken = await server.tokenFor('acme');

    const post = (body: unknown) => server.api('dev', devToken, 'POST', '/api/v2/tickets/password-change', body);
    expect((await post({ user_id: 'auth0|000000000000000000000000' })).status).toBe(404);
    expect((await post({ email: 'nobody@example.com', connection_id: connectionId })).status).toBe(404);
    expect((await post({ user_id: dave.user_id, email: 'dave.ticket@example.com', connection_id: connectionId })).status).toBe(400);
    expect((await post({ user_id: dave.user_id, organization_id: 'org_1' })).status).toBe(400);
    expect((await post({ user_id: dave.user_id, ttl_sec: 2_592_001 })).status).toBe(400);
    expect((await post({ user_id: dave.user_id, result_url: 'https://a.example', client_id: server.bootstrap.client_id })).status).toBe(400);
    // In another tenant the user does not exist.
    expect((await server.api('acme', acmeToken, 'POST', '/api/v2/tickets/password-change', { user_id: dave.user_id })).status).toBe(404);
    const narrow = await server.tokenFor('dev', { scope: 'read:users' });
    expect((await server.api('dev', narrow, 'POST', '/api/v2/tickets/password-change', { user_id: dave.user_id })).status).toBe(403);
  });

  it('the Tessera extension emails a working link through the dev outbox and logs scpr', async () => {
    const erin = await createUser('dev', devToken, 'erin.email@example.com');
    const sent = await server.api('dev', devToken, 'POST', `/api/v2/tessera/users/${encodeURIComponent(erin.user_id)}/password-reset-email`);
    expect(sent.status).toBe(204);
    await server.drain();
    const outbox = await server.api('dev', devToken, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent('erin.email@example.com')}`);
    const message = outbox.body.messages?.[0] ?? outbox.body[0];
    expect(message.subject).toMatch(/Reset your .* password/);
    expect(message.text).toMatch(/expires in 5 days/);
    const link = /https:\/\/dev\.localhost\/u\/reset-password\?ticket=[^\s]+/.exec(message.text)![0];
    expect((await resetWith(link, 'A-New-Password-42!')).status).toBe(200);
    await server.drain();
    const logs = await server.api('dev', devToken, 'GET', `/api/v2/users/${encodeURIComponent(erin.user_id)}/logs`);
    expect(logs.body.map((l: any) => l.type)).toEqual(expect.arrayContaining(['scpr', 'scp']));
    expect((await server.api('acme', acmeToken, 'POST', `/api/v2/tessera/users/${encodeURIComponent(erin.user_id)}/password-reset-email`)).status).toBe(404);
  });
});

describe('POST /api/control/v1/tenants/{name}/apis/{id}/test-token', () => {
  const control = (path: string, call: Parameters<ReturnType<typeof controlClient>>[1] = {}) => controlClient(server)(path, call);

  /** A dashboard account with a session, holding `roles` in dev. */
  async function member(email: string, roles: string[]): Promise<{ cookie: string; csrf: string; userId: string }> {
    const admin = await server.services.controlPlane.adminTenant();
    const user = await server.services.users.create(admin.id, { connection: 'Username-Password-Authentication', email, password: PASSWORD, email_verified: true });
    const now = new Date().toISOString();
    await server.services.storage.repos.dashboardAccounts.insert({ userId: user.user_id, isOwner: false, preferences: {}, createdAt: now, updatedAt: now });
    if (roles.length) await server.services.controlPlane.setRoles(dev.id, user.user_id, roles as never);
    const { cookieValue } = await server.services.dashboardSessions.create({ userId: user.user_id, ssoSid: null, userAgent: 'test', ip: '127.0.0.1' });
    const cookie = `__Host-tessera_dash=${cookieValue}`;
    return { cookie, csrf: (await control('/me', { cookie })).body.csrf_token, userId: user.user_id };
  }

  it('mints a token an API verifies (JWKS, audience, client), for Admins only, and only with a client grant', async () => {
    const api = await server.api('dev', devToken, 'POST', '/api/v2/resource-servers', { name: 'Orders', identifier: 'https://orders.example.com', scopes: [{ value: 'read:orders' }] });
    expect(api.status).toBe(201);
    const m2m = (await server.api('dev', devToken, 'POST', '/api/v2/clients', { name: 'Orders worker', app_type: 'non_interactive' })).body;
    const other = (await server.api('dev', devToken, 'POST', '/api/v2/clients', { name: 'No grant', app_type: 'non_interactive' })).body;
    const grant = await server.api('dev', devToken, 'POST', '/api/v2/client-grants', { client_id: m2m.client_id, audience: 'https://orders.example.com', scope: ['read:orders'] });
    expect(grant.status).toBe(201);

    const admin = await member('admin.tt@example.com', ['admin']);
    const path = `/tenants/dev/apis/${api.body.id}/test-token`;
    const minted = await control(path, { method: 'POST', cookie: admin.cookie, csrf: admin.csrf, body: { client_id: m2m.client_id } });
    expect(minted.status).toBe(200);
    expect(minted.body).toMatchObject({ token_type: 'Bearer', scope: 'read:orders', expires_in: expect.any(Number) });
    expect(JSON.stringify(minted.body)).not.toContain(m2m.client_secret);
    const keys = (await (await server.fetch(`${server.originOf('dev')}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
 const { payload } = await jwtVerify(minted.body.access_token, (header: { kid?: string; alg: string }) => importJWK(keys.keys.find((k) => k.kid === header.kid)!, header.alg), { audience: 'https://orders.example.com', issuer: `${server.originOf('dev')}/` });
    expect(payload).toMatchObject({ azp: m2m.client_id, sub: `${m2m.client_id}@clients`, scope: 'read:orders' });

    // Logged in the tenant's own logs as the grant logs it, with the member as actor.
    await server.drain();
    const logs = await server.api('dev', devToken, 'GET', `/api/v2/logs?q=${encodeURIComponent(`type:seccft AND client_id:${m2m.client_id}`)}`);
    expect(logs.body[0]).toMatchObject({ audience: 'https://orders.example.com', details: { actor: { type: 'dashboard', user_id: admin.userId } } });

    const noGrant = await control(path, { method: 'POST', cookie: admin.cookie, csrf: admin.csrf, body: { client_id: other.client_id } });
    expect(noGrant.status).toBe(403);
    expect(noGrant.body.errorCode).toBe('no_client_grant');
    // An application without the Client Credentials grant is refused, and the refusal logged like the grant's.
    const spa = (await server.api('dev', devToken, 'POST', '/api/v2/clients', { name: 'Storefront', app_type: 'spa', callbacks: ['https://shop.example/cb'] })).body;
    const noGrantType = await control(path, { method: 'POST', cookie: admin.cookie, csrf: admin.csrf, body: { client_id: spa.client_id } });
    expect(noGrantType.status).toBe(403);
    expect(noGrantType.body.errorCode).toBe('grant_type_not_allowed');
    await server.drain();
    const refusals = await server.api('dev', devToken, 'GET', `/api/v2/logs?q=${encodeURIComponent(`type:feccft AND client_id:${spa.client_id}`)}`);
    expect(refusals.body[0]).toMatchObject({ details: { actor: { type: 'dashboard', user_id: admin.userId } } });

    const viewer = await member('viewer.tt@example.com', ['viewer_config']);
    const refused = await control(path, { method: 'POST', cookie: viewer.cookie, csrf: viewer.csrf, body: { client_id: m2m.client_id } });
    expect(refused.status).toBe(403);
    expect(refused.body.errorCode).toBe('insufficient_role');
    const outsider = await member('outsider.tt@example.com', []);
    expect((await control(path, { method: 'POST', cookie: outsider.cookie, csrf: outsider.csrf, body: { client_id: m2m.client_id } })).status).toBe(404);

    // Another tenant's API or application is not found from this one.
    const acmeApi = await server.api('acme', acmeToken, 'POST', '/api/v2/resource-servers', { name: 'Acme', identifier: 'https://acme-api.example.com' });
    expect((await control(`/tenants/dev/apis/${acmeApi.body.id}/test-token`, { method: 'POST', cookie: admin.cookie, csrf: admin.csrf, body: { client_id: m2m.client_id } })).status).toBe(404);
    const acmeClient = (await server.api('acme', acmeToken, 'POST', '/api/v2/clients', { name: 'Acme worker', app_type: 'non_interactive' })).body;
    expect((await control(path, { method: 'POST', cookie: admin.cookie, csrf: admin.csrf, body: { client_id: acmeClient.client_id } })).status).toBe(404);
    // Bounded body.
    expect((await control(path, { method: 'POST', cookie: admin.cookie, csrf: admin.csrf, body: { client_id: m2m.client_id, client_secret: 'x' } })).status).toBe(400);
  });
});
