/**
 * Lifetimes and one-time secrets on the in-process server, on its TestClock: the clock is advanced
 * where the spawned tier slept or rewrote stored deadlines. Each case keeps the assertions it had
 * in the spawned tier (named below); the rest of those features stays there.
 *  - refresh tokens: the absolute lifetime, the idle lifetime each use restarts, and the family
 *    deadline rotated tokens inherit (test/integration/refresh-tokens.test.ts);
 *  - email verification tickets: `ttl_sec` (test/integration/email-verification.test.ts);
 *  - cross-origin login tickets: refused once expired, among other refusals (test/integration/cross-origin.test.ts);
 *  - password reset links: refused an hour on (test/integration/hosted-pages.test.ts);
 *  - passwordless codes: the lifetime of the connection's `options.totp` (test/integration/passwordless.test.ts);
 *  - pushed authorization requests: `par_request_expiry` (the rest in test/integration/oidc-code-flow.test.ts);
 *  - authorization codes of a FAPI 2.0 application: 60 seconds (the rest in test/integration/mtls.test.ts).
 * One file and one server for them all: the in-process tier pays its start once.
 */
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue, locationOf, openHostedPage } from '../support/form-browser.js';
import { LOGIN_TICKET_TTL_SECONDS } from '../../src/auth-api/cross-origin/login-ticket.js';
import { RESET_TICKET_TTL_SECONDS } from '../../src/domain/password-reset/password-reset.js';

const CALLBACK = 'https://app.example.com/callback';
const PASSWORD = 'Xk9#mTq2!vLp';
const REALM = 'Username-Password-Authentication';
const DB = REALM;
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const PASSWORD_REALM = REALM_GRANT;
const API = 'https://orders.example.com/';
const GRANTS = ['authorization_code', 'refresh_token', 'password', REALM_GRANT];
const RESULT_URL = 'https://app.example.com/verified?from=email';
const APP = 'https://app.shop.example';
const CO_CALLBACK = `${APP}/callback`;
const VERIFY_PAGE = `${APP}/co-verify`;
const NEW_PASSWORD = 'Nw7$rTz4!qPm';
const OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';
const TELEMETRY = Buffer.from(JSON.stringify({ name: 'auth0.js', version: '10.2.1' })).toString('base64url');

let server: InProcessServer;
let token: string;
/** cross_origin_authentication on, a verification page, web origin APP. */
let embedded: { client_id: string };
/** cross_origin_authentication on, no verification page. */
let noFallback: { client_id: string };

interface App {
  client_id: string;
  client_secret?: string;
}

type Json = Record<string, any>;

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  const api = await server.api('dev', token, 'POST', '/api/v2/resource-servers', {
    identifier: API,
    scopes: [{ value: 'read:orders' }, { value: 'write:orders' }],
    allow_offline_access: true,
    enforce_policies: true,
    token_dialect: 'access_token_authz',
  });
  expect(api.status).toBe(201);
  const user = await server.api('dev', token, 'POST', '/api/v2/users', { connection: REALM, email: 'ada@example.com', password: PASSWORD, name: 'Ada Lovelace', email_verified: true });
  expect(user.status).toBe(201);
  const granted = await server.api('dev', token, 'POST', `/api/v2/users/${encodeURIComponent(user.body.user_id)}/permissions`, {
    permissions: ['read:orders', 'write:orders'].map((permission_name) => ({ resource_server_identifier: API, permission_name })),
  });
  expect(granted.status).toBe(201);
  embedded = await management('POST', '/api/v2/clients', {
    name: 'Embedded login',
    app_type: 'spa',
    callbacks: [CO_CALLBACK, 'https://callback-only.example/cb'],
    web_origins: [APP, 'https://*.wild.example'],
    allowed_origins: ['https://*.cors.example'],
    cross_origin_authentication: true,
    cross_origin_loc: VERIFY_PAGE,
  });
  noFallback = await management('POST', '/api/v2/clients', { name: 'No fallback', app_type: 'spa', callbacks: [CO_CALLBACK], web_origins: [APP], cross_origin_authentication: true });
  // Another database connection, as the spawned tier had one by then: a ticket of one realm is refused for another that exists.
  await management('POST', '/api/v2/connections', { name: 'Partners-DB', strategy: 'auth0', enabled_clients: [noFallback.client_id] });
});
afterAll(async () => server?.close());

