/**
 * Cross-origin authentication over real HTTPS, as auth0.js and Lock speak it (the browser tests in
 * cross-origin-browser.test.ts run the SDKs themselves): `POST /co/authenticate` with every row of
 * the docs' error table, its CORS answers, `/authorize?login_ticket=...` with the verifier cookie
 * (one-time, expiring, bound to its application), the verification-page fallback and `/co/verify`,
 * Lock's `GET /client/{id}.js`, the log events, and tenant isolation. The refusals of a ticket
 * (another application or realm, expired, wrong verifier) run in-process on a TestClock
 * (test/in-process/expiry.test.ts).
 */
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { eventually } from '../support/eventually.js';

const APP = 'https://app.shop.example';
const CALLBACK = `${APP}/callback`;
const VERIFY_PAGE = `${APP}/co-verify`;
const PASSWORD = 'Xk9#mTq2!vLp';
const DB = 'Username-Password-Authentication';
const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const INVALID_BODY = 'Invalid request body. All and only of client_id, credential_type, username, otp, realm are required.';
const TELEMETRY = Buffer.from(JSON.stringify({ name: 'auth0.js', version: '10.2.1' })).toString('base64url');

let tls: TlsTestServer;
let token: string;
/** cross_origin_authentication on, a verification page, web origin APP. */
let embedded: { client_id: string };
/** cross_origin_authentication on, no verification page. */
let noFallback: { client_id: string };
/** cross_origin_authentication off. */
let notAllowed: { client_id: string };
let acmeToken: string;
let acmeApp: { client_id: string };

const host = (tenant = 'dev') => `https://${tls.hostOf(tenant)}`;

