/**
 * Passwordless over real TLS: `POST /passwordless/start` (email and SMS, codes and magic links),
 * the `passwordless/otp` grant, the hosted code page, and the dev outbox. Through the v4 SDK's
 * AuthenticationClient (`passwordless.sendEmail/sendSMS/loginWithEmail/loginWithSMS`; the v7
 * package has no Authentication API client) and raw HTTP; the v7 ManagementClient toggles tenant
 * flags and searches the logs. Covers Auth0's client authentication rules for confidential apps
 * (deprecation notice or rejection, client_secret, the hosted page's forwarded state, public apps),
 * `auth0-forwarded-for`, one-time and attempt-limited codes, templates, disable_signup, and tenant
 * isolation. A code's lifetime (`options.totp`, with its templates) runs on the in-process tier's
 * clock: test/in-process/expiry.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationClient } from 'auth0-v4';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';
import { FormBrowser, inputValue, locationOf } from '../support/form-browser.js';
import { eventually } from '../support/eventually.js';

const OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';
const CALLBACK = 'https://app.example.com/callback';
const DB = 'Username-Password-Authentication';

type Json = Record<string, any>;
interface App {
  client_id: string;
  client_secret?: string;
  name: string;
}

let tls: TlsTestServer;
let token: string;
let acmeToken: string;
let base: string;
/** Regular web app (confidential), SPA (public), and a web app with no database connection. */
let web: App;
let spa: App;
let codeOnly: App;

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  token = await tls.tokenFor('dev');
  acmeToken = await tls.tokenFor('acme');
  base = `https://${tls.hostOf('dev')}`;
  web = await createApp({ name: 'Web', app_type: 'regular_web', jwt_configuration: { alg: 'HS256' } });
  spa = await createApp({ name: 'Spa', app_type: 'spa', token_endpoint_auth_method: 'none', web_origins: ['https://app.example.com'] });
  codeOnly = await createApp({ name: 'Codes', app_type: 'regular_web' });
  const both = [web.client_id, spa.client_id, codeOnly.client_id];
  await createConnection({ name: 'email', strategy: 'email', enabled_clients: both });
  await createConnection({ name: 'sms', strategy: 'sms', enabled_clients: both, options: { template: 'Your {{ application.name }} code is @@password@@' } });
  await createConnection({ name: 'email-closed', strategy: 'email', enabled_clients: [web.client_id], options: { disable_signup: true } });
  await createConnection({ name: 'email-off', strategy: 'email', enabled_clients: [] });
  // The code-only app loses the database connection it was given at creation.
  const db = (await tls.api('dev', token, 'GET', `/api/v2/connections?name=${DB}`)).body[0];
  expect((await tls.api('dev', token, 'PATCH', `/api/v2/connections/${db.id}/clients`, [{ client_id: codeOnly.client_id, status: false }])).status).toBe(204);
});
afterAll(async () => tls?.close());