/** A first-party web application allowed the password and refresh grants, with these refresh settings. */
async function createApp(refresh: Json = {}): Promise<App> {
  const res = await server.api('dev', token, 'POST', '/api/v2/clients', {
    name: `App ${Math.random().toString(36).slice(2, 8)}`,
    app_type: 'regular_web',
    callbacks: [CALLBACK],
    grant_types: GRANTS,
    refresh_token: refresh,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const credentials = (app: App): Record<string, string> => ({ client_id: app.client_id, ...(app.client_secret ? { client_secret: app.client_secret } : {}) });

/** Logs Ada in with the password-realm grant, asking for a refresh token. */
async function login(app: App): Promise<Json> {
  const res = await server.postForm('dev', '/oauth/token', {
    grant_type: REALM_GRANT,
    realm: REALM,
    username: 'ada@example.com',
    password: PASSWORD,
    scope: 'openid profile offline_access read:orders write:orders',
    audience: API,
    ...credentials(app),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const refresh = (app: App, refreshToken: string) => server.postForm('dev', '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...credentials(app) });

const INVALID = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };
const advance = (ms: number) => server.clock.advance(ms);

async function management(method: string, path: string, body?: unknown): Promise<any> {
  const res = await server.api('dev', token, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('grant_type=refresh_token', () => {
  it('expires at the absolute lifetime, whatever the use', async () => {
    const app = await createApp({ rotation_type: 'non-rotating', expiration_type: 'expiring', token_lifetime: 2, infinite_token_lifetime: false, infinite_idle_token_lifetime: true });
    const { refresh_token: rt } = await login(app);
    expect((await refresh(app, rt)).status).toBe(200);
    advance(2_100);
    expect(await refresh(app, rt)).toEqual({ status: 403, body: INVALID });
  });

  it('expires after the idle lifetime without use, and each use restarts the idle clock', async () => {
    const app = await createApp({ rotation_type: 'non-rotating', expiration_type: 'expiring', token_lifetime: 60, infinite_token_lifetime: false, idle_token_lifetime: 2, infinite_idle_token_lifetime: false });
    const { refresh_token: rt } = await login(app);
    advance(1_200);
    expect((await refresh(app, rt)).status).toBe(200);
    advance(1_200); // past the first idle deadline: alive only because the use above slid it
    expect((await refresh(app, rt)).status).toBe(200);
    advance(2_100);
    expect(await refresh(app, rt)).toEqual({ status: 403, body: INVALID });
  });

  it('gives rotated tokens the family absolute deadline', async () => {
    const app = await createApp({ rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0, token_lifetime: 2, infinite_token_lifetime: false, infinite_idle_token_lifetime: true });
    const { refresh_token: rt1 } = await login(app);
    advance(1_000);
    const rotated = await refresh(app, rt1);
    expect(rotated.status).toBe(200);
    advance(1_100);
    expect(await refresh(app, rotated.body.refresh_token)).toEqual({ status: 403, body: INVALID });
  });
});

describe('POST /api/v2/tickets/email-verification', () => {
  async function createUser(email: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await server.api('dev', token, 'POST', '/api/v2/users', { connection: DB, email, password: PASSWORD, ...extra });
    expect(res.status).toBe(201);
    return res.body.user_id;
  }

  const verifiedFlag = async (userId: string): Promise<boolean> => (await server.api('dev', token, 'GET', `/api/v2/users/${encodeURIComponent(userId)}`)).body.email_verified;

  it('verifies nothing once ttl_sec has passed, or once the address has changed', async () => {
    const userId = await createUser('short@example.com', { verify_email: false });
    const short = await server.api('dev', token, 'POST', '/api/v2/tickets/email-verification', { user_id: userId, ttl_sec: 1 });
    expect(short.status).toBe(201);
    const shortWithResult = await server.api('dev', token, 'POST', '/api/v2/tickets/email-verification', { user_id: userId, ttl_sec: 1, result_url: RESULT_URL });
    const changed = (await server.api('dev', token, 'POST', '/api/v2/tickets/email-verification', { user_id: userId })).body.ticket;
    advance(1_100);
    const expired = await server.fetch(short.body.ticket, { redirect: 'manual' });
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('Access expired.');
    // With a result_url, the application hears it, as on Auth0.
    const redirected = await server.fetch(shortWithResult.body.ticket, { redirect: 'manual' });
    expect(redirected.status).toBe(302);
    expect(Object.fromEntries(new URL(redirected.headers.get('location')!).searchParams)).toMatchObject({ success: 'false', message: 'Access expired.' });

    expect((await server.api('dev', token, 'PATCH', `/api/v2/users/${encodeURIComponent(userId)}`, { email: 'moved@example.com' })).status).toBe(200);
    const page = await server.fetch(changed, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Your email address could not be verified.');
    expect(await verifiedFlag(userId)).toBe(false);
  });
});

describe('cross-origin login tickets: GET /authorize with login_ticket', () => {
  /** `POST /co/authenticate` as auth0.js sends it: JSON, the app's Origin, telemetry in Auth0-Client. */
  async function co(body: unknown): Promise<{ status: number; headers: Headers; text: string; json: any }> {
    const res = await server.fetch(`${server.originOf('dev')}/co/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'auth0-client': TELEMETRY, origin: APP },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
  }

  /** A successful /co/authenticate: the ticket and the verifier cookie the browser would keep. */
  async function ticketFor(clientId: string): Promise<{ login_ticket: string; co_verifier: string; co_id: string; cookie: string }> {
    const res = await co({ client_id: clientId, credential_type: PASSWORD_REALM, username: 'ada@example.com', password: PASSWORD, realm: DB });
    expect(res.status, res.text).toBe(200);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`tessera_co_${res.json.co_id}=`));
    expect(setCookie).toBeTruthy();
    return { ...res.json, cookie: setCookie!.split(';')[0]! };
  }

  function authorizeUrl(clientId: string, loginTicket: string, extra: Record<string, string> = {}): string {
    const url = new URL(`${server.originOf('dev')}/authorize`);
    const params = { client_id: clientId, response_type: 'token id_token', redirect_uri: CO_CALLBACK, scope: 'openid profile email', state: 'st-123', nonce: 'n-456', realm: DB, login_ticket: loginTicket, ...extra };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  const get = (url: string, cookie?: string): Promise<Response> => server.fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  /** The parameters of a redirect to the callback: fragment (implicit) or query. */
  function callbackParams(res: Response): Record<string, string> {
    expect(res.status, `expected a redirect, got ${res.status}`).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(CO_CALLBACK);
    return Object.fromEntries(new URLSearchParams(location.hash ? location.hash.slice(1) : location.search));
  }

  it('refuses a ticket presented by another application, for another realm, expired, or with a wrong verifier (which burns it)', async () => {
    const ticket = await ticketFor(embedded.client_id);
    const otherApp = callbackParams(await get(authorizeUrl(noFallback.client_id, ticket.login_ticket), ticket.cookie));
    expect(otherApp).toMatchObject({ error: 'access_denied', error_description: 'Invalid or expired login ticket.' });
    const otherRealm = callbackParams(await get(authorizeUrl(embedded.client_id, ticket.login_ticket, { realm: 'Partners-DB' }), ticket.cookie));
    expect(otherRealm.error).toBe('access_denied');

    const wrongCookie = `tessera_co_${ticket.co_id}=${'x'.repeat(43)}`;
    const wrong = callbackParams(await get(authorizeUrl(embedded.client_id, ticket.login_ticket), wrongCookie));
    expect(wrong).toEqual({ error: 'access_denied', error_description: 'Cross-origin verification failed.', state: 'st-123' });
    const burnt = callbackParams(await get(authorizeUrl(embedded.client_id, ticket.login_ticket), ticket.cookie));
    expect(burnt.error_description).toBe('Invalid or expired login ticket.');

    const stale = await ticketFor(embedded.client_id);
    advance(LOGIN_TICKET_TTL_SECONDS * 1000 + 1_000);
    const expired = callbackParams(await get(authorizeUrl(embedded.client_id, stale.login_ticket), stale.cookie));
    expect(expired.error_description).toBe('Invalid or expired login ticket.');

    const unknown = callbackParams(await get(authorizeUrl(embedded.client_id, 'not-a-ticket'), ticket.cookie));
    expect(unknown.error).toBe('access_denied');
  });
});

describe('pushed authorization requests (POST /oauth/par, /authorize with request_uri)', () => {
  it('live par_request_expiry seconds (Auth0’s 30 by default): a request_uri is refused once expired', async () => {
    expect((await server.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { pushed_authorization_requests_supported: true })).status).toBe(200);
    const app = await createApp();
    const push = () =>
      server.postForm('dev', '/oauth/par', { ...credentials(app), redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 'pushed', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    const authorize = (requestUri: string) =>
      server.fetch(`${server.originOf('dev')}/authorize?${new URLSearchParams({ client_id: app.client_id, request_uri: requestUri })}`, { redirect: 'manual' });

    const byDefault = await push();
    expect(byDefault.status, JSON.stringify(byDefault.body)).toBe(201);
    expect(byDefault.body.expires_in).toBe(30);
    advance(31_000);
    const expired = await authorize(byDefault.body.request_uri);
    expect(expired.status).toBe(400);
    expect(expired.headers.get('location')).toBeNull();
    expect(await expired.text()).toContain('invalid_request_uri');

    expect((await server.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { par_request_expiry: 5 })).status).toBe(200);
    expect((await server.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { par_request_expiry: 601 })).status).toBe(400);
    const short = await push();
    expect(short.body.expires_in).toBe(5);
    const fresh = await push();
    advance(4_000);
    const live = await authorize(fresh.body.request_uri);
    expect(live.status).toBe(302);
    expect(new URL(live.headers.get('location')!, server.originOf('dev')).pathname).toBe('/u/login');
    advance(2_000);
    expect((await authorize(short.body.request_uri)).status).toBe(400);
  });
});

describe('compliance_level fapi2_sp_mtls_mtls: authorization codes live 60 seconds', () => {
  // Its own server: the edge's client-certificate header is believed only from an address TRUST_PROXY names (not `true`).
  let edgeServer: InProcessServer;
  let edgeToken: string;
  beforeAll(async () => {
    edgeServer = await startInProcess({ env: { TRUST_PROXY: '127.0.0.1' } });
    edgeToken = await edgeServer.tokenFor('dev');
    expect((await edgeServer.api('dev', edgeToken, 'POST', '/api/v2/users', { connection: REALM, email: 'ada@example.com', password: PASSWORD, email_verified: true })).status).toBe(201);
  });
  afterAll(async () => edgeServer?.close());
  const manage = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await edgeServer.api('dev', edgeToken, method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };

  it('a code exchanged 59 s after issue works; one 61 s after issue is invalid_grant', async () => {
    x509.cryptoProvider.set(webcrypto);
    await manage('PATCH', '/api/v2/tenants/settings', { pushed_authorization_requests_supported: true });
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const now = edgeServer.clock.now();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '0a', name: 'CN=fapi', notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000), signingAlgorithm: alg, keys });
    const pem = certificate.toString('pem');
    const app = await manage('POST', '/api/v2/clients', { name: 'FAPI', app_type: 'regular_web', callbacks: [CALLBACK], grant_types: ['authorization_code'] });
    const cred = await manage('POST', `/api/v2/clients/${app.client_id}/credentials`, { credential_type: 'x509_cert', pem });
    await manage('PATCH', `/api/v2/clients/${app.client_id}`, { token_endpoint_auth_method: null, client_authentication_methods: { self_signed_tls_client_auth: { credentials: [{ id: cred.id }] } }, compliance_level: 'fapi2_sp_mtls_mtls' });
    const edge = { 'client-certificate': encodeURIComponent(pem) };
    const verifier = 'w'.repeat(50);
    const base = edgeServer.originOf('dev');
    const codeAfter = async (ms: number) => {
      const pushed = await edgeServer.fetch(`${base}/oauth/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...edge },
        body: new URLSearchParams({ client_id: app.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }),
      });
      expect(pushed.status, await pushed.clone().text()).toBe(201);
      const browser = new FormBrowser({ caFetch: edgeServer.fetch });
      const page = await openHostedPage(browser, `${base}/authorize?${new URLSearchParams({ client_id: app.client_id, request_uri: ((await pushed.json()) as Json).request_uri })}`);
      let url = locationOf(await browser.post(`${base}/u/login`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: 'ada@example.com', password: PASSWORD }), `${base}/u/login`);
      while (!url.toString().startsWith(CALLBACK)) url = locationOf(await browser.get(url.toString()), url.toString());
      edgeServer.clock.advance(ms);
      const exchanged = await edgeServer.fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...edge },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.client_id, code: url.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier }),
      });
      return { status: exchanged.status, body: (await exchanged.json()) as Json };
    };
    const live = await codeAfter(59_000);
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    const expired = await codeAfter(61_000);
    expect(expired.status).toBe(403);
    expect(expired.body.error).toBe('invalid_grant');
  });
});

