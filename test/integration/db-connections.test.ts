/**
 * `POST /dbconnections/signup` and `POST /dbconnections/change_password` over real TLS, with the
 * official node SDK (v4 AuthenticationClient `database.signUp` / `changePassword`) and raw JSON,
 * form and CORS calls as auth0-js and Lock make them: success and the user visible through the
 * Management API, Auth0's signup error format (password policy, existing user under both flag
 * states, disabled signup, bad connections, bad input never 500), the reset email whose link resets
 * the password, the same answer for unknown addresses, and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationClient } from 'auth0-v4';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser, inputValue } from '../support/form-browser.js';
import { eventually } from '../support/eventually.js';

const ORIGIN = 'https://spa.example.com';
const DB = 'Username-Password-Authentication';
const PASSWORD = 'Xk9#mTq2!vLp';
const NEW_PASSWORD = 'Nw7$rTz4!qPm';

let tls: TlsTestServer;
let token: string;
let base: string;
let spa: { client_id: string };

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  token = await tls.tokenFor('dev');
  base = `https://${tls.hostOf('dev')}`;
  spa = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'SPA', app_type: 'spa', callbacks: [`${ORIGIN}/callback`], web_origins: [ORIGIN] })).body;
});
afterAll(async () => tls?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}, host = base) =>
  tls.caFetch(`${host}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const signup = (body: Record<string, unknown>) => post('/dbconnections/signup', { client_id: spa.client_id, connection: DB, ...body });

async function logs(type: string, predicate: (entry: any) => boolean): Promise<any[]> {
  return eventually(
    async () => ((await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(`type:${type}`)}`)).body as any[]).filter(predicate),
    (entries) => entries.length >= 1,
  );
}

async function outbox(to: string, expected = 1): Promise<any[]> {
  return eventually(
    async () => (await tls.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`)).body as any[],
    (messages) => messages.length >= expected,
    5_000,
  );
}

describe('POST /dbconnections/signup', () => {
  it('creates the user (v4 SDK), answers {_id, email_verified, email, ...}, logs ss, and the user can log in', async () => {
    const auth = new AuthenticationClient({ domain: tls.hostOf('dev'), clientId: spa.client_id, fetch: tls.caFetch });
    const { data } = await auth.database.signUp({ connection: DB, email: 'Grace@Example.com', password: PASSWORD, given_name: 'Grace', family_name: 'Hopper', user_metadata: { plan: 'pro' } });
    expect(data).toMatchObject({ email: 'grace@example.com', email_verified: false, given_name: 'Grace', family_name: 'Hopper', user_metadata: { plan: 'pro' } });
    expect(data.id).toMatch(/^[0-9a-f]{24}$/);

    const users = await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=grace@example.com');
    expect(users.body).toHaveLength(1);
    expect(users.body[0]).toMatchObject({ user_id: `auth0|${data.id}`, given_name: 'Grace', user_metadata: { plan: 'pro' }, identities: [expect.objectContaining({ connection: DB })] });
    expect(await logs('ss', (e) => e.user_id === `auth0|${data.id}`)).toHaveLength(1);
  });

  it('accepts a form body with user_metadata[name] fields', async () => {
    const res = await tls.caFetch(`${base}/dbconnections/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: spa.client_id, connection: DB, email: 'form@example.com', password: PASSWORD, 'user_metadata[color]': 'blue' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: 'form@example.com', user_metadata: { color: 'blue' } });
  });

  it("refuses a weak password with Auth0's invalid_password, the failed rules and the policy text", async () => {
    const res = await signup({ email: 'weak@example.com', password: 'password' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ name: 'PasswordStrengthError', code: 'invalid_password', message: 'Password is too weak', statusCode: 400 });
    expect(body.description.verified).toBe(false);
    expect(body.description.rules).toContainEqual(expect.objectContaining({ code: 'lengthAtLeast', format: [8], verified: true }));
    expect(body.description.rules).toContainEqual(expect.objectContaining({ code: 'containsAtLeast', verified: false }));
    expect(body.policy).toContain('* At least 8 characters in length');
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=weak@example.com')).body).toEqual([]);
    expect(await logs('fs', (e) => e.details?.email === 'weak@example.com')).not.toHaveLength(0);
  });

  it('names an existing user only with enable_public_signup_user_exists_error', async () => {
    expect((await signup({ email: 'twice@example.com', password: PASSWORD })).status).toBe(200);
    await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { enable_public_signup_user_exists_error: true } });
    const named = await eventually(async () => (await signup({ email: 'twice@example.com', password: PASSWORD })).json() as Promise<any>, (b) => b.code === 'user_exists');
    expect(named).toEqual({ name: 'BadRequestError', code: 'user_exists', description: 'The user already exists.', statusCode: 400 });

    await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { enable_public_signup_user_exists_error: false } });
    try {
      const generic = await eventually(async () => (await signup({ email: 'twice@example.com', password: PASSWORD })).json() as Promise<any>, (b) => b.code === 'invalid_signup');
      expect(generic).toEqual({ name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 });
    } finally {
      await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { enable_public_signup_user_exists_error: true } });
    }
  });

  it('is refused with disable_signup, and for unknown, non-database or disabled connections', async () => {
    const other = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Other', app_type: 'spa' })).body;
    const created = await tls.api('dev', token, 'POST', '/api/v2/connections', { name: 'Invite-Only', strategy: 'auth0', enabled_clients: [spa.client_id], options: { disable_signup: true } });
    expect(created.status).toBe(201);
    const closed = await signup({ connection: 'Invite-Only', email: 'new@example.com', password: PASSWORD });
    expect(closed.status).toBe(400);
    expect(await closed.json()).toMatchObject({ code: 'operation_not_allowed', description: 'Public signup is disabled' });
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=new@example.com')).body).toEqual([]);

    expect(await (await signup({ connection: 'Nope', email: 'new@example.com', password: PASSWORD })).json()).toMatchObject({ code: 'bad.connection', description: 'Connection does not exist', statusCode: 400 });
    const notEnabled = await post('/dbconnections/signup', { client_id: other.client_id, connection: 'Invite-Only', email: 'new@example.com', password: PASSWORD });
    expect(await notEnabled.json()).toMatchObject({ code: 'bad.connection', description: 'Connection is disabled' });
  });

  it('answers bad input with a 4xx in the signup format, never a 500', async () => {
    const cases: unknown[] = [
      {},
      { client_id: spa.client_id },
      { client_id: 'no-such-client', connection: DB, email: 'x@example.com', password: PASSWORD },
      { client_id: spa.client_id, connection: DB, password: PASSWORD },
      { client_id: spa.client_id, connection: DB, email: 'x@example.com' },
      { client_id: spa.client_id, connection: DB, email: 'not-an-email', password: PASSWORD },
      { client_id: spa.client_id, connection: DB, email: 42, password: PASSWORD },
      { client_id: spa.client_id, connection: DB, email: 'x@example.com', password: PASSWORD, user_metadata: 'flat' },
      { client_id: spa.client_id, connection: DB, email: 'x@example.com', password: PASSWORD, user_metadata: { nested: { a: 1 } } },
      { client_id: spa.client_id, connection: DB, email: 'x@example.com', password: PASSWORD, user_metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) },
      [],
      'text',
    ];
    for (const body of cases) {
      const res = await post('/dbconnections/signup', body);
      expect([400, 401], JSON.stringify(body)).toContain(res.status);
      const json = (await res.json()) as any;
      expect(typeof json.code === 'string' || typeof json.error === 'string', JSON.stringify(json)).toBe(true);
    }
    const broken = await tls.caFetch(`${base}/dbconnections/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(broken.status).toBe(400);
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=x@example.com')).body).toEqual([]);
  });

  it("refuses another tenant's client_id", async () => {
    const res = await post('/dbconnections/signup', { client_id: spa.client_id, connection: DB, email: 'intruder@example.com', password: PASSWORD }, {}, `https://${tls.hostOf('acme')}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'invalid_client' });
    const acmeToken = await tls.tokenFor('acme');
    expect((await tls.api('acme', acmeToken, 'GET', '/api/v2/users-by-email?email=intruder@example.com')).body).toEqual([]);
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=intruder@example.com')).body).toEqual([]);
  });
});

describe('POST /dbconnections/change_password', () => {
  it('emails a link to the hosted reset page that sets a new password, and answers the same for unknown addresses', async () => {
    expect((await signup({ email: 'reset@example.com', password: PASSWORD })).status).toBe(200);
    const auth = new AuthenticationClient({ domain: tls.hostOf('dev'), clientId: spa.client_id, fetch: tls.caFetch });
    const answer = await auth.database.changePassword({ connection: DB, email: 'Reset@Example.com' });
    expect(answer.data).toBe("We've just sent you an email to reset your password.");

    const unknown = await post('/dbconnections/change_password', { client_id: spa.client_id, connection: DB, email: 'nobody@example.com' });
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe("We've just sent you an email to reset your password.");

    // The sign-up's verification email, then the reset email.
    const message = (await outbox('reset@example.com', 2)).find((m) => m.text.includes('/u/reset-password?ticket='));
    const link = /https:\/\/\S+\/u\/reset-password\?ticket=\S+/.exec(message.text)![0];
    expect(link.startsWith(`${base}/u/reset-password?ticket=`)).toBe(true);
    const browser = new FormBrowser(tls);
    const html = await (await browser.get(link)).text();
    const done = await browser.post(`${base}/u/reset-password`, { ticket: inputValue(html, 'ticket'), _csrf: inputValue(html, '_csrf'), password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your password has been changed.');
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=nobody@example.com')).body).toEqual([]);
    expect(await logs('fcpr', (e) => e.details?.email === 'nobody@example.com')).toHaveLength(1);
  });

  it('answers bad input with 400 and another tenant\'s client_id with 401', async () => {
    expect((await post('/dbconnections/change_password', { client_id: spa.client_id, connection: DB })).status).toBe(400);
    expect((await post('/dbconnections/change_password', { client_id: spa.client_id, connection: 'Nope', email: 'reset@example.com' })).status).toBe(400);
    expect((await post('/dbconnections/change_password', { connection: DB, email: 'reset@example.com' })).status).toBe(400);
    expect((await post('/dbconnections/change_password', { client_id: spa.client_id, connection: DB, email: ['a'] })).status).toBe(400);
    const foreign = await post('/dbconnections/change_password', { client_id: spa.client_id, connection: DB, email: 'reset@example.com' }, {}, `https://${tls.hostOf('acme')}`);
    expect(foreign.status).toBe(401);
  });
});

describe('CORS', () => {
  it('answers preflights from application origins and decorates the responses; others get 403', async () => {
    for (const path of ['/dbconnections/signup', '/dbconnections/change_password']) {
      const preflight = await tls.caFetch(`${base}${path}`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,auth0-client' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const denied = await tls.caFetch(`${base}${path}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
      expect(denied.status).toBe(403);
    }
    const res = await post('/dbconnections/change_password', { client_id: spa.client_id, connection: DB, email: 'cors@example.com' }, { origin: ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});
