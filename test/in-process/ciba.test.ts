/**
 * CIBA (OpenID CIBA Core 1.0, poll mode; issue 18 slice 5) on the in-process server and its
 * TestClock: `POST /bc-authorize` and its refusals (hostile inputs are 4xx, never 500), the email
 * channel's link through the hosted login to the approval page, and the CIBA grant's polling
 * (authorization_pending, slow_down, expired_token, access_denied, one-time, bound to the
 * application). openid-client over real HTTP is in test/integration/ciba.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue, locationOf } from '../support/form-browser.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const API = 'https://bank.example.com/';
const CIBA = 'urn:openid:params:grant-type:ciba';

type Json = Record<string, any>;

let server: InProcessServer;
let token: string;
let base: string;
let issuer: string;
let app: { client_id: string; client_secret: string };
const users: Record<string, string> = {};

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  base = server.originOf('dev');
  issuer = `${base}/`;
  const api = await server.api('dev', token, 'POST', '/api/v2/resource-servers', {
    identifier: API,
    scopes: [{ value: 'transfer:funds' }],
    allow_offline_access: true,
    authorization_details: [{ type: 'money_transfer' }],
  });
  expect(api.status, JSON.stringify(api.body)).toBe(201);
  for (const [name, verified] of [['ada', true], ['bob', true], ['carol', false]] as const) {
    const user = await server.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: `${name}@example.com`, password: PASSWORD, email_verified: verified });
    expect(user.status).toBe(201);
    users[name] = user.body.user_id;
  }
  app = await createApp({ name: 'Bank agent' });
});
afterAll(async () => server?.close());

async function createApp(fields: Json): Promise<{ client_id: string; client_secret: string }> {
  const res = await server.api('dev', token, 'POST', '/api/v2/clients', {
    app_type: 'regular_web',
    grant_types: [CIBA, 'refresh_token'],
    async_approval_notification_channels: ['email'],
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const hint = (sub: string, iss = issuer) => JSON.stringify({ format: 'iss_sub', iss, sub });
const advance = (seconds: number) => server.clock.advance(seconds * 1000);

function bcAuthorize(form: Record<string, string>, client = app) {
  return server.postForm('dev', '/bc-authorize', { client_id: client.client_id, client_secret: client.client_secret, ...form });
}

async function start(form: Record<string, string> = {}, client = app): Promise<Json> {
  const res = await bcAuthorize({ login_hint: hint(users.ada!), scope: 'openid profile offline_access transfer:funds', audience: API, binding_message: 'TX-42', requested_expiry: '600', ...form }, client);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const poll = (authReqId: string, client = app) => server.postForm('dev', '/oauth/token', { grant_type: CIBA, auth_req_id: authReqId, client_id: client.client_id, client_secret: client.client_secret });

/** The approval link of the newest email to `to`. */
async function emailedLink(to = 'ada@example.com'): Promise<{ link: string; mail: Json }> {
  const outbox = await server.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`);
  const mail = (outbox.body as Json[])[0]!;
  const link = /https:\/\/\S+\/ciba\/approve\?\S+/.exec(mail.text)?.[0];
  expect(link, mail.text).toBeTruthy();
  return { link: link!, mail };
}

/** The user answers that refused a CIBA request (`fdecc`, details.flow "ciba"), with `reason`. */
async function refusalLogs(reason: string): Promise<Json[]> {
  await server.drain();
  const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:fdecc')}&per_page=100`);
  return (logs.body as Json[]).filter((log) => log.details?.flow === 'ciba' && log.details?.reason === reason);
}

/** Follows the link and logs `who` in; returns the response after the login (the consent redirect, or a refusal). */
async function followAndLogIn(browser: FormBrowser, link: string, who: string): Promise<Response> {
  const loginUrl = locationOf(await browser.get(link), base);
  expect(loginUrl.pathname).toBe('/u/login');
  const html = await (await browser.get(loginUrl.toString())).text();
  return browser.post(`${base}/u/login`, { state: loginUrl.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username: `${who}@example.com`, password: PASSWORD });
}