async function management(method: string, path: string, body?: unknown, tenant = 'dev'): Promise<any> {
  const res = await tls.api(tenant, tenant === 'dev' ? token : acmeToken, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

interface CoResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** `POST /co/authenticate` as auth0.js sends it: JSON, the app's Origin, telemetry in Auth0-Client. */
async function co(body: unknown, options: { origin?: string | null; tenant?: string } = {}): Promise<CoResponse> {
  const origin = options.origin === undefined ? APP : options.origin;
  const res = await tls.caFetch(`${host(options.tenant)}/co/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'auth0-client': TELEMETRY, ...(origin ? { origin } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const passwordBody = (clientId: string, overrides: Record<string, unknown> = {}) => ({
  client_id: clientId,
  credential_type: PASSWORD_REALM,
  username: 'ada@example.com',
  password: PASSWORD,
  realm: DB,
  ...overrides,
});

/** A successful /co/authenticate: the ticket and the verifier cookie the browser would keep. */
async function ticketFor(clientId: string, username = 'ada@example.com'): Promise<{ login_ticket: string; co_verifier: string; co_id: string; cookie: string }> {
  const res = await co(passwordBody(clientId, { username }));
  expect(res.status, res.text).toBe(200);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`tessera_co_${res.json.co_id}=`));
  expect(setCookie).toBeTruthy();
  return { ...res.json, cookie: setCookie!.split(';')[0]! };
}

function authorizeUrl(clientId: string, loginTicket: string | undefined, extra: Record<string, string> = {}, tenant = 'dev'): string {
  const url = new URL(`${host(tenant)}/authorize`);
  const params = {
    client_id: clientId,
    response_type: 'token id_token',
    redirect_uri: CALLBACK,
    scope: 'openid profile email',
    state: 'st-123',
    nonce: 'n-456',
    realm: DB,
    ...(loginTicket !== undefined ? { login_ticket: loginTicket } : {}),
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

async function get(url: string, cookie?: string): Promise<Response> {
  return tls.caFetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

/** The parameters of a redirect to the callback: fragment (implicit) or query. */
function callbackParams(res: Response): Record<string, string> {
  expect(res.status, `expected a redirect, got ${res.status}`).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
  return Object.fromEntries(new URLSearchParams(location.hash ? location.hash.slice(1) : location.search));
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme', 'globex']);
  await tls.server.createTenant('acme');
  token = await tls.tokenFor('dev');
  acmeToken = await tls.tokenFor('acme');
  embedded = await management('POST', '/api/v2/clients', {
    name: 'Embedded login',
    app_type: 'spa',
    callbacks: [CALLBACK, 'https://callback-only.example/cb'],
    web_origins: [APP, 'https://*.wild.example'],
    allowed_origins: ['https://*.cors.example'],
    cross_origin_authentication: true,
    cross_origin_loc: VERIFY_PAGE,
  });
  noFallback = await management('POST', '/api/v2/clients', { name: 'No fallback', app_type: 'spa', callbacks: [CALLBACK], web_origins: [APP], cross_origin_authentication: true });
  notAllowed = await management('POST', '/api/v2/clients', { name: 'No cross-origin', app_type: 'spa', callbacks: [CALLBACK], web_origins: [APP, 'https://only-here.example'] });
  for (const email of ['ada@example.com', 'grace@example.com', 'blocked@example.com', 'typo@example.com']) {
    await management('POST', '/api/v2/users', { connection: DB, email, password: PASSWORD, name: email.split('@')[0], email_verified: true });
  }
  const blocked = await management('GET', `/api/v2/users-by-email?email=${encodeURIComponent('blocked@example.com')}`);
  await management('PATCH', `/api/v2/users/${encodeURIComponent(blocked[0].user_id)}`, { blocked: true });
  await management('POST', '/api/v2/connections', { name: 'email', strategy: 'email', enabled_clients: [embedded.client_id] });
  acmeApp = await management('POST', '/api/v2/clients', { name: 'Acme embedded', app_type: 'spa', callbacks: [CALLBACK], web_origins: [APP], cross_origin_authentication: true }, 'acme');
}, 60_000);
afterAll(async () => tls?.close());

describe('application settings for cross-origin authentication', () => {
  it('are off by default, and cross_origin_loc must be an https URL without wildcards; web origins are origins', async () => {
    const app = await management('POST', '/api/v2/clients', { name: 'Defaults', app_type: 'spa' });
    expect(app.cross_origin_authentication).toBe(false);
    expect(app.cross_origin_loc).toBeUndefined();
    const patch = (body: unknown) => tls.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, body);
    for (const body of [
      { cross_origin_loc: 'http://app.example.com/co-verify' },
      { cross_origin_loc: 'https://*.example.com/co-verify' },
      { cross_origin_loc: 'not a url' },
      { web_origins: ['https://app.example.com/path'] },
      { web_origins: ['https://app.example.com/'] },
      { cross_origin_authentication: 'yes' },
    ]) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const ok = await patch({ cross_origin_authentication: true, cross_origin_loc: 'https://app.example.com/co-verify', web_origins: ['https://app.example.com'] });
    expect(ok.body).toMatchObject({ cross_origin_authentication: true, cross_origin_loc: 'https://app.example.com/co-verify', web_origins: ['https://app.example.com'] });
  });
});

describe('POST /co/authenticate', () => {
  it('answers {login_ticket, co_verifier, co_id} with the verifier cookie and CORS headers for the web origin', async () => {
    const res = await co(passwordBody(embedded.client_id));
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(['co_id', 'co_verifier', 'login_ticket']);
    expect(res.json.co_id).toMatch(/^[\w-]{12}$/);
    expect(res.json.co_verifier).toMatch(/^[\w-]{43}$/);
    expect(res.json.login_ticket).toMatch(/^[\w-]{43}$/);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`tessera_co_${res.json.co_id}=`))!;
    expect(cookie).toBeTruthy();
    expect(cookie.split(';')[0]).toBe(`tessera_co_${res.json.co_id}=${res.json.co_verifier}`);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=None/);
    expect(cookie).toMatch(/; Path=\/authorize/);
    expect(cookie).toMatch(/; Max-Age=300/);
  });

  it('accepts an Allowed Origins (CORS) wildcard, but not a wildcard web origin or a callback origin', async () => {
    expect((await co(passwordBody(embedded.client_id), { origin: 'https://shop.cors.example' })).status).toBe(200);
    for (const origin of ['https://x.wild.example', 'https://callback-only.example', 'https://a.b.cors.example']) {
      const res = await co(passwordBody(embedded.client_id), { origin });
      expect(res.status, origin).toBe(403);
      expect(res.text).toBe(`Origin ${origin} is not allowed.`);
    }
  });

  describe("the docs' error table", () => {
    it('400 invalid_request for a body that is not all and only the fields', async () => {
      const cases: unknown[] = [
        [],
        'null',
        {},
        { ...passwordBody(embedded.client_id), extra: 'x' },
        { ...passwordBody(embedded.client_id), password: undefined },
        { ...passwordBody(embedded.client_id), password: 12345 },
        { ...passwordBody(embedded.client_id), username: '' },
        { ...passwordBody(embedded.client_id), realm: undefined },
        { ...passwordBody(embedded.client_id), otp: '123456' },
        { client_id: embedded.client_id, username: 'ada@example.com', password: PASSWORD, realm: DB },
      ];
      for (const body of cases) {
        const res = await co(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json).toEqual({ error: 'invalid_request', error_description: INVALID_BODY });
        // Readable by the application: the CORS headers are on errors too.
        expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      }
    });

    it('400 unsupported_credential_type for an unknown credential type', async () => {
      for (const credential_type of ['password', 'http://auth0.com/oauth/grant-type/mfa-otp', 'urn:x', 'constructor', 'hasOwnProperty', 'toString', '__proto__']) {
        const res = await co(passwordBody(embedded.client_id, { credential_type }));
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ error: 'unsupported_credential_type', error_description: 'Unknown credential type parameter.' });
      }
    });

    it('400 invalid_request "Unknown realm X." for a missing connection, one not enabled for the app, or the wrong kind', async () => {
      const res = await co(passwordBody(embedded.client_id, { realm: 'non-existent-connection' }));
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: 'invalid_request', error_description: 'Unknown realm non-existent-connection.' });

      const other = await management('POST', '/api/v2/connections', { name: 'Partners-DB', strategy: 'auth0', enabled_clients: [noFallback.client_id] });
      const disabled = await co(passwordBody(embedded.client_id, { realm: other.name }));
      expect(disabled.json).toEqual({ error: 'invalid_request', error_description: 'Unknown realm Partners-DB.' });

      const wrongKind = await co(passwordBody(embedded.client_id, { realm: 'email' }));
      expect(wrongKind.json).toEqual({ error: 'invalid_request', error_description: 'Unknown realm email.' });
    });

    it('401 unauthorized_client for an application without cross-origin authentication, or an unknown one', async () => {
      for (const clientId of [notAllowed.client_id, 'no-such-client']) {
        const res = await co(passwordBody(clientId));
        expect(res.status).toBe(401);
        expect(res.json).toEqual({ error: 'unauthorized_client', error_description: 'Cross origin login not allowed.' });
      }
    });

    it('403 access_denied "Wrong email or password." for a wrong password or an unknown user', async () => {
      for (const overrides of [{ username: 'typo@example.com', password: 'not-the-password' }, { username: 'nobody@example.com' }]) {
        const res = await co(passwordBody(embedded.client_id, overrides));
        expect(res.status).toBe(403);
        expect(res.json).toEqual({ error: 'access_denied', error_description: 'Wrong email or password.' });
        expect(res.headers.getSetCookie().some((c) => c.startsWith('tessera_co_'))).toBe(false);
      }
    });

    it('403 blocked_user "Blocked user" for a blocked user with the right password', async () => {
      const res = await co(passwordBody(embedded.client_id, { username: 'blocked@example.com' }));
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ error: 'blocked_user', error_description: 'Blocked user' });
    });

    it('a generic 403 with a plain body for an origin the application does not allow', async () => {
      for (const origin of ['https://evil.example', 'https://only-here.example']) {
        const res = await co(passwordBody(embedded.client_id), { origin });
        expect(res.status).toBe(403);
        expect(res.text).toBe(`Origin ${origin} is not allowed.`);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        expect(res.headers.getSetCookie()).toEqual([]);
      }
      const none = await co(passwordBody(embedded.client_id), { origin: null });
      expect(none.status).toBe(403);
      expect(none.text).toBe('Origin (none) is not allowed.');
    });
  });

  it('answers malformed JSON with a 400 the application can read', async () => {
    const res = await co('{"client_id":');
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_request');
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('passwordless one-time codes (credential_type passwordless/otp)', () => {
  const OTP = 'http://auth0.com/oauth/grant-type/passwordless/otp';

  /** Sends a code through the email connection and reads it from the dev outbox. */
  async function emailCode(email: string, clientId = embedded.client_id): Promise<string> {
    const start = await tls.caFetch(`${host()}/passwordless/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: APP },
      body: JSON.stringify({ client_id: clientId, connection: 'email', email, send: 'code' }),
    });
    expect(start.status, await start.clone().text()).toBe(200);
    const messages = await eventually(
      async () => (await tls.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(email)}`)).body as any[],
      (m) => m.length > 0,
      5_000,
    );
    const code = /\b(\d{6})\b/.exec(`${messages[0].text ?? ''} ${messages[0].html ?? ''}`)?.[1];
    expect(code).toBeTruthy();
    return code!;
  }

  it('logs in with an emailed code: the ticket completes /authorize for the passwordless user', async () => {
    const code = await emailCode('otp-user@example.com');
    const res = await co({ client_id: embedded.client_id, credential_type: OTP, username: 'otp-user@example.com', otp: code, realm: 'email' });
    expect(res.status, res.text).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`tessera_co_${res.json.co_id}=`))!.split(';')[0]!;
    const params = callbackParams(await get(authorizeUrl(embedded.client_id, res.json.login_ticket, { realm: 'email' }), cookie));
    const idToken = payloadOf(params.id_token!);
    expect(idToken.email).toBe('otp-user@example.com');
    expect(idToken.sub).toMatch(/^email\|/);
    // The code was one-time.
    const again = await co({ client_id: embedded.client_id, credential_type: OTP, username: 'otp-user@example.com', otp: code, realm: 'email' });
    expect(again.status).toBe(403);
  });

  it('refuses a code sent for another application like a wrong code', async () => {
    const email = (await management('GET', '/api/v2/connections?name=email'))[0];
    await management('PATCH', `/api/v2/connections/${email.id}/clients`, [{ client_id: noFallback.client_id, status: true }]);
    const code = await emailCode('otp-bound@example.com', noFallback.client_id);
    const elsewhere = await co({ client_id: embedded.client_id, credential_type: OTP, username: 'otp-bound@example.com', otp: code, realm: 'email' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json).toEqual({ error: 'access_denied', error_description: 'Wrong email or verification code.' });
    const own = await co({ client_id: noFallback.client_id, credential_type: OTP, username: 'otp-bound@example.com', otp: code, realm: 'email' });
    expect(own.status, own.text).toBe(200);
  });

  it("answers a wrong code with Auth0's passwordless wording, and a password body for the otp type as invalid", async () => {
    await emailCode('otp-wrong@example.com');
    const wrong = await co({ client_id: embedded.client_id, credential_type: OTP, username: 'otp-wrong@example.com', otp: '000000', realm: 'email' });
    expect(wrong.status).toBe(403);
    expect(wrong.json).toEqual({ error: 'access_denied', error_description: 'Wrong email or verification code.' });
    const mixed = await co({ client_id: embedded.client_id, credential_type: OTP, username: 'otp-wrong@example.com', password: PASSWORD, realm: 'email' });
    expect(mixed.json).toEqual({ error: 'invalid_request', error_description: INVALID_BODY });
    const dbRealm = await co({ client_id: embedded.client_id, credential_type: OTP, username: 'ada@example.com', otp: '123456', realm: DB });
    expect(dbRealm.json).toEqual({ error: 'invalid_request', error_description: `Unknown realm ${DB}.` });
  });
});

describe('attack protection rows of the error table (tenant globex, its own counters)', () => {
  let globexToken: string;
  let globexApp: { client_id: string };
  const globex = async (method: string, path: string, body?: unknown) => {
    const res = await tls.api('globex', globexToken, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const login = (username: string, password = PASSWORD, realm = DB) => co(passwordBody(globexApp.client_id, { username, password, realm }), { tenant: 'globex' });

  beforeAll(async () => {
    await tls.server.createTenant('globex');
    globexToken = await tls.tokenFor('globex');
    globexApp = await globex('POST', '/api/v2/clients', { name: 'Globex embedded', app_type: 'spa', callbacks: [CALLBACK], web_origins: [APP], cross_origin_authentication: true });
    for (const email of ['ip-1@example.com', 'ip-2@example.com', 'bf@example.com']) {
      await globex('POST', '/api/v2/users', { connection: DB, email, password: PASSWORD, email_verified: true });
    }
  });

  it('429 too_many_attempts "We have detected suspicious login behavior..." once the IP is throttled', async () => {
    await globex('PATCH', '/api/v2/attack-protection/suspicious-ip-throttling', { enabled: true, shields: ['block'], stage: { 'pre-login': { max_attempts: 2, rate: 86_400_000 } } });
    expect((await login('ip-1@example.com', 'wrong-1')).status).toBe(403);
    expect((await login('ip-2@example.com', 'wrong-2')).status).toBe(403);
    const throttled = await login('ip-1@example.com');
    expect(throttled.status).toBe(429);
    expect(throttled.json).toEqual({
      error: 'too_many_attempts',
      error_description: 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.',
    });
    expect(throttled.headers.get('access-control-allow-origin')).toBe(APP);
    await globex('PATCH', '/api/v2/attack-protection/suspicious-ip-throttling', { enabled: false });
  });

  it('429 too_many_attempts "Your account has been blocked..." after consecutive failures for the user', async () => {
    await globex('PATCH', '/api/v2/attack-protection/brute-force-protection', { enabled: true, shields: ['block'], max_attempts: 2 });
    expect((await login('bf@example.com', 'wrong-1')).status).toBe(403);
    expect((await login('bf@example.com', 'wrong-2')).status).toBe(403);
    const blocked = await login('bf@example.com');
    expect(blocked.status).toBe(429);
    expect(blocked.json).toEqual({
      error: 'too_many_attempts',
      error_description: "Your account has been blocked after multiple consecutive login attempts. We've sent you a notification via your preferred contact method with instructions on how to unblock it.",
    });
  });

  it('401 password_leaked for a correct password on the breached list, with detection blocking', async () => {
    await globex('POST', '/api/v2/connections', { name: 'Weak-DB', strategy: 'auth0', enabled_clients: [globexApp.client_id], options: { passwordPolicy: 'none' } });
    await globex('POST', '/api/v2/users', { connection: 'Weak-DB', email: 'leaky@example.com', password: 'password1', email_verified: true });
    expect((await login('leaky@example.com', 'password1', 'Weak-DB')).status).toBe(200);
    await globex('PATCH', '/api/v2/attack-protection/breached-password-detection', { enabled: true, shields: ['block'] });
    const leaked = await login('leaky@example.com', 'password1', 'Weak-DB');
    expect(leaked.status).toBe(401);
    expect(leaked.json).toEqual({
      error: 'password_leaked',
      error_description: "This login attempt has been blocked because the password you're using was previously disclosed through a data breach (not in this application).",
    });
    expect(leaked.headers.getSetCookie().some((c) => c.startsWith('tessera_co_'))).toBe(false);
  });
});

describe('CORS preflight for /co/authenticate', () => {
  const preflight = (origin: string, tenant = 'dev') =>
    tls.caFetch(`${host(tenant)}/co/authenticate`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,auth0-client' },
    });

  it('allows the web origins of applications with cross-origin authentication, with credentials and the Auth0-Client header', async () => {
    const res = await preflight(APP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['content-type', 'auth0-client']));
    expect((await preflight('https://shop.cors.example')).status).toBe(204);
  });

  it('refuses origins no application lists with the plain 403 (callback origins and wildcard web origins do not count)', async () => {
    for (const origin of ['https://evil.example', 'https://callback-only.example', 'https://x.wild.example']) {
      const res = await preflight(origin);
      expect(res.status, origin).toBe(403);
      expect(await res.text()).toBe(`Origin ${origin} is not allowed.`);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('also allows the origins of applications without cross-origin authentication, so that they can read its refusal', async () => {
    const origin = 'https://only-here.example';
    const res = await preflight(origin);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');

    // The request itself: the docs' 401, with the CORS headers that let auth0.js and Lock read it.
    const refused = await co(passwordBody(notAllowed.client_id), { origin });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ error: 'unauthorized_client', error_description: 'Cross origin login not allowed.' });
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    expect(refused.headers.get('access-control-allow-credentials')).toBe('true');
    expect(refused.headers.getSetCookie().some((c) => c.startsWith('tessera_co_'))).toBe(false);
  });

  it("follows application changes: a newly allowed origin passes, another tenant's origin does not", async () => {
    const origin = 'https://late.example';
    expect((await preflight(origin)).status).toBe(403);
    await management('PATCH', `/api/v2/clients/${noFallback.client_id}`, { web_origins: [APP, origin] });
    expect((await eventually(() => preflight(origin), (r) => r.status === 204)).status).toBe(204);
    // acme's application allows APP; dev's list does not leak into acme and vice versa.
    expect((await preflight(origin, 'acme')).status).toBe(403);
  });
});

describe('/authorize?login_ticket=...', () => {
  it('completes the login with the verifier cookie: tokens for the user, an SSO session, and the ticket is used up', async () => {
    const ticket = await ticketFor(embedded.client_id);
    const res = await get(authorizeUrl(embedded.client_id, ticket.login_ticket), ticket.cookie);
    const params = callbackParams(res);
    expect(params.state).toBe('st-123');
    expect(params.access_token).toBeTruthy();
    const idToken = payloadOf(params.id_token!);
    expect(idToken).toMatchObject({ iss: `${host()}/`, aud: embedded.client_id, nonce: 'n-456', email: 'ada@example.com' });
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith('tessera_session='))).toBe(true);
    expect(cookies.some((c) => c.startsWith(`tessera_co_${ticket.co_id}=;`) && /Max-Age=0/.test(c))).toBe(true);

    // The SSO session works: prompt=none completes silently.
    const session = cookies.find((c) => c.startsWith('tessera_session='))!.split(';')[0]!;
    const silent = await get(authorizeUrl(embedded.client_id, undefined, { prompt: 'none' }), session);
    expect(callbackParams(silent).id_token).toBeTruthy();

    // One-time: the same ticket and cookie again.
    const again = callbackParams(await get(authorizeUrl(embedded.client_id, ticket.login_ticket), ticket.cookie));
    expect(again).toEqual({ error: 'access_denied', error_description: 'Invalid or expired login ticket.', state: 'st-123' });
  });

  it('works with response_type=code for a confidential application', async () => {
    const web = await management('POST', '/api/v2/clients', { name: 'Embedded web', app_type: 'regular_web', callbacks: [CALLBACK], web_origins: [APP], cross_origin_authentication: true });
    const ticket = await ticketFor(web.client_id);
    const params = callbackParams(await get(authorizeUrl(web.client_id, ticket.login_ticket, { response_type: 'code' }), ticket.cookie));
    expect(params.code).toBeTruthy();
    const tokens = await tls.caFetch(`${host()}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: params.code!, redirect_uri: CALLBACK, client_id: web.client_id, client_secret: web.client_secret }),
    });
    expect(tokens.status).toBe(200);
    expect(payloadOf(((await tokens.json()) as any).id_token).email).toBe('ada@example.com');
  });

  it('still validates the authorization request first: an unlisted redirect_uri is an error page, never a redirect', async () => {
    const ticket = await ticketFor(embedded.client_id);
    const res = await get(authorizeUrl(embedded.client_id, ticket.login_ticket, { redirect_uri: 'https://evil.example/cb' }), ticket.cookie);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    // The ticket survived the bad request.
    expect(callbackParams(await get(authorizeUrl(embedded.client_id, ticket.login_ticket), ticket.cookie)).id_token).toBeTruthy();
  });

  it('refuses the ticket of a user blocked after authenticating', async () => {
    const user = await management('POST', '/api/v2/users', { connection: DB, email: 'soon-blocked@example.com', password: PASSWORD, email_verified: true });
    const ticket = await ticketFor(embedded.client_id, 'soon-blocked@example.com');
    await management('PATCH', `/api/v2/users/${encodeURIComponent(user.user_id)}`, { blocked: true });
    const params = callbackParams(await get(authorizeUrl(embedded.client_id, ticket.login_ticket), ticket.cookie));
    expect(params).toMatchObject({ error: 'access_denied', error_description: 'user is blocked' });
  });

  it('without the cookie and without a verification page: server_error "Unable to configure verification page."', async () => {
    const ticket = await ticketFor(noFallback.client_id);
    const params = callbackParams(await get(authorizeUrl(noFallback.client_id, ticket.login_ticket)));
    expect(params).toEqual({ error: 'server_error', error_description: 'Unable to configure verification page.', state: 'st-123' });
  });
});