/**
 * The messages to `to` in the dev outbox, newest first. A password reset request answers before its
 * background task has sent the email: `drain()` awaits that task (services.background), no polling.
 */
async function outbox(to: string): Promise<Json[]> {
  await server.drain();
  const messages = (await server.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`)).body as Json[];
  expect(messages.length).toBeGreaterThan(0);
  return messages;
}

describe('password reset by email link', () => {
  let web: { client_id: string };
  const base = () => server.originOf('dev');
  const authorizeUrl = () => `${base()}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid profile email', state: 'app-state' })}`;
  const resetLinkOf = (message: Json): string => /https:\/\/\S+\/u\/reset-password\?ticket=\S+/.exec(message.text)![0];
  const browser = () => new FormBrowser({ caFetch: server.fetch });

  /** Starts an authorization in `browser` and returns the hosted page it lands on (after any redirects within /u/). */
  const start = (browser: FormBrowser) => openHostedPage(browser, authorizeUrl());

  async function logIn(browser: FormBrowser, email: string, password: string): Promise<Response> {
    const page = await start(browser);
    return browser.post(`${base()}/u/login`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: email, password });
  }

  beforeAll(async () => {
    web = await management('POST', '/api/v2/clients', { name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK], initiate_login_uri: 'https://app.example.com/login' });
  });

  it('refuses an expired link', async () => {
    await server.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'late@example.com', password: PASSWORD, email_verified: true });
    const reader = browser();
    const login = await start(reader);
    const forgot = await (await reader.get(`${base()}/u/reset-password/request?state=${login.state}`)).text();
    await reader.post(`${base()}/u/reset-password/request`, { state: login.state, _csrf: inputValue(forgot, '_csrf'), email: 'late@example.com' });
    const link = resetLinkOf((await outbox('late@example.com'))[0]!);
    const page = await (await reader.get(link)).text();

    // An hour passes.
    advance(RESET_TICKET_TTL_SECONDS * 1000 + 1_000);
    expect((await reader.get(link)).status).toBe(400);
    const post = await reader.post(`${base()}/u/reset-password`, { ticket: inputValue(page, 'ticket'), _csrf: inputValue(page, '_csrf'), password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD });
    expect(post.status).toBe(400);
    expect(locationOf(await logIn(browser(), 'late@example.com', PASSWORD), base()).searchParams.get('code')).toBeTruthy();
  });
});