async function answer(browser: FormBrowser, consentUrl: URL, action: 'accept' | 'deny'): Promise<{ status: number; html: string; page: string }> {
  const page = await (await browser.get(consentUrl.toString())).text();
  const answered = await browser.post(`${base}/u/consent`, { state: consentUrl.searchParams.get('state')!, _csrf: inputValue(page, '_csrf'), action });
  return { status: answered.status, html: await answered.text(), page };
}

describe('POST /bc-authorize', () => {
  it('answers auth_req_id, expires_in (the requested expiry) and interval, and emails the hinted user a link (logged ciba_start_succeeded)', async () => {
    const body = await start();
    expect(Object.keys(body).sort()).toEqual(['auth_req_id', 'expires_in', 'interval']);
    expect(body).toMatchObject({ expires_in: 600, interval: 5 });
    expect(body.auth_req_id.length).toBeGreaterThanOrEqual(43);
    const { mail, link } = await emailedLink();
    expect(mail.subject).toContain('Bank agent');
    expect(mail.text).toContain('TX-42');
    const ticket = new URL(link).searchParams.get('ticket')!;
    expect(Buffer.from(ticket, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(link).not.toContain(body.auth_req_id);
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:ciba_start_succeeded')}`);
    expect(logs.body.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses what CIBA Core §13 names, in Auth0\'s JSON format (logged ciba_start_failed)', async () => {
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ login_hint: hint(users.ada!, 'https://other.example.com/') }, 400, 'invalid_request'],
      [{ login_hint: hint('auth0|nobody') }, 400, 'unknown_user_id'],
      [{ login_hint: hint(users.carol!) }, 403, 'access_denied'],
      [{ login_hint: 'ada@example.com' }, 400, 'invalid_request'],
      [{ login_hint: '' }, 400, 'invalid_request'],
      [{ scope: 'profile' }, 400, 'invalid_scope'],
      [{ binding_message: '' }, 400, 'invalid_request'],
      [{ binding_message: 'a'.repeat(65) }, 400, 'invalid_binding_message'],
      [{ binding_message: '<script>' }, 400, 'invalid_binding_message'],
      [{ requested_expiry: '300' }, 400, 'invalid_request'],
      [{ requested_expiry: '259201' }, 400, 'invalid_request'],
      [{ requested_expiry: '1e3' }, 400, 'invalid_request'],
      [{ requested_expiry: '-5' }, 400, 'invalid_request'],
      [{ audience: 'https://nope.example/' }, 403, 'access_denied'],
      [{ request: 'eyJhbGciOiJub25lIn0.e30.' }, 400, 'invalid_request'],
      [{ login_hint_token: 'x' }, 400, 'invalid_request'],
      [{ user_code: '1234' }, 400, 'invalid_request'],
      [{ authorization_details: JSON.stringify([{ type: 'unknown_type' }]) }, 400, 'invalid_authorization_details'],
      [{ authorization_details: '{' }, 400, 'invalid_authorization_details'],
    ];
    for (const [form, status, error] of cases) {
      const res = await bcAuthorize({ login_hint: hint(users.ada!), scope: 'openid', audience: API, binding_message: 'TX-1', requested_expiry: '600', ...form });
      expect(res.status, JSON.stringify(form)).toBe(status);
      expect(res.body.error, JSON.stringify(form)).toBe(error);
      expect(typeof res.body.error_description).toBe('string');
    }
    // Without requested_expiry (Auth0's default: 300 s, the push channel's range) the email channel is refused, naming the range.
    const noExpiry = await server.postForm('dev', '/bc-authorize', { client_id: app.client_id, client_secret: app.client_secret, login_hint: hint(users.ada!), scope: 'openid', binding_message: 'TX-1' });
    expect(noExpiry.status).toBe(400);
    expect(noExpiry.body.error_description).toContain('requested_expiry');
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:ciba_start_failed')}&per_page=100`);
    expect(logs.body.length).toBeGreaterThanOrEqual(cases.length);
  });

  it('refuses a wrong secret (invalid_client), applications without the grant, and applications without the email channel', async () => {
    const wrong = await server.postForm('dev', '/bc-authorize', { client_id: app.client_id, client_secret: 'x'.repeat(48), login_hint: hint(users.ada!), scope: 'openid', binding_message: 'TX' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    const noGrant = await createApp({ name: 'No CIBA', grant_types: ['client_credentials'] });
    const refused = await start({}, noGrant).catch(() => undefined);
    expect(refused).toBeUndefined();
    const res = await bcAuthorize({ login_hint: hint(users.ada!), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, noGrant);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('unauthorized_client');
    const noChannel = await createApp({ name: 'No channel', async_approval_notification_channels: null });
    const none = await bcAuthorize({ login_hint: hint(users.ada!), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, noChannel);
    expect(none.status).toBe(403);
    expect(none.body.error).toBe('unauthorized_client');
  });

  it('refuses an application stored with oidc_conformant false (written around the Management API) at /bc-authorize and at the poll', async () => {
    const legacy = await createApp({ name: 'Legacy agent' });
    const started = await start({}, legacy);
    const tenant = (await server.services.tenants.findByName('dev'))!;
    const record = (await server.services.storage.repos.clients.findById(tenant.id, legacy.client_id))!;
    await server.services.storage.repos.clients.replace({ ...record, document: { ...record.document, oidc_conformant: false } });
    // The application cache is dropped as on any application change (the Management API would refuse this one).
    await (server.services.clients as unknown as { invalidate(tenantId: string, clientId: string): Promise<void> }).invalidate(tenant.id, legacy.client_id);
    const refused = await bcAuthorize({ login_hint: hint(users.bob!), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, legacy);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('unauthorized_client');
    const polled = await poll(started.auth_req_id, legacy);
    expect(polled.status).toBe(403);
    expect(polled.body.error).toBe('unauthorized_client');
  });

  it('hostile inputs are 4xx, never 500: a 1 MB body, a huge or deeply nested login_hint, odd types', async () => {
    const big = await server.fetch(`${base}/bc-authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: app.client_id, client_secret: app.client_secret, login_hint: 'x'.repeat(1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    // The endpoint's own limit (64 KiB) is far below the server's (1 MiB).
    const over = await bcAuthorize({ login_hint: hint(users.ada!), scope: 'openid', binding_message: 'TX', requested_expiry: '600', padding: 'x'.repeat(70 * 1024) });
    expect(over.status).toBe(413);
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const hostile = [
      { login_hint: 'x'.repeat(100_000) },
      { login_hint: deep },
      { login_hint: JSON.stringify({ format: 'iss_sub', iss: issuer, sub: { $ne: null } }) },
      { login_hint: JSON.stringify({ format: 'iss_sub', iss: issuer, sub: 'x'.repeat(1500) }) },
      { login_hint: JSON.stringify({ format: 'iss_sub', iss: issuer, sub: 'auth0|a\u0000b' }) },
      { login_hint: JSON.stringify({ format: 'iss_sub', iss: issuer, sub: '\ud800' }) },
      { login_hint: '[]' },
      { login_hint: 'null' },
      { binding_message: 'é'.repeat(10) },
      { scope: `openid ${'s '.repeat(20_000)}` },
      { requested_expiry: '9'.repeat(400) },
    ];
    for (const form of hostile) {
      const res = await bcAuthorize({ login_hint: hint(users.ada!), scope: 'openid', binding_message: 'TX', requested_expiry: '600', ...form });
      expect(res.status, JSON.stringify(form).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(form).slice(0, 80)).toBeLessThan(500);
    }
    const json = await server.fetch(`${base}/bc-authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: app.client_id, client_secret: app.client_secret, login_hint: { format: 'iss_sub', iss: issuer, sub: users.ada }, scope: 'openid', binding_message: 'TX' }),
    });
    expect(json.status).toBe(400);
  });

  it('allows 10 requests an hour per application and user (no mail bombing), then 429 with retry-after', async () => {
    const spammer = await createApp({ name: 'Spammer' });
    for (let i = 0; i < 10; i += 1) await start({ login_hint: hint(users.bob!) }, spammer);
    const limited = await bcAuthorize({ login_hint: hint(users.bob!), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, spammer);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_requests');
    // Another user of the same application is not affected.
    await start({}, spammer);
  });

  it('an email that cannot be sent is a 503 temporarily_unavailable (JSON, logged ciba_start_failed), and the request is withdrawn', async () => {
    const email = server.services.email;
    const send = email.send;
    let text = '';
    email.send = async (_tenantId: string, message: { text: string }) => {
      text = message.text;
      throw new Error('421 SMTP service not available');
    };
    let res;
    try {
      res = await bcAuthorize({ login_hint: hint(users.ada!), scope: 'openid', binding_message: 'TX-SMTP', requested_expiry: '600' });
    } finally {
      email.send = send;
    }
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(typeof res.body.error_description).toBe('string');
    // The link the user never got opens nothing.
    const link = /https:\/\/\S+\/ciba\/approve\?\S+/.exec(text)![0];
    expect((await new FormBrowser({ caFetch: server.fetch }).get(link)).status).toBe(400);
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:ciba_start_failed')}&per_page=100`);
    expect((logs.body as Json[]).some((log) => log.description === 'The notification to the user could not be sent; try again later.')).toBe(true);
  });

  it('no account-status oracle: blocked and unverified users get the same answer, and 100 such answers an hour per application', async () => {
    const prober = await createApp({ name: 'Prober' });
    const blocked = await server.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'blocked@example.com', password: PASSWORD, email_verified: true, blocked: true });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(201);
    const ask = (sub: string, client = prober) => bcAuthorize({ login_hint: hint(sub), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, client);
    const [whenBlocked, whenUnverified] = [await ask(blocked.body.user_id), await ask(users.carol!)];
    expect(whenBlocked.status).toBe(403);
    expect(whenBlocked.body).toEqual(whenUnverified.body);
    for (let i = 2; i < 100; i += 1) expect((await ask(`auth0|nobody${i}`)).body.error).toBe('unknown_user_id');
    // The budget is spent: a known user is refused like an unknown one, for this application only.
    const refused = await ask(users.bob!);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_requests');
    expect((await ask(`auth0|nobody-more`)).status).toBe(429);
    expect((await ask(users.bob!, app)).status).toBe(200);
  });

  it('allows 20 requests an hour per user across applications: three applications cannot mail one user 30 times', async () => {
    const victim = (await server.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'victim@example.com', password: PASSWORD, email_verified: true })).body.user_id as string;
    const [first, second, third] = [await createApp({ name: 'Spam 1' }), await createApp({ name: 'Spam 2' }), await createApp({ name: 'Spam 3' })];
    for (let i = 0; i < 10; i += 1) await start({ login_hint: hint(victim), audience: '' }, first);
    for (let i = 0; i < 10; i += 1) await start({ login_hint: hint(victim), audience: '' }, second);
    const limited = await bcAuthorize({ login_hint: hint(victim), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, third!);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_requests');
    const raw = await server.fetch(`${base}/bc-authorize`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: third!.client_id, client_secret: third!.client_secret, login_hint: hint(victim), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }) });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    const outbox = await server.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent('victim@example.com')}&per_page=100`);
    expect((outbox.body as unknown[]).length).toBe(20);
    // The third application's own budget was not spent by the refusal: it still reaches another user.
    await start({ login_hint: hint(users.bob!), audience: '' }, third);
  });

  it('allows 500 requests an hour per application: one application at its cap does not block another', async () => {
    const busy = await createApp({ name: 'Busy agent' });
    const quiet = await createApp({ name: 'Quiet agent' });
    const many: string[] = [];
    for (let batch = 0; batch < 5; batch += 1) {
      const created = await Promise.all(Array.from({ length: 10 }, (_, i) => server.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: `many${batch * 10 + i}@example.com`, password: PASSWORD, email_verified: true })));
      many.push(...created.map((res) => res.body.user_id as string));
    }
    for (const userId of many) {
      for (let i = 0; i < 10; i += 1) {
        const res = await bcAuthorize({ login_hint: hint(userId), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, busy);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
    }
    const capped = await bcAuthorize({ login_hint: hint(users.bob!), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, busy);
    expect(capped.status).toBe(429);
    expect(capped.body.error_description).toContain('application');
    const other = await bcAuthorize({ login_hint: hint(many[0]!), scope: 'openid', binding_message: 'TX', requested_expiry: '600' }, quiet);
    expect(other.status, JSON.stringify(other.body)).toBe(200);
  }, 120_000);
});

describe("the user's connection", () => {
  /** A database connection enabled only for `clientIds`, with one verified user. */
  async function staffConnection(name: string, clientIds: string[]): Promise<{ id: string; userId: string; email: string }> {
    const connection = await server.api('dev', token, 'POST', '/api/v2/connections', { name, strategy: 'auth0', enabled_clients: clientIds });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    const email = `${name}@example.com`;
    const user = await server.api('dev', token, 'POST', '/api/v2/users', { connection: name, email, password: PASSWORD, email_verified: true });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    return { id: connection.body.id, userId: user.body.user_id, email };
  }
  const outbox = async (to: string) => (await server.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`)).body as Json[];

  it('a user whose connection is not enabled for the application is unknown to it (no email is sent)', async () => {
    const other = await createApp({ name: 'Staff portal' });
    const staff = await staffConnection('staff-only', [other.client_id]);
    const res = await bcAuthorize({ login_hint: hint(staff.userId), scope: 'openid', binding_message: 'TX-1', requested_expiry: '600' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unknown_user_id');
    expect(await outbox(staff.email)).toHaveLength(0);
    // The application the connection is enabled for reaches the user.
    await start({ login_hint: hint(staff.userId), audience: '' }, other);
    expect(await outbox(staff.email)).toHaveLength(1);
  });

  it('a connection disabled for the application after the approval gives no tokens; disabled before the link opens, the request is denied', async () => {
    const agent = await createApp({ name: 'Staff agent' });
    const staff = await staffConnection('staff-agents', [agent.client_id]);
    const approvedId = (await start({ login_hint: hint(staff.userId), audience: '' }, agent)).auth_req_id;
    const browser = new FormBrowser({ caFetch: server.fetch });
    const { link } = await emailedLink(staff.email);
    const consentUrl = locationOf(await followAndLogIn(browser, link, 'staff-agents'), base);
    expect(consentUrl.pathname).toBe('/u/consent');
    expect((await answer(browser, consentUrl, 'accept')).status).toBe(200);

    const deniedId = (await start({ login_hint: hint(staff.userId), audience: '' }, agent)).auth_req_id;
    const second = await emailedLink(staff.email);
    expect((await server.api('dev', token, 'PATCH', `/api/v2/connections/${staff.id}`, { enabled_clients: [] })).status).toBe(200);
    advance(6);
    const refused = await poll(approvedId, agent);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    // The link now opens a refusal, even with the user's own session, and the application is told.
    const opened = await browser.get(second.link);
    expect(opened.status).toBe(403);
    advance(6);
    expect((await poll(deniedId, agent)).body.error).toBe('access_denied');
    expect(await refusalLogs('connection_disabled')).toContainEqual(expect.objectContaining({ user_id: staff.userId, client_id: agent.client_id }));
  });
});