describe('the verification page fallback (third-party cookies blocked)', () => {
  /** /authorize without the verifier cookie: the page, its form's nonce, and the cookie binding it to this browser. */
  async function fallbackPage(loginTicket: string, extra: Record<string, string> = {}): Promise<{ html: string; csp: string; binding: string; bindingCookie: string; csrf: string }> {
    const res = await get(authorizeUrl(embedded.client_id, loginTicket, extra));
    expect(res.status).toBe(200);
    const bindingCookie = res.headers.getSetCookie().find((c) => c.startsWith('tessera_cov_'))!;
    expect(bindingCookie).toMatch(/; Path=\/co\/verify/);
    const html = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(csrf, 'the form carries a nonce').toBeTruthy();
    return { html, csp: res.headers.get('content-security-policy')!, binding: bindingCookie.split(';')[0]!, bindingCookie, csrf: csrf! };
  }

  /** `POST /co/verify` as the page's form submits it: from our own origin unless told otherwise. */
  const verify = (form: Record<string, string>, cookie?: string, origin: string | null = host()) =>
    tls.caFetch(`${host()}/co/verify`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
      body: new URLSearchParams(form),
    });

  const startsSession = (res: Response) => res.headers.getSetCookie().some((c) => c.startsWith('tessera_session='));

  it('frames cross_origin_loc#origin=..., asks it for the co_id verifier, and /co/verify completes the login', async () => {
    const ticket = await ticketFor(embedded.client_id);
    const page = await fallbackPage(ticket.login_ticket);
    expect(page.bindingCookie).toMatch(/; SameSite=Lax/);
    expect(page.html).toContain(JSON.stringify(`${VERIFY_PAGE}#origin=${encodeURIComponent(host())}`));
    expect(page.html).toContain(`"id":"${ticket.co_id}"`);
    expect(page.html).toContain("type:'co_verifier_request'");
    expect(page.html).toContain(`name="state" value="${ticket.login_ticket}"`);
    expect(page.html).not.toContain(ticket.co_verifier);
    expect(page.csp).toContain(`frame-src ${APP}`);
    expect(page.csp).toContain(`form-action 'self' ${APP}`);
    expect(page.csp).toContain("frame-ancestors 'none'");

    const done = await verify({ state: ticket.login_ticket, verifier: ticket.co_verifier, _csrf: page.csrf }, page.binding);
    const params = callbackParams(done);
    expect(payloadOf(params.id_token!).email).toBe('ada@example.com');
    expect(startsSession(done)).toBe(true);
    // One-time.
    expect((await verify({ state: ticket.login_ticket, verifier: ticket.co_verifier, _csrf: page.csrf }, page.binding)).status).toBe(400);
  });

  it('refuses a wrong or missing verifier (burning the ticket), and a browser that was not shown the page', async () => {
    const ticket = await ticketFor(embedded.client_id);
    const page = await fallbackPage(ticket.login_ticket);
    const stranger = await verify({ state: ticket.login_ticket, verifier: ticket.co_verifier, _csrf: page.csrf });
    expect(stranger.status).toBe(400);
    expect(stranger.headers.get('location')).toBeNull();

    const wrong = callbackParams(await verify({ state: ticket.login_ticket, verifier: '', _csrf: page.csrf }, page.binding));
    expect(wrong).toEqual({ error: 'access_denied', error_description: 'Cross-origin verification failed.', state: 'st-123' });
    const again = await verify({ state: ticket.login_ticket, verifier: ticket.co_verifier, _csrf: page.csrf }, page.binding);
    expect(again.status).toBe(400);

    expect((await verify({ state: 'nope', verifier: 'nope' })).status).toBe(400);
  });

  describe('login CSRF: an attacker completing their own ticket in the victim\'s browser', () => {
    /**
     * The attack: the attacker authenticates as themselves from a server (any Origin header can be
     * forged there) and gets a ticket and its verifier; has the victim's browser load
     * /authorize?login_ticket=...&response_mode=web_message as a cross-site subresource, which
     * sets the SameSite=None binding cookie there (the attacker cannot read the page); then
     * auto-submits a form from their own site to /co/verify with the ticket and verifier. Here
     * `victim` plays the browser's cookie jar.
     */
    async function attackerSetup(): Promise<{ ticket: Awaited<ReturnType<typeof ticketFor>>; victim: Awaited<ReturnType<typeof fallbackPage>> }> {
      const ticket = await ticketFor(embedded.client_id, 'grace@example.com');
      const victim = await fallbackPage(ticket.login_ticket, { response_mode: 'web_message' });
      expect(victim.bindingCookie).toMatch(/; SameSite=None/);
      return { ticket, victim };
    }

    it("refuses the form without the page's nonce, whatever else it carries", async () => {
      const { ticket, victim } = await attackerSetup();
      // No Origin header at all (an older browser), so that only the nonce stands in the way.
      const forged: Record<string, string>[] = [
        { state: ticket.login_ticket, verifier: ticket.co_verifier },
        { state: ticket.login_ticket, verifier: ticket.co_verifier, _csrf: '' },
        { state: ticket.login_ticket, verifier: ticket.co_verifier, _csrf: 'x'.repeat(victim.csrf.length) },
      ];
      for (const form of forged) {
        const res = await verify(form, victim.binding, null);
        expect(res.status, JSON.stringify(form)).toBe(403);
        expect(res.headers.get('location')).toBeNull();
        expect(startsSession(res)).toBe(false);
      }
      // The refusal did not use the ticket up: the page's own form still completes (as the victim's browser would).
      expect(startsSession(await verify({ state: ticket.login_ticket, verifier: ticket.co_verifier, _csrf: victim.csrf }, victim.binding))).toBe(true);
    });

    it('refuses the form posted from another origin, even with the nonce', async () => {
      const { ticket, victim } = await attackerSetup();
      // The nonce cannot leave the victim's page; it is used here only to isolate the Origin check.
      for (const origin of ['https://evil.example', APP, 'null', `${host()}.evil.example`]) {
        const res = await verify({ state: ticket.login_ticket, verifier: ticket.co_verifier, _csrf: victim.csrf }, victim.binding, origin);
        expect(res.status, origin).toBe(403);
        expect(res.headers.get('location')).toBeNull();
        expect(startsSession(res)).toBe(false);
      }
    });
  });
});