async function createApp(body: Json, tenant = 'dev', mgmt = token): Promise<App> {
  const res = await tls.api(tenant, mgmt, 'POST', '/api/v2/clients', { callbacks: [CALLBACK], grant_types: ['authorization_code', 'refresh_token', OTP_GRANT], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function createConnection(body: Json, tenant = 'dev', mgmt = token): Promise<Json> {
  const res = await tls.api(tenant, mgmt, 'POST', '/api/v2/connections', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function start(body: Json, options: { tenant?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Json }> {
  const res = await tls.caFetch(`https://${tls.hostOf(options.tenant ?? 'dev')}/passwordless/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function tokenRequest(form: Record<string, string>, tenant = 'dev'): Promise<{ status: number; body: Json }> {
  const res = await tls.caFetch(`https://${tls.hostOf(tenant)}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Json };
}

const otpLogin = (app: App, realm: string, username: string, otp: string, extra: Record<string, string> = {}, tenant = 'dev') =>
  tokenRequest({ grant_type: OTP_GRANT, client_id: app.client_id, ...(app.client_secret ? { client_secret: app.client_secret } : {}), realm, username, otp, scope: 'openid email', ...extra }, tenant);

/** The messages to `to` in the tenant's outbox, newest first, once `expected` have arrived. */
async function outbox(to: string, expected = 1, tenant = 'dev', mgmt = token, query = ''): Promise<Json[]> {
  return eventually(
    async () => (await tls.api(tenant, mgmt, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}${query}`)).body as Json[],
    (messages) => messages.length >= expected,
    5_000,
  );
}

const codeIn = (message: Json, length = 6): string => new RegExp(`\\b(\\d{${length}})\\b`).exec(message.text)![1]!;
const claimsOf = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
const sdk = (app: App, tenant = 'dev') => new AuthenticationClient({ domain: tls.hostOf(tenant), clientId: app.client_id, clientSecret: app.client_secret!, idTokenSigningAlg: 'HS256', fetch: tls.caFetch });

async function logs(q: string, accept: (entries: Json[]) => boolean = (e) => e.length > 0): Promise<Json[]> {
  return eventually(async () => (await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(q)}`)).body as Json[], accept);
}

async function setEnforcement(on: boolean): Promise<void> {
  await tls.v7('dev').tenants.settings.update({ flags: { enforce_client_authentication_on_passwordless_start: on } });
}

describe('email codes', () => {
  it('sends a code through the v4 SDK, delivers it to the outbox with the default template, and logs in with it', async () => {
    const auth = sdk(web);
    const sent = await auth.passwordless.sendEmail({ email: 'Ada@Example.com', send: 'code' });
    expect(sent.status).toBe(200);
    const [message] = await outbox('ada@example.com');
    // The default sender template means the server's own sender: no connection From.
    expect(message).toMatchObject({ channel: 'email', to: 'ada@example.com', from: '', subject: 'Welcome to Web' });
    expect(message!.html).toMatch(/Your verification code is: <strong>\d{6}<\/strong>/);
    expect(message!.text).toContain('It expires in 3 minutes.');

    const { data } = await auth.passwordless.loginWithEmail({ email: 'ada@example.com', code: codeIn(message!), scope: 'openid email' });
    const claims = claimsOf(data.id_token!);
    expect(claims).toMatchObject({ email: 'ada@example.com', email_verified: true, aud: web.client_id });
    expect(claims.sub).toMatch(/^email\|[0-9a-f]{24}$/);
    const users = await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=ada@example.com');
    expect(users.body).toEqual([expect.objectContaining({ user_id: claims.sub, email_verified: true, logins_count: 1, identities: [expect.objectContaining({ connection: 'email', provider: 'email' })] })]);

    const [cls] = await logs(`type:cls AND client_id:${web.client_id}`);
    expect(cls).toMatchObject({ type: 'cls', client_id: web.client_id, details: expect.objectContaining({ connection: 'email', send: 'code' }) });
    expect((await logs(`type:s AND user_id:"${claims.sub}"`))[0]).toMatchObject({ client_id: web.client_id });
  });

  it("answers Auth0's shape, {_id, email, email_verified}, and the existing user's verification state", async () => {
    const res = await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'ada@example.com', send: 'code' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), email: 'ada@example.com', email_verified: true });
    const fresh = await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'new@example.com', send: 'code' });
    expect(fresh.body).toMatchObject({ email: 'new@example.com', email_verified: false });
  });

  it('makes codes one-time, and a new code replaces the previous one', async () => {
    const send = () => start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'once@example.com', send: 'code' });
    await send();
    const first = codeIn((await outbox('once@example.com', 1))[0]!);
    await send();
    const second = codeIn((await outbox('once@example.com', 2))[0]!);
    const wrong = { status: 403, body: { error: 'invalid_grant', error_description: 'Wrong email or verification code.' } };
    if (first !== second) expect(await otpLogin(web, 'email', 'once@example.com', first)).toEqual(wrong);
    expect((await otpLogin(web, 'email', 'once@example.com', second)).status).toBe(200);
    expect(await otpLogin(web, 'email', 'once@example.com', second)).toEqual(wrong);
  });

  it('kills a code after three wrong guesses, even for the right code', async () => {
    await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'guess@example.com', send: 'code' });
    const code = codeIn((await outbox('guess@example.com'))[0]!);
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) {
      expect(await otpLogin(web, 'email', 'guess@example.com', wrongCode)).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Wrong email or verification code.' } });
    }
    expect(await otpLogin(web, 'email', 'guess@example.com', code)).toEqual({
      status: 403,
      body: { error: 'invalid_grant', error_description: "You've reached the maximum number of attempts. Please try to login again." },
    });
    const failures = await logs(`type:fepotpft AND client_id:${web.client_id}`, (e) => e.length >= 4);
    expect(failures.length).toBeGreaterThanOrEqual(4);
  });

  it('binds a code to the application it was sent for: another application presenting it makes a wrong guess', async () => {
    const wrong = { status: 403, body: { error: 'invalid_grant', error_description: 'Wrong email or verification code.' } };
    await start({ client_id: spa.client_id, connection: 'email', email: 'bound@example.com', send: 'code' });
    const code = codeIn((await outbox('bound@example.com'))[0]!);
    expect(await otpLogin(web, 'email', 'bound@example.com', code)).toEqual(wrong);
    // One wrong guess of three: the application it was sent for still logs in with it (a public
    // client, so without the client_secret Auth0 shows SPAs too).
    const spaPublic = { client_id: spa.client_id, name: spa.name };
    const login = await otpLogin(spaPublic, 'email', 'bound@example.com', code);
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(claimsOf(login.body.id_token).aud).toBe(spa.client_id);

    // Each presentation by another application counts against the code like any wrong guess.
    await start({ client_id: spa.client_id, connection: 'email', email: 'bound@example.com', send: 'code' });
    const second = codeIn((await outbox('bound@example.com', 2))[0]!);
    for (const other of [web, codeOnly, web]) expect(await otpLogin(other, 'email', 'bound@example.com', second)).toEqual(wrong);
    expect(await otpLogin(spaPublic, 'email', 'bound@example.com', second)).toEqual({
      status: 403,
      body: { error: 'invalid_grant', error_description: "You've reached the maximum number of attempts. Please try to login again." },
    });
  });

  it('refuses a code for a blocked user', async () => {
    const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'email', email: 'blocked@example.com', blocked: true });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'blocked@example.com', send: 'code' });
    const code = codeIn((await outbox('blocked@example.com'))[0]!);
    expect(await otpLogin(web, 'email', 'blocked@example.com', code)).toEqual({ status: 401, body: { error: 'unauthorized', error_description: 'user is blocked' } });
  });
});