describe('the Management API', () => {
  it('refuses guardian-push with a 400 naming the field (create and update); email and null are accepted', async () => {
    const created = await server.api('dev', token, 'POST', '/api/v2/clients', { name: 'Push', app_type: 'regular_web', grant_types: [CIBA], async_approval_notification_channels: ['guardian-push', 'email'] });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain('async_approval_notification_channels');
    expect(created.body.message).toContain('guardian-push');
    const patched = await server.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { async_approval_notification_channels: ['guardian-push'] });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toContain('async_approval_notification_channels');
    expect((await server.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { async_approval_notification_channels: ['sms'] })).status).toBe(400);
    const read = await server.api('dev', token, 'GET', `/api/v2/clients/${app.client_id}`);
    expect(read.body.async_approval_notification_channels).toEqual(['email']);
  });

  it('keeps the CIBA grant to first-party confidential applications', async () => {
    const thirdParty = await server.api('dev', token, 'POST', '/api/v2/clients', { name: 'Third', app_type: 'regular_web', is_first_party: false, grant_types: [CIBA] });
    expect(thirdParty.status).toBe(400);
    const spa = await server.api('dev', token, 'POST', '/api/v2/clients', { name: 'SPA', app_type: 'spa', grant_types: [CIBA] });
    expect(spa.status).toBe(400);
  });
});

