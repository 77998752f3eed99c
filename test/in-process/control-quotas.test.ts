/**
 * The control plane's volume limits (docs/plans/dashboard.md §7): an account attempts at most 20
 * tenant creations an hour, and a tenant sends at most 20 invitations an hour, whichever of its
 * Admins sends them (refused invitations do not count). The hour windows follow the services'
 * clock, so the test steps past them instead of waiting. Public routes have per-address limits only
 * (control-api.test.ts): a bucket shared by every address would let a flood lock real users out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { TestClock } from '../support/test-clock.js';
import { controlClient, sessionCookieOf, type ControlCall } from '../support/control-api.js';

const PASSWORD = 'Correct-Horse-Battery-9';
const HOUR_MS = 60 * 60_000;
const clock = new TestClock();
let server: InProcessServer;
let owner: { cookie: string; csrf: string };

const control = (path: string, call: ControlCall = {}) => controlClient(server)(path, call);
const asOwner = (path: string, body: unknown) => control(path, { method: 'POST', cookie: owner.cookie, csrf: owner.csrf, body });

beforeAll(async () => {
  server = await startInProcess({ clock });
  const token = (await server.services.dashboardAccounts.issueSetupToken())!;
  const created = await control('/setup', { method: 'POST', body: { token, email: 'owner@example.com', password: PASSWORD } });
  owner = { cookie: sessionCookieOf(created.headers).pair, csrf: created.body.csrf_token };
});
afterAll(async () => server?.close());

describe('control plane quotas', () => {
  it('an account makes at most 20 tenant creation attempts an hour', async () => {
    // Refused attempts count too (cheap to make here: a name already taken), then one that works.
    for (let i = 0; i < 19; i++) expect((await asOwner('/tenants', { name: 'dev' })).status).toBe(409);
    expect((await asOwner('/tenants', { name: 'quota-1' })).status).toBe(201);
    const refused = await asOwner('/tenants', { name: 'quota-2' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ errorCode: 'too_many_requests', message: 'You have tried to create 20 tenants in the last hour; try again later.' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await server.services.tenants.findByName('quota-2')).toBeUndefined();

    clock.advance(HOUR_MS + 1_000);
    expect((await asOwner('/tenants', { name: 'quota-2' })).status).toBe(201);
  });

  it('a tenant sends at most 20 invitations an hour, whichever Admin sends them', async () => {
    expect((await asOwner('/tenants', { name: 'invites' })).status).toBe(201);
    // A second Admin of the tenant, invited and accepted.
    expect((await asOwner('/tenants/invites/invitations', { email: 'second@example.com', roles: ['admin'] })).status).toBe(201);
    await server.drain();
    // The owner's own dashboard token for the tenant reads its dev outbox (Admin holds read:dev_outbox).
    const token = (await asOwner('/tenants/invites/token', {})).body.access_token;
    const outbox = await server.api('invites', token, 'GET', '/api/v2/tessera/outbox?to=second%40example.com');
    const ticket = /#ticket=([A-Za-z0-9_-]+)/.exec(outbox.body[0].text)![1]!;
    const accepted = await control('/invitations/accept', { method: 'POST', ip: '198.51.100.5', body: { ticket, password: PASSWORD } });
    expect(accepted.status).toBe(200);
    const second = sessionCookieOf(accepted.headers).pair;
    const secondCsrf = (await control('/me', { cookie: second })).body.csrf_token;

    // 19 by the owner, the 20th by the second Admin.
    for (let i = 1; i < 19; i++) expect((await asOwner('/tenants/invites/invitations', { email: `person-${i}@example.com`, roles: ['viewer_users'] })).status).toBe(201);
    // From the second Admin's own address: neither their account nor their address has sent any yet.
    const bySecond = (email: string) => control('/tenants/invites/invitations', { method: 'POST', ip: '198.51.100.6', cookie: second, csrf: secondCsrf, body: { email, roles: ['viewer_users'] } });
    // Refused invitations are not sent, and do not count.
    expect((await bySecond('owner@example.com')).status).toBe(409);
    expect((await bySecond('person-19@example.com')).status).toBe(201);
    const refused = await bySecond('person-20@example.com');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ errorCode: 'too_many_requests', message: 'This tenant has sent 20 invitations in the last hour; try again later.' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other tenants are not affected.
    expect((await asOwner('/tenants/dev/invitations', { email: 'elsewhere@example.com', roles: ['viewer_users'] })).status).toBe(201);

    clock.advance(HOUR_MS + 1_000);
    expect((await bySecond('person-20@example.com')).status).toBe(201);
  });
});