describe('the email template and sender (options.email)', () => {
  const DEFAULT_FROM = '{{ application.name }} <no-reply@{{ tenant.domain }}>';

  it('sends from the connection’s from (Liquid in the name) with its subject and body ({% elsif %}, {{ password }})', async () => {
    const email = {
      from: '"{{ application.name }} Login" <login@acme.example>',
      subject: 'Code for {{ application.name }}',
      syntax: 'liquid',
      body: "{% if send == 'link' %}<p>{{ link }}</p>{% elsif send == 'code' %}<p>Code {{ password }} for {{ email }}</p>{% endif %}",
    };
    const connection = await createConnection({ name: 'email-sender', strategy: 'email', enabled_clients: [web.client_id], options: { email } });
    expect(connection.options.email).toEqual(email);
    expect((await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email-sender', email: 'sender@example.com', send: 'code' })).status).toBe(200);
    const [message] = await outbox('sender@example.com');
    expect(message).toMatchObject({ from: '"Web Login" <login@acme.example>', subject: 'Code for Web' });
    expect(message!.html).toMatch(/^<p>Code \d{6} for sender@example\.com<\/p>$/);
  });

  it('refuses a from, syntax or template it cannot honour with a 400 naming the field, and accepts the default from', async () => {
    const connection = await createConnection({ name: 'email-refusals', strategy: 'email', enabled_clients: [web.client_id], options: { email: { from: 'Login <login@acme.example>' } } });
    const patch = (email: Json) => tls.api('dev', token, 'PATCH', `/api/v2/connections/${connection.id}`, { options: { email } });
    for (const from of ['no-reply@{{ tenant.domain }}', 'Login <{{ application.name }}@acme.example>', 'not an address', 'Login <login@acme.example>\r\nBcc: victim@example.com', 'Login <login@acme.example']) {
      const res = await patch({ from });
      expect(res.status, from).toBe(400);
      expect(res.body.message, from).toMatch(/options\.email\.from/);
    }
    const syntax = await patch({ syntax: 'handlebars' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.message).toMatch(/syntax/);
    // Liquid the renderer does not implement would reach users as raw text: refused, naming the field.
    for (const [email, field] of [
      [{ body: '<p>{{ code | upcase }}</p>' }, 'options.email.body'],
      [{ body: '{% for i in (1..2) %}{{ code }}{% endfor %}' }, 'options.email.body'],
      [{ subject: "{% if send == 'code' and email %}Code{% endif %}" }, 'options.email.subject'],
    ] as const) {
      const res = await patch(email);
      expect(res.status, JSON.stringify(email)).toBe(400);
      expect(res.body.message).toContain(`${field} uses Liquid this server does not render`);
    }
    expect((await tls.api('dev', token, 'GET', `/api/v2/connections/${connection.id}`)).body.options.email.from).toBe('Login <login@acme.example>');

    // Auth0's default (what the SDKs and the Deploy CLI send back) is accepted, and means the server's own sender.
    const reset = await patch({ from: DEFAULT_FROM, syntax: 'liquid' });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(reset.body.options.email.from).toBe(DEFAULT_FROM);
    expect((await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email-refusals', email: 'default-sender@example.com', send: 'code' })).status).toBe(200);
    expect((await outbox('default-sender@example.com'))[0]).toMatchObject({ from: '', subject: 'Welcome to Web' });
  });
});

describe('SMS codes', () => {
  it('sends through the v4 SDK with the connection template, lists it in the outbox by phone number, and logs in', async () => {
    const auth = sdk(web);
    expect((await auth.passwordless.sendSMS({ phone_number: '+1 415-555-0100' })).status).toBe(200);
    const [message] = await outbox('+1 (415) 555-0100', 1, 'dev', token, '&channel=sms');
    expect(message).toMatchObject({ channel: 'sms', to: '+14155550100', subject: '', html: '' });
    expect(message!.text).toMatch(/^Your Web code is \d{6}$/);
    // Email-only listing leaves text messages out.
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=%2B14155550100&channel=email')).body).toEqual([]);

    const { data } = await auth.passwordless.loginWithSMS({ phone_number: '+14155550100', code: codeIn(message!), scope: 'openid phone' });
    const claims = claimsOf(data.id_token!);
    expect(claims.sub).toMatch(/^sms\|/);
    const user = await tls.api('dev', token, 'GET', `/api/v2/users/${encodeURIComponent(claims.sub)}`);
    expect(user.body).toMatchObject({ phone_number: '+14155550100', phone_verified: true, identities: [expect.objectContaining({ connection: 'sms' })] });
    expect((await logs(`type:cs AND client_id:${web.client_id}`))[0]).toMatchObject({ type: 'cs', description: 'Passwordless login code has been sent' });
  });

  it("answers Auth0's SMS shape and wording", async () => {
    const res = await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'sms', phone_number: '+442071838750' }, { headers: { 'accept-language': 'fr-FR,fr;q=0.8' } });
    expect(res).toEqual({ status: 200, body: { _id: expect.stringMatching(/^[0-9a-f]{24}$/), phone_number: '+442071838750', phone_verified: false, request_language: 'fr-FR' } });
    expect(await otpLogin(web, 'sms', '+442071838750', '000000')).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Wrong phone number or verification code.' } });
  });
});

describe('client authentication on /passwordless/start', () => {
  const depnotes = async (clientId: string) => (await tls.v7('dev').logs.list({ search: `type:depnote AND description:*passwordless* AND client_id:${clientId}` })).data;

  it('leaves public applications (SPA) unaffected: no secret, no deprecation notice, and the SPA logs in with client_id only', async () => {
    const res = await start({ client_id: spa.client_id, connection: 'email', email: 'spa@example.com', send: 'code' }, { headers: { origin: 'https://app.example.com' } });
    expect(res.status).toBe(200);
    const code = codeIn((await outbox('spa@example.com'))[0]!);
    // Auth0 shows SPAs a client_secret too; a public client must not present it.
    const login = await otpLogin({ client_id: spa.client_id, name: spa.name }, 'email', 'spa@example.com', code);
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(login.body.id_token).toBeTruthy();
    await logs(`type:cls AND client_id:${spa.client_id}`);
    expect(await depnotes(spa.client_id)).toEqual([]);
  });

  it('lets an unauthenticated confidential app through while enforcement is off, with a searchable deprecation notice', async () => {
    const res = await start({ client_id: codeOnly.client_id, connection: 'email', email: 'legacy@example.com', send: 'code' });
    expect(res.status).toBe(200);
    const found = await eventually(() => depnotes(codeOnly.client_id), (entries) => entries.length > 0);
    expect(found[0]).toMatchObject({ type: 'depnote', description: 'Enforce client authentication for passwordless connections', client_id: codeOnly.client_id, client_name: 'Codes' });
    // A call with the client secret leaves no notice.
    expect((await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'legacy@example.com', send: 'code' })).status).toBe(200);
    await logs(`type:cls AND client_id:${web.client_id}`);
    expect(await depnotes(web.client_id)).toEqual([]);
  });

  it('rejects unauthenticated confidential apps once the tenant enforces it; a secret or the login page state still works', async () => {
    await setEnforcement(true);
    try {
      const denied = await eventually(() => start({ client_id: web.client_id, connection: 'email', email: 'enforced@example.com', send: 'code' }), (r) => r.status === 401);
      expect(denied.body).toMatchObject({ error: 'unauthorized_client', error_description: expect.stringContaining('Client authentication is required') });
      expect((await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'enforced@example.com', send: 'code' })).status).toBe(200);
      expect(await start({ client_id: web.client_id, client_secret: 'not-the-secret', connection: 'email', email: 'enforced@example.com', send: 'code' })).toEqual({
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
      });
      // The hosted login page forwards its transaction's state instead of a secret.
      const browser = new FormBrowser(tls);
      const login = locationOf(await browser.get(`${base}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' })}`), base);
      const state = login.searchParams.get('state')!;
      expect((await start({ client_id: web.client_id, connection: 'email', email: 'enforced@example.com', send: 'code', authParams: { state } })).status).toBe(200);
      // ... but only its own: another application's transaction does not vouch for it.
      expect((await start({ client_id: codeOnly.client_id, connection: 'email', email: 'enforced@example.com', send: 'code', authParams: { state } })).status).toBe(401);
      // Public apps are still unaffected.
      expect((await start({ client_id: spa.client_id, connection: 'email', email: 'enforced@example.com', send: 'code' })).status).toBe(200);
    } finally {
      await setEnforcement(false);
    }
  });

  it('believes auth0-forwarded-for only from authenticated calls', async () => {
    const forwarded = { 'auth0-forwarded-for': '203.0.113.7' };
    expect((await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'ip@example.com', send: 'code' }, { headers: forwarded })).status).toBe(200);
    const [authenticated] = await logs(`type:cls AND user_name:"ip@example.com" AND client_id:${web.client_id}`);
    expect(authenticated!.ip).toBe('203.0.113.7');
    expect((await start({ client_id: spa.client_id, connection: 'email', email: 'ip2@example.com', send: 'code' }, { headers: { 'auth0-forwarded-for': '198.51.100.9' } })).status).toBe(200);
    const [anonymous] = await logs(`type:cls AND user_name:"ip2@example.com"`);
    expect(anonymous!.ip).not.toBe('198.51.100.9');
    expect(anonymous!.ip).toMatch(/127\.0\.0\.1/);
  });

  it('refuses client assertions (not supported) and unknown clients like the token endpoint', async () => {
    expect((await start({ client_id: web.client_id, client_assertion: 'x.y.z', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', connection: 'email', email: 'a@example.com' })).status).toBe(401);
    expect(await start({ client_id: 'nope', connection: 'email', email: 'a@example.com' })).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } });
  });
});