describe("Lock's GET /client/{client_id}.js", () => {
  async function clientScript(clientId: string, tenant = 'dev'): Promise<{ res: Response; text: string; settings?: any }> {
    const res = await tls.caFetch(`${host(tenant)}/client/${clientId}.js?t${Date.now()}`);
    const text = await res.text();
    let settings: any;
    if (res.status === 200) runInNewContext(text, { Auth0: { setClient: (o: unknown) => (settings = o) } });
    return { res, text, settings };
  }

  it("calls Auth0.setClient with the application's enabled connections, as Lock reads them", async () => {
    const lockApp = await management('POST', '/api/v2/clients', { name: 'Lock app', app_type: 'spa', callbacks: [CALLBACK], web_origins: [APP], allowed_origins: [APP], cross_origin_authentication: true });
    await management('POST', '/api/v2/connections', {
      name: 'Members',
      strategy: 'auth0',
      enabled_clients: [lockApp.client_id],
      options: { requires_username: true, validation: { username: { min: 3, max: 20 } }, disable_signup: true, passwordPolicy: 'fair', password_complexity_options: { min_length: 10 } },
    });
    await management('POST', '/api/v2/connections', { name: 'sms', strategy: 'sms', enabled_clients: [lockApp.client_id] });
    await management('POST', '/api/v2/connections', { name: 'Staff', strategy: 'auth0', enabled_clients: [embedded.client_id] });
    const { res, text, settings } = await clientScript(lockApp.client_id);
    expect(res.status).toBe(200);
    expect(text).toMatch(/^Auth0\.setClient\(\{.*\}\);\n$/s);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(settings).toMatchObject({ id: lockApp.client_id, tenant: 'dev', authorize: `${host()}/authorize`, callback: CALLBACK, hasAllowedOrigins: true });

    // Exactly the connections enabled for the application, grouped by strategy.
    const connections: any[] = await management('GET', '/api/v2/connections');
    const expected: Record<string, string[]> = {};
    for (const c of connections) if (c.enabled_clients.includes(lockApp.client_id)) (expected[c.strategy] ??= []).push(c.name);
    const listed = Object.fromEntries(settings.strategies.map((s: any) => [s.name, s.connections.map((c: any) => c.name)]));
    for (const names of Object.values(expected)) names.sort();
    for (const names of Object.values(listed) as string[][]) names.sort();
    expect(listed).toEqual(expected);
    expect(listed.auth0).not.toContain('Staff');

    const byName = Object.fromEntries(settings.strategies.flatMap((s: any) => s.connections.map((c: any) => [c.name, c])));
    expect(byName[DB]).toEqual({ name: DB, display_name: DB, passwordPolicy: 'good', showSignup: true, showForgot: true, requires_username: false });
    expect(byName.Members).toEqual({
      name: 'Members',
      display_name: 'Members',
      passwordPolicy: 'fair',
      password_complexity_options: { min_length: 10 },
      showSignup: false,
      showForgot: true,
      requires_username: true,
      validation: { username: { min: 3, max: 20 } },
    });
    expect(byName.sms).toEqual({ name: 'sms', display_name: 'sms' });
  });

  it('answers 404 for an unknown application, another tenant\'s application, or a path without .js', async () => {
    for (const [clientId, tenant] of [['no-such-client', 'dev'], [embedded.client_id, 'acme'], [acmeApp.client_id, 'dev']] as const) {
      const { res, text } = await clientScript(clientId, tenant);
      expect(res.status).toBe(404);
      expect(text).not.toContain('setClient');
    }
    expect((await tls.caFetch(`${host()}/client/${embedded.client_id}`)).status).toBe(404);
  });
});

