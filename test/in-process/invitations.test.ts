/**
 * Tenant member invitations (docs/plans/dashboard.md §2): sent through the tenant's own email
 * delivery (its dev outbox here), looked up and accepted once from the link's ticket, bound to the
 * invited address; the new member gets exactly the invited role, and removing them ends their session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { controlClient, sessionCookieOf, type ControlCall } from '../support/control-api.js';
import { isUniqueViolation } from '../../src/storage/repositories/users.js';

const PASSWORD = 'Correct-Horse-Battery-9';
let server: InProcessServer;
let owner: { cookie: string; csrf: string };
let clientId: string;

const control = (path: string, call: ControlCall = {}) => controlClient(server)(path, call);

beforeAll(async () => {
  server = await startInProcess();
  clientId = server.bootstrap.client_id;
  const token = (await server.services.dashboardAccounts.issueSetupToken())!;
  const created = await control('/setup', { method: 'POST', body: { token, email: 'owner@example.com', password: PASSWORD } });
  owner = { cookie: sessionCookieOf(created.headers).pair, csrf: created.body.csrf_token };
});
afterAll(async () => server?.close());

/** The ticket of the newest invitation email to `to` in the dev tenant's outbox. */
async function ticketSentTo(to: string): Promise<string> {
  await server.drain();
  const outbox = await server.api('dev', await server.tokenFor('dev'), 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`);
  const message = outbox.body[0];
  expect(message.subject).toBe('You are invited to manage the dev tenant');
  return /\/invitations\/accept#ticket=([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
}

const invite = (email: string, roles: string[], who = owner) => control('/tenants/dev/invitations', { method: 'POST', cookie: who.cookie, csrf: who.csrf, body: { email, roles } });

describe('invitations', () => {
  // Lookup and accept count attempts per address: each test calls them from its own.
  it('invite, look up, accept as a new account: a Viewer – Users reads users and cannot change an application', async () => {
    const sent = await invite('Viewer@Example.com', ['viewer_users']);
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ email: 'viewer@example.com', roles: ['viewer_users'] });
    const ticket = await ticketSentTo('viewer@example.com');
    expect((await control('/tenants/dev/invitations', { cookie: owner.cookie })).body.map((i: { email: string }) => i.email)).toEqual(['viewer@example.com']);

    const preview = await control('/invitations/lookup', { ip: '198.51.100.1', method: 'POST', body: { ticket } });
    expect(preview.body).toEqual({ tenant: 'dev', email: 'viewer@example.com', roles: ['viewer_users'], inviter: 'owner@example.com', account_exists: false });

    // A refused password does not spend the ticket.
    expect((await control('/invitations/accept', { ip: '198.51.100.1', method: 'POST', body: { ticket, password: 'weak' } })).status).toBe(400);
    const accepted = await control('/invitations/accept', { ip: '198.51.100.1', method: 'POST', body: { ticket, password: PASSWORD, name: 'Vera Viewer' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ tenant: 'dev', created_account: true });
    const cookie = sessionCookieOf(accepted.headers).pair;
    // Used once.
    expect((await control('/invitations/accept', { ip: '198.51.100.1', method: 'POST', body: { ticket, password: PASSWORD } })).body.errorCode).toBe('invitation_not_found');
    expect((await control('/invitations/lookup', { ip: '198.51.100.1', method: 'POST', body: { ticket } })).status).toBe(404);

    const me = await control('/me', { cookie });
    expect(me.body).toMatchObject({ email: 'viewer@example.com', name: 'Vera Viewer', is_owner: false });
    expect((await control('/tenants', { cookie })).body.map((t: { name: string; roles: string[] }) => [t.name, t.roles])).toEqual([['dev', ['viewer_users']]]);
    const token = (await control('/tenants/dev/token', { method: 'POST', cookie, csrf: me.body.csrf_token })).body.access_token;
    expect((await server.api('dev', token, 'GET', '/api/v2/users')).status).toBe(200);
    expect((await server.api('dev', token, 'PATCH', `/api/v2/clients/${clientId}`, { name: 'x' })).status).toBe(403);
    // Not an Admin: no members, no invitations.
    expect((await control('/tenants/dev/members', { cookie })).status).toBe(403);
    expect((await control('/tenants/dev/invitations', { method: 'POST', cookie, csrf: me.body.csrf_token, body: { email: 'x@example.com', roles: ['admin'] } })).status).toBe(403);

    // The Admin removes the member: the member's session and token stop working at once.
    const members = await control('/tenants/dev/members', { cookie: owner.cookie });
    const member = members.body.find((m: { email: string }) => m.email === 'viewer@example.com');
    expect(member.roles).toEqual(['viewer_users']);
    expect((await control(`/tenants/dev/members/${encodeURIComponent(member.user_id)}`, { method: 'DELETE', cookie: owner.cookie, csrf: owner.csrf })).status).toBe(204);
    expect((await server.api('dev', token, 'GET', '/api/v2/users')).status).toBe(401);
    expect((await control('/me', { cookie })).status).toBe(401);
  });

  it('refuses members already in, replaces a pending invitation, and binds acceptance to the invited address', async () => {
    expect((await invite('owner@example.com', ['viewer_config'])).body.errorCode).toBe('already_member');
    await invite('twice@example.com', ['viewer_config']);
    const first = await ticketSentTo('twice@example.com');
    await invite('twice@example.com', ['editor_users']);
    const second = await ticketSentTo('twice@example.com');
    expect(second).not.toBe(first);
    expect((await control('/invitations/lookup', { ip: '198.51.100.2', method: 'POST', body: { ticket: first } })).status).toBe(404);
    // The owner is signed in, with another address.
    const mismatch = await control('/invitations/accept', { ip: '198.51.100.2', method: 'POST', cookie: owner.cookie, body: { ticket: second } });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.errorCode).toBe('email_mismatch');
    expect((await control('/invitations/lookup', { ip: '198.51.100.2', method: 'POST', body: { ticket: second } })).body.roles).toEqual(['editor_users']);
  });

  it('the database holds one pending invitation per tenant and address', async () => {
    // Two invitations sent at the same moment could both pass `invite`'s revoke-then-insert on
    // PostgreSQL; the partial unique index (migration 017) refuses the second insert, which
    // `invite` then retries once. A revoked invitation does not count.
    const tenant = (await server.services.tenants.findByName('dev'))!;
    const record = (id: string) => ({
      id,
      tenantId: tenant.id,
      email: 'race@example.com',
      roles: ['viewer_users'],
      invitedBy: 'x',
      ticketHash: `hash-${id}`,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      acceptedAt: null,
      revokedAt: null,
      createdAt: new Date().toISOString(),
    });
    const { storage } = server.services;
    await storage.transaction((repos) => repos.dashboardInvitations.insert(record('inv_race_1')));
    await storage.transaction((repos) => repos.dashboardInvitations.revoke(tenant.id, 'inv_race_1', new Date().toISOString()));
    await storage.transaction((repos) => repos.dashboardInvitations.insert(record('inv_race_2')));
    const refused = await storage.transaction((repos) => repos.dashboardInvitations.insert(record('inv_race_3'))).then(() => undefined, (error: unknown) => error);
    expect(isUniqueViolation(refused), String(refused)).toBe(true);
    // `invite` replaces the pending one as before.
    expect((await invite('race@example.com', ['viewer_config'])).status).toBe(201);
    const pending = (await control('/tenants/dev/invitations', { cookie: owner.cookie })).body.filter((i: { email: string }) => i.email === 'race@example.com');
    expect(pending.map((i: { roles: string[] }) => i.roles)).toEqual([['viewer_config']]);
  });

  it('an existing account signs in first, then accepts into its own account', async () => {
    // viewer@example.com was removed from dev above but still has an account.
    await invite('viewer@example.com', ['support_access']);
    const ticket = await ticketSentTo('viewer@example.com');
    expect((await control('/invitations/lookup', { ip: '198.51.100.3', method: 'POST', body: { ticket } })).body.account_exists).toBe(true);
    expect((await control('/invitations/accept', { ip: '198.51.100.3', method: 'POST', body: { ticket, password: PASSWORD } })).body.errorCode).toBe('login_required');
    const admin = await server.services.controlPlane.adminTenant();
    const [user] = await server.services.users.listByEmail(admin.id, 'viewer@example.com');
    const { cookieValue } = await server.services.dashboardSessions.create({ userId: user!.user_id, ssoSid: null, userAgent: 'test', ip: '127.0.0.1' });
    const accepted = await control('/invitations/accept', { ip: '198.51.100.3', method: 'POST', cookie: `__Host-tessera_dash=${cookieValue}`, body: { ticket } });
    expect(accepted.body).toEqual({ tenant: 'dev', created_account: false });
    expect((await server.services.controlPlane.membership((await server.services.tenants.findByName('dev'))!.id, user!.user_id))?.roles).toEqual(['support_access']);
  });

  it('expires after seven days and can be revoked', async () => {
    await invite('late@example.com', ['viewer_users']);
    const late = await ticketSentTo('late@example.com');
    const revoked = await invite('revoked@example.com', ['viewer_users']);
    const revokedTicket = await ticketSentTo('revoked@example.com');
    expect((await control(`/tenants/dev/invitations/${revoked.body.id}`, { method: 'DELETE', cookie: owner.cookie, csrf: owner.csrf })).status).toBe(204);
    expect((await control('/invitations/lookup', { ip: '198.51.100.4', method: 'POST', body: { ticket: revokedTicket } })).status).toBe(404);
    server.clock.advance(7 * 24 * 3600_000 + 1_000);
    expect((await control('/invitations/accept', { ip: '198.51.100.4', method: 'POST', body: { ticket: late, password: PASSWORD } })).status).toBe(404);
  });
});