describe("Auth0's errors", () => {
  const call = (body: Json) => start({ client_id: web.client_id, client_secret: web.client_secret, send: 'code', ...body });
  const error = (code: string, description: string) => ({ status: 400, body: { error: code, error_description: description } });

  it('names the bad connection, address or number, send value, authParams and properties', async () => {
    expect(await start({ connection: 'email', email: 'a@example.com' })).toEqual(error('bad.client_id', 'Missing required property: client_id'));
    expect(await call({ email: 'a@example.com' })).toEqual(error('bad.connection', 'Missing required property: connection'));
    expect(await call({ connection: 'nope', email: 'a@example.com' })).toEqual(error('bad.connection', 'Connection does not exist'));
    expect(await call({ connection: 'email-off', email: 'a@example.com' })).toEqual(error('bad.connection', 'Connection is disabled'));
    expect((await call({ connection: DB, email: 'a@example.com' })).body.error).toBe('bad.connection');
    expect(await call({ connection: 'email' })).toEqual(error('bad.email', 'Missing required property: email'));
    expect(await call({ connection: 'email', email: 'not-an-email' })).toEqual(error('bad.email', 'error in email - email format validation failed: not-an-email'));
    expect(await call({ connection: 'sms', email: 'a@example.com' })).toEqual(error('bad.phone_number', 'Missing required property: phone_number'));
    expect(await call({ connection: 'sms', phone_number: '0415 555 0100' })).toEqual(error('bad.phone_number', 'String does not match pattern: ^\\+[0-9]{1,15}$'));
    expect((await call({ connection: 'email', email: 'a@example.com', send: 'carrier-pigeon' })).body.error).toBe('bad.send');
    expect((await call({ connection: 'email', email: 'a@example.com', authParams: 'scope=openid' })).body).toEqual({ error: 'bad.authParams', error_description: 'error in authParams - invalid type: string (expected object)' });
    expect(await call({ connection: 'email', email: 'a@example.com', colour: 'blue' })).toEqual(error('bad.request', 'the following properties are not allowed: colour'));
    const malformed = await tls.caFetch(`${base}/passwordless/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_id":' });
    expect(malformed.status).toBe(400);
  });

  it("accepts auth0.js's optional captcha field and ignores it (Tessera presents no captcha)", async () => {
    const res = await start({ client_id: spa.client_id, connection: 'email', email: 'captcha@example.com', send: 'code', captcha: 'answer-from-a-widget' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await outbox('captcha@example.com')).toHaveLength(1);
  });

  it('accepts form bodies with authParams[...] fields', async () => {
    const res = await tls.caFetch(`${base}/passwordless/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: web.client_id, client_secret: web.client_secret!, connection: 'email', email: 'form@example.com', send: 'link', 'authParams[scope]': 'openid', 'authParams[state]': 'from-form' }),
    });
    expect(res.status).toBe(200);
    const [message] = await outbox('form@example.com');
    expect(message!.text).toMatch(/state=from-form/);
  });

  it('refuses the grant to apps without it, third-party apps, and for unknown or disabled realms', async () => {
    const noGrant = await createApp({ name: 'No OTP', app_type: 'regular_web', grant_types: ['authorization_code'] });
    expect((await otpLogin(noGrant, 'email', 'ada@example.com', '123456')).body).toMatchObject({ error: 'unauthorized_client' });
    expect(await otpLogin(web, 'nope', 'ada@example.com', '123456')).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'the connection was not found' } });
    expect(await otpLogin(web, 'email-off', 'ada@example.com', '123456')).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'the connection was disabled' } });
    expect(await otpLogin(web, DB, 'ada@example.com', '123456')).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'the connection was not found' } });
    expect(await tokenRequest({ grant_type: OTP_GRANT, client_id: web.client_id, client_secret: web.client_secret!, realm: 'email', username: 'ada@example.com' })).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'Missing required parameter: otp' },
    });
    // A confidential app must authenticate at the token endpoint.
    expect((await tokenRequest({ grant_type: OTP_GRANT, client_id: web.client_id, realm: 'email', username: 'ada@example.com', otp: '123456' })).status).toBe(401);
  });
});