describe('approval and polling', () => {
  it('pending, slow_down (the interval grows by 5 s), then approved from the emailed link: tokens once, for the hinted user', async () => {
    const started = await start({ authorization_details: JSON.stringify([{ type: 'money_transfer', amount: '10.00', currency: 'EUR' }]) });
    const id = started.auth_req_id;
    const pending = await poll(id);
    expect(pending.status).toBe(400);
    expect(pending.body.error).toBe('authorization_pending');
    const tooFast = await poll(id);
    expect(tooFast.status).toBe(429);
    expect(tooFast.body.error).toBe('slow_down');
    advance(6);
    // The interval is now 10 s: 6 s later is still too soon, and it grows to 15 s.
    expect((await poll(id)).body.error).toBe('slow_down');
    advance(11);
    expect((await poll(id)).body.error).toBe('slow_down');
    advance(21);
    expect((await poll(id)).body.error).toBe('authorization_pending');

    const { link } = await emailedLink();
    const browser = new FormBrowser({ caFetch: server.fetch });
    const consentUrl = locationOf(await followAndLogIn(browser, link, 'ada'), base);
    expect(consentUrl.pathname).toBe('/u/consent');
    const answered = await answer(browser, consentUrl, 'accept');
    expect(answered.page).toContain('TX-42');
    expect(answered.page).toContain('Bank agent');
    expect(answered.page).toContain('money_transfer');
    expect(answered.page).toContain('Approve');
    expect(answered.status).toBe(200);
    expect(answered.html).toContain('approved');

    advance(21);
    const tokens = await poll(id);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(decodeJwt(tokens.body.id_token).sub).toBe(users.ada);
    const access = decodeJwt(tokens.body.access_token);
    expect(access.sub).toBe(users.ada);
    expect(access.aud).toContain(API);
    expect(access.authorization_details).toEqual([{ type: 'money_transfer', amount: '10.00', currency: 'EUR' }]);
    expect(tokens.body.refresh_token).toBeTruthy();
    expect(tokens.body.scope).toContain('transfer:funds');

    advance(21);
    const again = await poll(id);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    // The link is dead once answered.
    const replay = await new FormBrowser({ caFetch: server.fetch }).get(link);
    expect(replay.status).toBe(400);
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:ciba_exchange_succeeded')}`);
    expect(logs.body.length).toBeGreaterThanOrEqual(1);
  });

  it('slow_down carries Retry-After: the seconds until the next poll is on time (the grown interval)', async () => {
    const id = (await start({ login_hint: hint(users.bob!), audience: '' })).auth_req_id;
    const rawPoll = () => server.fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: CIBA, auth_req_id: id, client_id: app.client_id, client_secret: app.client_secret }) });
    const pending = await rawPoll();
    expect(pending.status).toBe(400);
    expect(pending.headers.get('retry-after')).toBeNull();
    const tooFast = await rawPoll();
    expect(tooFast.status).toBe(429);
    expect(((await tooFast.json()) as Json).error).toBe('slow_down');
    expect(tooFast.headers.get('retry-after')).toBe('10');
    advance(3);
    const again = await rawPoll();
    expect(again.headers.get('retry-after')).toBe('15');
    advance(15);
    expect((await rawPoll()).status).toBe(400);
  });

  it('an SSO session of the hinted user is reused; a rejection is access_denied at the next poll', async () => {
    const first = await start();
    const browser = new FormBrowser({ caFetch: server.fetch });
    await answer(browser, locationOf(await followAndLogIn(browser, (await emailedLink()).link, 'ada'), base), 'accept');
    const second = await start({ binding_message: 'TX-43' });
    const consentUrl = locationOf(await browser.get((await emailedLink()).link), base);
    expect(consentUrl.pathname).toBe('/u/consent');
    const rejected = await answer(browser, consentUrl, 'deny');
    expect(rejected.page).toContain('TX-43');
    expect(rejected.html).toContain('rejected');
    const denied = await poll(second.auth_req_id);
    expect(denied.status).toBe(400);
    expect(denied.body.error).toBe('access_denied');
    expect((await poll(first.auth_req_id)).status).toBe(200);
    expect(await refusalLogs('rejected')).toContainEqual(expect.objectContaining({ user_id: users.ada, client_id: app.client_id }));
  });

  it('another user cannot approve: a login as someone else is refused, starts no session, and leaves the request pending', async () => {
    const started = await start();
    const { link } = await emailedLink();
    const browser = new FormBrowser({ caFetch: server.fetch });
    const refused = await followAndLogIn(browser, link, 'bob');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('another user');
    // Bob is not logged in by it, and following the link again asks for a login, never Bob's approval.
    const again = locationOf(await browser.get(link), base);
    expect(again.pathname).toBe('/u/login');
    expect((await poll(started.auth_req_id)).body.error).toBe('authorization_pending');
    const logged = await refusalLogs('wrong_user');
    expect(logged).toContainEqual(expect.objectContaining({ user_id: users.bob, client_id: app.client_id }));
    expect(logged.find((log) => log.user_id === users.bob)!.details.hinted_user_id).toBe(users.ada);
  });

  it('a forged or truncated link opens nothing', async () => {
    await start();
    const { link } = await emailedLink();
    const url = new URL(link);
    const browser = new FormBrowser({ caFetch: server.fetch });
    url.searchParams.set('ticket', `${url.searchParams.get('ticket')!.slice(0, -2)}AA`);
    expect((await browser.get(url.toString())).status).toBe(400);
    url.searchParams.delete('ticket');
    expect((await browser.get(url.toString())).status).toBe(400);
    expect((await browser.get(`${base}/ciba/approve?id=${'x'.repeat(5000)}&ticket=y`)).status).toBe(400);
  });

  it('expires after requested_expiry: expired_token, and the link opens nothing', async () => {
    const started = await start({ requested_expiry: '301' });
    const { link } = await emailedLink();
    advance(302);
    const expired = await poll(started.auth_req_id);
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe('expired_token');
    expect((await new FormBrowser({ caFetch: server.fetch }).get(link)).status).toBe(400);
  });

  it('an auth_req_id is bound to its application: another one gets invalid_grant, and the request stays pending for its own', async () => {
    const started = await start();
    const other = await createApp({ name: 'Other agent' });
    const stolen = await poll(started.auth_req_id, other);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await poll(started.auth_req_id)).body.error).toBe('authorization_pending');
    expect((await poll('x'.repeat(5000))).body.error).toBe('invalid_grant');
  });

  it('two concurrent polls after approval give one set of tokens', async () => {
    const started = await start();
    const browser = new FormBrowser({ caFetch: server.fetch });
    await answer(browser, locationOf(await followAndLogIn(browser, (await emailedLink()).link, 'ada'), base), 'accept');
    const answers = await Promise.all([poll(started.auth_req_id), poll(started.auth_req_id)]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error)).toEqual([expect.stringMatching(/^(slow_down|invalid_grant)$/)]);
  });
});
