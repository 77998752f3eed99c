/**
 * Dashboard tokens on a tenant's Management API (docs/plans/dashboard.md §1.5): minted by the
 * control plane for a member of a tenant, signed by the admin tenant's keys, limited to the member's
 * roles, and refused as soon as the membership or the dashboard session changes. Tokens are minted
 * through the service here; the control API that hands them to the dashboard is tested elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { ensureAdminTenant } from '../../src/domain/control-plane/admin-tenant.js';
import { ConfigError } from '../../src/config/config.js';
import { signJwt } from '../../src/domain/tokens/jws.js';
import type { Tenant } from '../../src/domain/tenants/tenant-service.js';

let server: InProcessServer;
let dev: Tenant;
let acme: Tenant;
let clientId: string;

beforeAll(async () => {
  server = await startInProcess();
  await server.createTenant('acme');
  dev = (await server.services.tenants.findByName('dev'))!;
  acme = (await server.services.tenants.findByName('acme'))!;
  clientId = server.bootstrap.client_id;
});
afterAll(async () => server?.close());

/** A dashboard session for `userId` and a dashboard token for `tenant` minted in it. */
async function signIn(userId: string, tenant: Tenant = dev): Promise<{ token: string; sessionId: string; scope: string }> {
  const { session } = await server.services.dashboardSessions.create({ userId, ssoSid: null, userAgent: 'test', ip: '127.0.0.1' });
  const minted = await server.services.controlPlane.mintTenantToken(tenant, userId, session.id);
  return { token: minted.access_token, sessionId: session.id, scope: minted.scope };
}

const api = (token: string, method: string, path: string, body?: unknown, tenant = 'dev') => server.api(tenant, token, method, path, body);