describe('disable_signup', () => {
  it('sends no code to an unknown address, but lets existing users log in', async () => {
    const closed = await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email-closed', email: 'stranger@example.com', send: 'code' });
    expect(closed).toEqual({ status: 400, body: { error: 'operation_not_allowed', error_description: 'Public signup is disabled' } });
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=stranger@example.com')).body).toEqual([]);

    const member = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'email-closed', email: 'member@example.com' });
    expect(member.status).toBe(201);
    expect((await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email-closed', email: 'member@example.com', send: 'code' })).status).toBe(200);
    const login = await otpLogin(web, 'email-closed', 'member@example.com', codeIn((await outbox('member@example.com'))[0]!));
    expect(login.status).toBe(200);
    expect(claimsOf(login.body.id_token).sub).toBe(member.body.user_id);
  });
});

describe('magic links', () => {
  it('emails a /passwordless/verify_redirect link that starts the session and redirects with a code the token endpoint exchanges', async () => {
    const sent = await start({
      client_id: web.client_id,
      client_secret: web.client_secret,
      connection: 'email',
      email: 'magic@example.com',
      send: 'link',
      authParams: { redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', state: 'magic-state', nonce: 'n-1' },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const [message] = await outbox('magic@example.com');
    const link = new URL(/https:\/\/\S+\/passwordless\/verify_redirect\?[^\s)"]+/.exec(message!.text)![0]);
    expect(Object.fromEntries(link.searchParams)).toMatchObject({ client_id: web.client_id, connection: 'email', email: 'magic@example.com', redirect_uri: CALLBACK, state: 'magic-state', verification_code: expect.stringMatching(/^\d{6}$/) });
    expect(message!.html).toContain('href="https://');

    const browser = new FormBrowser(tls);
    const callback = locationOf(await browser.get(link.toString()), base);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('magic-state');
    const code = callback.searchParams.get('code')!;
    const exchanged = await tokenRequest({ grant_type: 'authorization_code', client_id: web.client_id, client_secret: web.client_secret!, code, redirect_uri: CALLBACK });
    expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
    expect(claimsOf(exchanged.body.id_token)).toMatchObject({ email: 'magic@example.com', email_verified: true, nonce: 'n-1' });

    // The SSO session it started answers prompt=none.
    const silent = locationOf(await browser.get(`${base}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', prompt: 'none' })}`), base);
    expect(silent.searchParams.get('code')).toBeTruthy();

    // The link works once.
    const again = locationOf(await new FormBrowser(tls).get(link.toString()), base);
    expect(again.searchParams.get('error')).toBe('access_denied');
    expect(again.searchParams.get('error_description')).toBe('Wrong email or verification code.');
  });

  it("refuses a link whose client_id was changed to another application's; the real link still works", async () => {
    await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'magic3@example.com', send: 'link', authParams: { scope: 'openid', state: 'bound' } });
    const link = new URL(/https:\/\/\S+\/passwordless\/verify_redirect\?[^\s)"]+/.exec((await outbox('magic3@example.com'))[0]!.text)![0]);
    const moved = new URL(link);
    moved.searchParams.set('client_id', codeOnly.client_id);
    const refused = locationOf(await new FormBrowser(tls).get(moved.toString()), base);
    expect(refused.searchParams.get('error')).toBe('access_denied');
    expect(refused.searchParams.get('error_description')).toBe('Wrong email or verification code.');
    const accepted = locationOf(await new FormBrowser(tls).get(link.toString()), base);
    expect(accepted.searchParams.get('code')).toBeTruthy();
    expect(accepted.searchParams.get('state')).toBe('bound');
  });

  it("continues the application's own request (state, nonce, PKCE) when the hosted login page asks for the link", async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = { client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', state: 'app-state', nonce: 'app-nonce', code_challenge: challenge, code_challenge_method: 'S256' };
    const login = locationOf(await new FormBrowser(tls).get(`${base}/authorize?${new URLSearchParams(authorize)}`), base);
    const transactionState = login.searchParams.get('state')!;
    // The page forwards its transaction's state (no secret), as auth0.js and Lock do on Universal Login.
    const sent = await start({ client_id: web.client_id, connection: 'email', email: 'magic-page@example.com', send: 'link', authParams: { state: transactionState, scope: 'openid' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const link = new URL(/https:\/\/\S+\/passwordless\/verify_redirect\?[^\s)"]+/.exec((await outbox('magic-page@example.com'))[0]!.text)![0]);
    expect(Object.fromEntries(link.searchParams)).toMatchObject({ state: 'app-state', nonce: 'app-nonce', code_challenge: challenge, scope: 'openid email' });

    // Opened anywhere (another device, say), it answers the application as its own /authorize would have.
    const callback = locationOf(await new FormBrowser(tls).get(link.toString()), base);
    expect(callback.searchParams.get('state')).toBe('app-state');
    const code = callback.searchParams.get('code')!;
    const form = { grant_type: 'authorization_code', client_id: web.client_id, client_secret: web.client_secret!, code, redirect_uri: CALLBACK };
    expect((await tokenRequest(form)).status).toBe(400);
    const second = locationOf(await new FormBrowser(tls).get(`${base}/authorize?${new URLSearchParams(authorize)}`), base);
    await start({ client_id: web.client_id, connection: 'email', email: 'magic-page@example.com', send: 'link', authParams: { state: second.searchParams.get('state')! } });
    const again = new URL(/https:\/\/\S+\/passwordless\/verify_redirect\?[^\s)"]+/.exec((await outbox('magic-page@example.com', 2))[0]!.text)![0]);
    const exchanged = await tokenRequest({ ...form, code: locationOf(await new FormBrowser(tls).get(again.toString()), base).searchParams.get('code')!, code_verifier: verifier });
    expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
    expect(claimsOf(exchanged.body.id_token)).toMatchObject({ email: 'magic-page@example.com', nonce: 'app-nonce' });
  });

  it('refuses authParams whose redirect_uri is not a callback, and never redirects a tampered link elsewhere', async () => {
    const bad = await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'magic2@example.com', send: 'link', authParams: { redirect_uri: 'https://evil.example.com/cb' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('bad.authParams');
    expect(bad.body.error_description).toContain('not in the list of allowed callback URLs');

    await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'magic2@example.com', send: 'link', authParams: { scope: 'openid' } });
    const link = new URL(/https:\/\/\S+\/passwordless\/verify_redirect\?[^\s)"]+/.exec((await outbox('magic2@example.com'))[0]!.text)![0]);
    expect(link.searchParams.get('redirect_uri')).toBe(CALLBACK);
    link.searchParams.set('redirect_uri', 'https://evil.example.com/cb');
    const page = await new FormBrowser(tls).get(link.toString());
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('not in the list of allowed callback URLs');
  });
});

describe('hosted code page', () => {
  const authorize = (app: App, extra: Record<string, string> = {}) =>
    `${base}/authorize?${new URLSearchParams({ client_id: app.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', state: 'page-state', ...extra })}`;

  it('is linked from the login page, sends an email code, refuses a wrong code, and completes the login', async () => {
    const browser = new FormBrowser(tls);
    const login = locationOf(await browser.get(authorize(web)), base);
    const state = login.searchParams.get('state')!;
    const loginHtml = await (await browser.get(login.toString())).text();
    expect(loginHtml).toContain(`href="/u/login/passwordless?state=${state}"`);

    const page = await browser.get(`${base}/u/login/passwordless?state=${state}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<label for="identifier">Email address</label>');
    expect(html).toContain('Use a phone number instead');
    const csrf = inputValue(html, '_csrf');

    const sent = await browser.post(`${base}/u/login/passwordless`, { state, _csrf: csrf, connection: 'email', identifier: 'page@example.com', action: 'send' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('autocomplete="one-time-code"');
    const code = codeIn((await outbox('page@example.com'))[0]!);

    const wrong = await browser.post(`${base}/u/login/passwordless`, { state, _csrf: csrf, code: code === '000000' ? '111111' : '000000', action: 'verify' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong email or verification code.');

    const done = await browser.post(`${base}/u/login/passwordless`, { state, _csrf: csrf, code, action: 'verify' });
    const callback = locationOf(done, base);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('page-state');
    const exchanged = await tokenRequest({ grant_type: 'authorization_code', client_id: web.client_id, client_secret: web.client_secret!, code: callback.searchParams.get('code')!, redirect_uri: CALLBACK });
    expect(claimsOf(exchanged.body.id_token)).toMatchObject({ email: 'page@example.com', email_verified: true });
  });

  it('opens directly, for SMS, when /authorize asks for the sms connection or the app has no database connection', async () => {
    const browser = new FormBrowser(tls);
    const login = locationOf(await browser.get(authorize(web, { connection: 'sms' })), base);
    const direct = locationOf(await browser.get(login.toString()), base);
    expect(direct.pathname).toBe('/u/login/passwordless');
    const html = await (await browser.get(direct.toString())).text();
    expect(html).toContain('<label for="identifier">Phone number</label>');
    const state = direct.searchParams.get('state')!;
    const csrf = inputValue(html, '_csrf');
    expect((await browser.post(`${base}/u/login/passwordless`, { state, _csrf: csrf, connection: 'sms', identifier: '+14155550177', action: 'send' })).status).toBe(200);
    const code = codeIn((await outbox('+14155550177'))[0]!);
    const done = locationOf(await browser.post(`${base}/u/login/passwordless`, { state, _csrf: csrf, code, action: 'verify' }), base);
    expect(done.searchParams.get('code')).toBeTruthy();

    const other = new FormBrowser(tls);
    const codeOnlyLogin = locationOf(await other.get(authorize(codeOnly)), base);
    expect(locationOf(await other.get(codeOnlyLogin.toString()), base).pathname).toBe('/u/login/passwordless');
  });

  it('requires the CSRF token and the browser that started the login', async () => {
    const browser = new FormBrowser(tls);
    const login = locationOf(await browser.get(authorize(web)), base);
    const state = login.searchParams.get('state')!;
    const html = await (await browser.get(`${base}/u/login/passwordless?state=${state}`)).text();
    expect((await browser.post(`${base}/u/login/passwordless`, { state, _csrf: 'forged', connection: 'email', identifier: 'csrf@example.com', action: 'send' })).status).toBe(403);
    const stranger = new FormBrowser(tls);
    expect((await stranger.post(`${base}/u/login/passwordless`, { state, _csrf: inputValue(html, '_csrf'), connection: 'email', identifier: 'csrf@example.com', action: 'send' })).status).toBe(400);
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=csrf@example.com')).body).toEqual([]);
  });
});

describe('tenant isolation', () => {
  it("keeps dev's codes, outbox and applications away from acme", async () => {
    const acmeApp = await createApp({ name: 'Acme Web', app_type: 'regular_web', jwt_configuration: { alg: 'HS256' } }, 'acme', acmeToken);
    await createConnection({ name: 'email', strategy: 'email', enabled_clients: [acmeApp.client_id] }, 'acme', acmeToken);

    await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'shared@example.com', send: 'code' });
    const devCode = codeIn((await outbox('shared@example.com'))[0]!);
    // acme cannot read dev's outbox, nor redeem dev's code, nor use dev's application.
    expect((await tls.api('acme', acmeToken, 'GET', '/api/v2/tessera/outbox?to=shared@example.com')).body).toEqual([]);
    const error = await thrown(sdk(acmeApp, 'acme').passwordless.loginWithEmail({ email: 'shared@example.com', code: devCode }));
    expect(error).toMatchObject({ statusCode: 403, error: 'invalid_grant', error_description: 'Wrong email or verification code.' });
    expect((await start({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email', email: 'shared@example.com', send: 'code' }, { tenant: 'acme' })).status).toBe(401);

    // acme's own code works on acme, and the dev code is still good on dev.
    await sdk(acmeApp, 'acme').passwordless.sendEmail({ email: 'shared@example.com', send: 'code' });
    const acmeCode = codeIn((await outbox('shared@example.com', 1, 'acme', acmeToken))[0]!);
    expect((await sdk(acmeApp, 'acme').passwordless.loginWithEmail({ email: 'shared@example.com', code: acmeCode, scope: 'openid' })).data.id_token).toBeTruthy();
    expect((await otpLogin(web, 'email', 'shared@example.com', devCode)).status).toBe(200);
  });
});