describe('passwordless codes', () => {
  let web: App;

  beforeAll(async () => {
    web = await management('POST', '/api/v2/clients', { name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK], grant_types: ['authorization_code', 'refresh_token', OTP_GRANT], jwt_configuration: { alg: 'HS256' } });
    await management('POST', '/api/v2/connections', {
      name: 'email-short',
      strategy: 'email',
      enabled_clients: [web.client_id],
      options: { totp: { time_step: 60, length: 8 }, email: { subject: '{{ application.name }} sign-in', body: '<p>Code {{ code }} for {{ email }}, valid {{ code_expiration }} min.</p>' } },
    });
  });

  it('honours the connection: code length and lifetime from options.totp, subject and body templates', async () => {
    const started = await server.fetch(`${server.originOf('dev')}/passwordless/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: web.client_id, client_secret: web.client_secret, connection: 'email-short', email: 'short@example.com', send: 'code' }),
    });
    expect(started.status).toBe(200);
    const [message] = await outbox('short@example.com');
    expect(message!.subject).toBe('Web sign-in');
    expect(message!.html).toMatch(/^<p>Code \d{8} for short@example.com, valid 1 min\.<\/p>$/);
    const code = /\b(\d{8})\b/.exec(message!.text)![1]!;
    // The code lives 60 seconds.
    advance(60_000 + 1_000);
    const login = await server.postForm('dev', '/oauth/token', { grant_type: OTP_GRANT, client_id: web.client_id, client_secret: web.client_secret!, realm: 'email-short', username: 'short@example.com', otp: code, scope: 'openid email' });
    expect(login).toEqual({
      status: 403,
      body: { error: 'invalid_grant', error_description: 'The verification code has expired. Please try to login again.' },
    });
  });
});