describe('dashboard tokens on /api/v2', () => {
  it('a Viewer – Users reads users and cannot change an application', async () => {
    await server.services.controlPlane.setRoles(dev.id, 'auth0|viewer', ['admin']);
    await server.services.controlPlane.setRoles(dev.id, 'auth0|viewer2', ['viewer_users']);
    const { token, scope } = await signIn('auth0|viewer2');
    expect(scope.split(' ')).toContain('read:users');
    expect(scope.split(' ')).not.toContain('update:clients');
    expect((await api(token, 'GET', '/api/v2/users')).status).toBe(200);
    const patch = await api(token, 'PATCH', `/api/v2/clients/${clientId}`, { name: 'renamed' });
    expect(patch.status).toBe(403);
    expect(patch.body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
    // Secrets need read:client_keys, which only Admin holds.
    expect((await api(token, 'GET', `/api/v2/clients/${clientId}`)).status).toBe(403);
  });

  it('an Admin changes an application; the change is logged with the member as actor, without a client id', async () => {
    const { token } = await signIn('auth0|viewer');
    const patch = await api(token, 'PATCH', `/api/v2/clients/${clientId}`, { description: 'changed from the dashboard' });
    expect(patch.status).toBe(200);
    expect(patch.body.client_secret).toEqual(expect.any(String));
    await server.drain();
    const bootstrapToken = await server.tokenFor('dev');
    const logs = await api(bootstrapToken, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:sapi')}&per_page=5&sort=date:-1`);
    const event = logs.body.find((e: any) => e.description === 'PATCH /api/v2/clients/:id');
    expect(event.details.actor).toEqual({ type: 'dashboard', user_id: 'auth0|viewer' });
    expect(event.client_id).toBeUndefined();
  });

  it('a token for one tenant is refused by another', async () => {
    await server.services.controlPlane.setRoles(acme.id, 'auth0|viewer', ['admin']);
    const { token } = await signIn('auth0|viewer', acme);
    expect((await api(token, 'GET', '/api/v2/users', undefined, 'acme')).status).toBe(200);
    expect((await api(token, 'GET', '/api/v2/users', undefined, 'dev')).status).toBe(401);
  });

  it('an admin-issuer token is refused unless the admin tenant signed it, for this tenant', async () => {
    const { token } = await signIn('auth0|viewer');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    // Signed with the tenant's own key: the admin issuer selects the admin tenant's keys only.
    const ownKey = (await server.services.keys.keyRing(dev.id)).signerFor('RS256')!;
    const forged = await api(signJwt(ownKey, claims), 'GET', '/api/v2/users');
    expect(forged.status).toBe(401);
    // Signed by the admin tenant, but naming another tenant than the one it is presented to.
    const adminKey = (await server.services.keys.keyRing((await server.services.controlPlane.adminTenant()).id)).signerFor('RS256')!;
    expect((await api(signJwt(adminKey, { ...claims, tessera_tenant: acme.id }), 'GET', '/api/v2/users')).status).toBe(401);
    // The same claims signed by the admin tenant pass: the two cases above fail for the reason they test.
    expect((await api(signJwt(adminKey, claims), 'GET', '/api/v2/users')).status).toBe(200);
    // A token of the tenant's own issuer signed by the admin key is refused too.
    const tenantIssuer = `${server.originOf('dev')}/`;
    expect((await api(signJwt(adminKey, { ...claims, iss: tenantIssuer }), 'GET', '/api/v2/users')).status).toBe(401);
  });

  it('a role change makes earlier tokens fail; the new token carries the new scopes', async () => {
    await server.services.controlPlane.setRoles(dev.id, 'auth0|changing', ['viewer_users']);
    const before = await signIn('auth0|changing');
    expect((await api(before.token, 'GET', '/api/v2/users')).status).toBe(200);
    await server.services.controlPlane.setRoles(dev.id, 'auth0|changing', ['viewer_config']);
    const refused = await api(before.token, 'GET', '/api/v2/users');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('Dashboard access to this tenant changed; sign in again.');
    // The change ended the person's dashboard sessions: a token minted in the old one fails too.
    expect((await server.services.dashboardSessions.status(before.sessionId))?.active).toBe(false);
    const after = await signIn('auth0|changing');
    expect(after.scope.split(' ')).toContain('read:clients');
    expect((await api(after.token, 'GET', '/api/v2/users')).status).toBe(403);
    expect((await api(after.token, 'GET', '/api/v2/clients')).status).toBe(200);
  });

  it('remove and re-add does not revive an earlier token', async () => {
    await server.services.controlPlane.setRoles(dev.id, 'auth0|readded', ['viewer_users']);
    const { token, sessionId } = await signIn('auth0|readded');
    await server.services.controlPlane.removeMember(dev.id, 'auth0|readded');
    await server.services.controlPlane.setRoles(dev.id, 'auth0|readded', ['viewer_users']);
    expect((await api(token, 'GET', '/api/v2/users')).status).toBe(401);
    // Even in a session that is still live, the old token's grant id is gone for good.
    const live = await server.services.dashboardSessions.create({ userId: 'auth0|readded', ssoSid: null, userAgent: 'test', ip: '127.0.0.1' });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    const adminKey = (await server.services.keys.keyRing((await server.services.controlPlane.adminTenant()).id)).signerFor('RS256')!;
    expect(sessionId).not.toBe(live.session.id);
    expect((await api(signJwt(adminKey, { ...claims, dsid: live.session.id }), 'GET', '/api/v2/users')).status).toBe(401);
  });

  it("a revoked dashboard session's tokens are refused", async () => {
    await server.services.controlPlane.setRoles(dev.id, 'auth0|revoked', ['viewer_users']);
    const { token, sessionId } = await signIn('auth0|revoked');
    expect((await api(token, 'GET', '/api/v2/users')).status).toBe(200);
    await server.services.dashboardSessions.revoke('auth0|revoked', sessionId);
    expect((await api(token, 'GET', '/api/v2/users')).status).toBe(401);
  });

  it('a dashboard token expires after ten minutes', async () => {
    const { token } = await signIn('auth0|viewer');
    server.clock.advance(10 * 60_000 + 31_000);
    expect((await api(token, 'GET', '/api/v2/users')).status).toBe(401);
  });

  it('Support Access reads the Activity numbers and nothing else', async () => {
    await server.services.controlPlane.setRoles(dev.id, 'auth0|support', ['support_access']);
    const { token } = await signIn('auth0|support');
    expect((await api(token, 'GET', '/api/v2/stats/daily')).status).toBe(200);
    expect((await api(token, 'GET', '/api/v2/stats/active-users')).status).toBe(200);
    expect((await api(token, 'GET', '/api/v2/tessera/stats/totals')).status).toBe(200);
    expect((await api(token, 'GET', '/api/v2/users')).status).toBe(403);
    expect((await api(token, 'GET', '/api/v2/clients')).status).toBe(403);
  });

  it('a tenant keeps its last Admin', async () => {
    const { controlPlane } = server.services;
    const members = await controlPlane.listMembers(acme.id);
    expect(members.map((m) => m.userId)).toEqual(['auth0|viewer']);
    await expect(controlPlane.setRoles(acme.id, 'auth0|viewer', ['viewer_users'])).rejects.toMatchObject({ code: 'last_admin' });
    await expect(controlPlane.removeMember(acme.id, 'auth0|viewer')).rejects.toMatchObject({ code: 'last_admin' });
    await expect(controlPlane.setRoles(acme.id, 'auth0|other', ['owner'])).rejects.toMatchObject({ code: 'invalid_role' });
    await expect(controlPlane.setRoles(acme.id, 'auth0|other', [])).rejects.toMatchObject({ code: 'invalid_role' });
    await controlPlane.setRoles(acme.id, 'auth0|other', ['admin']);
    await controlPlane.setRoles(acme.id, 'auth0|viewer', ['viewer_users']);
    expect((await controlPlane.membership(acme.id, 'auth0|viewer'))?.roles).toEqual(['viewer_users']);
  });
});

describe('the admin tenant', () => {
  it('serves no Management API, whatever the token', async () => {
    const admin = await server.services.controlPlane.adminTenant();
    expect(admin.domain).toBe('manage.localhost');
    const res = await server.fetch('https://manage.localhost/api/v2/users', { headers: { authorization: `Bearer ${await server.tokenFor('dev')}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, errorCode: 'not_found' });
  });

  it('is reached on the admin host only, never by its name, and is never listed', async () => {
    // `_admin` is no host name (the request is refused before resolution), and never resolves by name.
    expect((await server.fetch('https://_admin.localhost/.well-known/openid-configuration')).status).toBe(400);
    expect(await server.services.tenants.resolveHost('_admin.localhost')).toBeNull();
    const discovery = await server.fetch('https://manage.localhost/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe('https://manage.localhost/');
    expect((await server.services.tenants.list()).map((t) => t.name)).toEqual(['acme', 'dev']);
    await expect(server.services.tenants.delete('_admin')).rejects.toMatchObject({ code: 'inexistent_tenant' });
  });

  it('reserves names on create', async () => {
    for (const name of ['manage', 'admin', 'api', 'xn--80ak6aa92e']) await expect(server.services.tenants.create(name)).rejects.toMatchObject({ code: 'reserved_tenant_name' });
  });

  it('refuses to start when an existing tenant holds the admin host', async () => {
    // A tenant created before names were reserved.
    await server.services.storage.repos.tenants.insert({ id: 'ten_oldmanage', name: 'manage', settings: {}, branding: {}, createdAt: new Date().toISOString(), deletedAt: null, kind: 'customer', environmentTag: 'development' });
    const error = await ensureAdminTenant(server.services).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/TESSERA_ADMIN_HOST .*"manage"/);
  });
});

describe('CORS for the dashboard', () => {
  const origin = 'https://manage.localhost';

  it('answers preflights and requests from the admin origin on every route, and no one else on other routes', async () => {
    const preflight = await server.fetch('https://dev.localhost/api/v2/clients/abc', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PATCH' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/PATCH/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await server.fetch('https://dev.localhost/api/v2/clients/abc', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'PATCH' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await server.fetch('https://dev.localhost/api/v2/clients', { headers: { origin } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    // The current-user rule is unchanged for other origins.
    const currentUser = await server.fetch('https://dev.localhost/api/v2/users/auth0|x', { method: 'OPTIONS', headers: { origin: 'https://app.example' } });
    expect(currentUser.headers.get('access-control-allow-origin')).toBe('*');
    expect(currentUser.headers.get('access-control-allow-methods')).toBe('GET, PATCH');
  });
});