describe('log events', () => {
  it('records scoa on success, fcoa with the description on failure, fco for a disallowed origin, s when the ticket completes', async () => {
    const ticket = await ticketFor(embedded.client_id, 'grace@example.com');
    callbackParams(await get(authorizeUrl(embedded.client_id, ticket.login_ticket), ticket.cookie));
    await co(passwordBody(embedded.client_id, { username: 'grace@example.com', password: 'wrong' }));
    await co(passwordBody(embedded.client_id, { username: 'grace@example.com' }), { origin: 'https://phish.example' });
    const logsOf = async (q: string) => (await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(q)}`)).body as any[];
    const [grace] = await management('GET', `/api/v2/users-by-email?email=${encodeURIComponent('grace@example.com')}`);
    const byGrace = `user_id:"${grace.user_id}" AND client_id:"${embedded.client_id}"`;
    const scoa = await eventually(() => logsOf(`type:scoa AND ${byGrace}`), (l) => l.length > 0, 5_000);
    expect(scoa[0]).toMatchObject({ type: 'scoa', client_id: embedded.client_id, client_name: 'Embedded login', user_name: 'grace@example.com', description: 'Successful cross-origin authentication' });
    const fcoa = await eventually(() => logsOf(`type:fcoa AND ${byGrace}`), (l) => l.length > 0, 5_000);
    expect(fcoa[0]).toMatchObject({ type: 'fcoa', client_id: embedded.client_id, description: 'Wrong email or password.', user_name: 'grace@example.com' });
    const fco = await eventually(() => logsOf('type:fco'), (l) => l.some((e) => e.description === 'Origin https://phish.example is not allowed.'), 5_000);
    expect(fco.find((e) => e.description === 'Origin https://phish.example is not allowed.')).toMatchObject({ client_id: embedded.client_id });
    const s = await eventually(() => logsOf(`type:s AND ${byGrace}`), (l) => l.length > 0, 5_000);
    expect(s[0]).toMatchObject({ client_id: embedded.client_id, description: 'Successful login' });
  });
});

describe('tenant isolation', () => {
  it("acme knows neither dev's applications, nor dev's users, nor dev's tickets", async () => {
    // dev's application id at acme's host: unknown there.
    const foreignClient = await co(passwordBody(embedded.client_id), { tenant: 'acme' });
    expect(foreignClient.status).toBe(401);
    expect(foreignClient.json.error).toBe('unauthorized_client');
    // acme's own application, dev's user: no such user in acme.
    const foreignUser = await co(passwordBody(acmeApp.client_id), { tenant: 'acme' });
    expect(foreignUser.status).toBe(403);
    expect(foreignUser.json.error_description).toBe('Wrong email or password.');
    // A dev ticket at acme's /authorize, with acme's application: not found there.
    const ticket = await ticketFor(embedded.client_id);
    const params = callbackParams(await get(authorizeUrl(acmeApp.client_id, ticket.login_ticket, {}, 'acme'), ticket.cookie));
    expect(params.error_description).toBe('Invalid or expired login ticket.');
    // ...and it is still good at dev.
    expect(callbackParams(await get(authorizeUrl(embedded.client_id, ticket.login_ticket), ticket.cookie)).id_token).toBeTruthy();
  });
});
