/**
 * Finding 1 of issue 11 (critical): end users got Management API tokens with any scope they asked
 * for. Now a user flow asking for the Management API gets only the `*:current_user*` scopes, and a
 * user's token reaches only its own `/api/v2/users/{id}` (GET, PATCH of `user_metadata`), over real
 * TLS: a user who signs up through an SPA, logs in with code + PKCE and with the password-realm
 * grant; a reduced-scope machine-to-machine application; and auth0.js's `Management` class in
 * headless Chromium (it is a browser SDK: its bundled superagent needs XMLHttpRequest).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser } from '../support/form-browser.js';
import { devCertFiles } from '../support/apps/index.js';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { eventually } from '../support/eventually.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const CALLBACK = 'https://spa.example.com/callback';
const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';
/** What the review asked for: two administrative scopes next to the two a user may have. */
const GREEDY_SCOPE = 'openid read:client_keys read:users read:current_user update:current_user_metadata';

type Json = Record<string, any>;

let tls: TlsTestServer;
let adminToken: string;
let spa: { client_id: string };
/** The Management API's identifier, as stored (the audience the token endpoint takes for user flows). */
let managementAudience: string;
let base: string;

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  base = `https://${tls.hostOf('dev')}`;
  adminToken = await tls.tokenFor('dev');
  const apis = (await tls.api('dev', adminToken, 'GET', '/api/v2/resource-servers')).body as Json[];
  managementAudience = apis.find((api) => api.is_system)!.identifier;
  const created = await tls.api('dev', adminToken, 'POST', '/api/v2/clients', {
    name: 'Profile SPA',
    app_type: 'spa',
    callbacks: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token', 'password', REALM_GRANT, OTP_GRANT],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  spa = created.body;
  const email = await tls.api('dev', adminToken, 'POST', '/api/v2/connections', { name: 'email', strategy: 'email', enabled_clients: [spa.client_id] });
  expect(email.status, JSON.stringify(email.body)).toBe(201);
});
afterAll(async () => tls?.close());

const claimsOf = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

async function postForm(path: string, form: Record<string, string>): Promise<{ status: number; body: Json }> {
  const res = await tls.caFetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Json };
}

/** A new person signs up through the SPA (the embedded sign-up auth0.js and Lock use). */
async function signUp(email: string): Promise<void> {
  const res = await tls.caFetch(`${base}/dbconnections/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: spa.client_id, connection: REALM, email, password: PASSWORD }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Code + PKCE through the hosted login page, as the SPA would; returns the token response. */
async function codeFlowLogin(email: string, params: Record<string, string>): Promise<Json> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(`${base}/authorize`);
  for (const [k, v] of Object.entries({ client_id: spa.client_id, redirect_uri: CALLBACK, response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', state: 's1', ...params })) {
    authorize.searchParams.set(k, v);
  }
  const browser = new FormBrowser(tls);
  const start = await browser.get(authorize.toString());
  expect(start.status, await start.clone().text()).toBe(302);
  const loginUrl = new URL(start.headers.get('location')!, authorize);
  const html = await (await browser.get(loginUrl.toString())).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const done = await browser.post(new URL('/u/login', loginUrl).toString(), { state: loginUrl.searchParams.get('state')!, _csrf: csrf, username: email, password: PASSWORD });
  expect(done.status, await done.clone().text()).toBe(302);
  const callback = new URL(done.headers.get('location')!);
  expect(callback.origin + callback.pathname).toBe(CALLBACK);
  const code = callback.searchParams.get('code');
  expect(code, callback.toString()).toBeTruthy();
  const tokens = await postForm('/oauth/token', { grant_type: 'authorization_code', client_id: spa.client_id, code: code!, code_verifier: verifier, redirect_uri: CALLBACK });
  expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
  return tokens.body;
}

async function passwordRealmLogin(email: string, scope: string): Promise<Json> {
  const tokens = await postForm('/oauth/token', { grant_type: REALM_GRANT, realm: REALM, client_id: spa.client_id, username: email, password: PASSWORD, audience: managementAudience, scope });
  expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
  return tokens.body;
}

const usersPath = (id: string) => `/api/v2/users/${encodeURIComponent(id)}`;

describe('finding 1: user flows get only the current_user scopes of the Management API', () => {
  it('finding 1: code + PKCE from an SPA asking for read:client_keys read:users gets only read:current_user update:current_user_metadata, and cannot list clients', async () => {
    await signUp('mallory@example.com');
    const tokens = await codeFlowLogin('mallory@example.com', { audience: managementAudience, scope: GREEDY_SCOPE });
    expect(tokens.scope).toBe('openid read:current_user update:current_user_metadata');
    const claims = claimsOf(tokens.access_token);
    expect(claims.scope).toBe('openid read:current_user update:current_user_metadata');
    expect(claims.sub).toMatch(/^auth0\|/);

    const clients = await tls.api('dev', tokens.access_token, 'GET', '/api/v2/clients');
    expect(clients.status).toBe(403);
    expect(clients.body).toMatchObject({ statusCode: 403, error: 'Forbidden', errorCode: 'insufficient_scope' });
    expect(clients.body.message).toMatch(/^Insufficient scope; expected any of: /);
    expect(JSON.stringify(clients.body)).not.toContain('client_secret');
  });

  it('finding 1: the password-realm grant gets only the current_user scopes in one request, and the token reaches no other route', async () => {
    await signUp('eve@example.com');
    const tokens = await passwordRealmLogin('eve@example.com', GREEDY_SCOPE);
    expect(tokens.scope).toBe('openid read:current_user update:current_user_metadata');
    for (const path of ['/api/v2/clients', '/api/v2/users', '/api/v2/tenants/settings', '/api/v2/resource-servers', '/api/v2/client-grants']) {
      const res = await tls.api('dev', tokens.access_token, 'GET', path);
      expect(res.status, path).toBe(403);
      expect(res.body.errorCode, path).toBe('insufficient_scope');
    }
    // Asking for administrative scopes alone leaves none at all.
    const none = await passwordRealmLogin('eve@example.com', 'read:users create:clients');
    expect(none.scope ?? '').toBe('');
    expect(claimsOf(none.access_token).scope).toBeUndefined();
  });

  it('finding 1: the passwordless OTP grant gets only the current_user scopes', async () => {
    const started = await tls.caFetch(`${base}/passwordless/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: spa.client_id, connection: 'email', email: 'otto@example.com', send: 'code' }),
    });
    expect(started.status, await started.clone().text()).toBe(200);
    const messages = await eventually(
      async () => (await tls.api('dev', adminToken, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent('otto@example.com')}`)).body as Json[],
      (found) => Array.isArray(found) && found.length > 0,
      5_000,
    );
    const otp = /\b(\d{6})\b/.exec(messages[0]!.text)![1]!;
    const tokens = await postForm('/oauth/token', { grant_type: OTP_GRANT, client_id: spa.client_id, realm: 'email', username: 'otto@example.com', otp, audience: managementAudience, scope: GREEDY_SCOPE });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(tokens.body.scope).toBe('openid read:current_user update:current_user_metadata');
    expect((await tls.api('dev', tokens.body.access_token, 'GET', '/api/v2/users')).status).toBe(403);
  });

  it('finding 1: a user token reads its own user and patches its own user_metadata, and nothing more', async () => {
    await signUp('ada@example.com');
    await signUp('grace@example.com');
    const tokens = await passwordRealmLogin('ada@example.com', 'openid read:current_user update:current_user_metadata');
    const ownId = claimsOf(tokens.access_token).sub as string;
    const other = ((await tls.api('dev', adminToken, 'GET', `/api/v2/users-by-email?email=grace%40example.com`)).body as Json[])[0]!;

    const own = await tls.api('dev', tokens.access_token, 'GET', usersPath(ownId));
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ user_id: ownId, email: 'ada@example.com' });

    const patched = await tls.api('dev', tokens.access_token, 'PATCH', usersPath(ownId), { user_metadata: { theme: 'dark' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.user_metadata).toEqual({ theme: 'dark' });

    const foreign = await tls.api('dev', tokens.access_token, 'GET', usersPath(other.user_id));
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope', message: 'Insufficient scope; expected any of: read:users,read:current_user.' });
    const foreignPatch = await tls.api('dev', tokens.access_token, 'PATCH', usersPath(other.user_id), { user_metadata: { theme: 'pwned' } });
    expect(foreignPatch.status).toBe(403);

    const appMetadata = await tls.api('dev', tokens.access_token, 'PATCH', usersPath(ownId), { app_metadata: { plan: 'enterprise' } });
    expect(appMetadata.status).toBe(403);
    expect(appMetadata.body.errorCode).toBe('insufficient_scope');
    const mixed = await tls.api('dev', tokens.access_token, 'PATCH', usersPath(ownId), { user_metadata: { theme: 'light' }, email_verified: true });
    expect(mixed.status).toBe(403);
    const password = await tls.api('dev', tokens.access_token, 'PATCH', usersPath(ownId), { password: 'N3w!Passw0rd#x' });
    expect(password.status).toBe(403);
    expect((await tls.api('dev', tokens.access_token, 'DELETE', usersPath(ownId))).status).toBe(403);
    expect((await tls.api('dev', tokens.access_token, 'GET', `${usersPath(ownId)}/roles`)).status).toBe(403);

    const after = (await tls.api('dev', adminToken, 'GET', usersPath(ownId))).body;
    expect(after).toMatchObject({ user_metadata: { theme: 'dark' }, email_verified: false });
    expect(after.app_metadata ?? {}).toEqual({});
    expect((await tls.api('dev', adminToken, 'GET', usersPath(other.user_id))).body.user_metadata ?? {}).toEqual({});
  });

  it('finding 1: each current_user route needs its own scope', async () => {
    await signUp('linus@example.com');
    const readOnly = await passwordRealmLogin('linus@example.com', 'read:current_user');
    const ownId = claimsOf(readOnly.access_token).sub as string;
    expect((await tls.api('dev', readOnly.access_token, 'GET', usersPath(ownId))).status).toBe(200);
    const patch = await tls.api('dev', readOnly.access_token, 'PATCH', usersPath(ownId), { user_metadata: { a: 1 } });
    expect(patch.status).toBe(403);
    expect(patch.body.message).toBe('Insufficient scope; expected any of: update:users,update:users_app_metadata,update:current_user_metadata,create:current_user_metadata.');

    const writeOnly = await passwordRealmLogin('linus@example.com', 'create:current_user_metadata');
    expect((await tls.api('dev', writeOnly.access_token, 'GET', usersPath(ownId))).status).toBe(403);
    expect((await tls.api('dev', writeOnly.access_token, 'PATCH', usersPath(ownId), { user_metadata: { a: 1 } })).status).toBe(200);
  });
});

describe('finding 1: application tokens', () => {
  it('finding 1: a reduced-scope M2M client (read:users only) gets 403 insufficient_scope on GET /api/v2/clients and 200 on GET /api/v2/users', async () => {
    const m2m = (await tls.api('dev', adminToken, 'POST', '/api/v2/clients', { name: 'Reporting job', app_type: 'non_interactive' })).body;
    const grant = await tls.api('dev', adminToken, 'POST', '/api/v2/client-grants', { client_id: m2m.client_id, audience: managementAudience, scope: ['read:users'] });
    expect(grant.status, JSON.stringify(grant.body)).toBe(201);
    const token = await tls.tokenFor('dev', { creds: { tenant: 'dev', client_id: m2m.client_id, client_secret: m2m.client_secret } });
    expect(claimsOf(token)).toMatchObject({ gty: 'client-credentials', sub: `${m2m.client_id}@clients`, scope: 'read:users' });

    const clients = await tls.api('dev', token, 'GET', '/api/v2/clients');
    expect(clients.status).toBe(403);
    expect(clients.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope; expected any of: read:clients,read:client_keys.', errorCode: 'insufficient_scope' });
    const users = await tls.api('dev', token, 'GET', '/api/v2/users');
    expect(users.status).toBe(200);
    expect(Array.isArray(users.body)).toBe(true);

    // The official SDK sees the same answer.
    const sdk = tls.v7('dev', { tenant: 'dev', client_id: m2m.client_id, client_secret: m2m.client_secret });
    const failure = await sdk.clients.list().then(
      () => undefined,
      (error: any) => error,
    );
    expect(failure?.statusCode).toBe(403);
    expect(failure?.body).toMatchObject({ errorCode: 'insufficient_scope' });
    expect((await sdk.users.list()).data).toBeInstanceOf(Array);
  });

  it('finding 1: the OpenAPI document still answers without a token (public routes stay public)', async () => {
    const res = await tls.caFetch(`${base}/api/v2/openapi.json`);
    expect(res.status).toBe(200);
  });
});

/** A minimal SPA origin: a blank page and auth0.js, over HTTPS with the dev certificate. */
async function serveSpa(): Promise<{ origin: string; close(): Promise<void> }> {
  const { certFile, keyFile } = devCertFiles(tls.server);
  const auth0Js = readFileSync(createRequire(import.meta.url).resolve('auth0-js'));
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
    const script = req.url === '/auth0.min.js';
    res.writeHead(200, { 'content-type': script ? 'text/javascript' : 'text/html', 'cache-control': 'no-store' });
    res.end(script ? auth0Js : '<!doctype html><title>profile</title>');
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const port = (server.address() as AddressInfo).port;
  return { origin: `https://app.dev.localhost:${port}`, close: () => new Promise<void>((closed) => server.close(() => closed())) };
}

describe('finding 1: auth0.js Management with a user token', () => {
  it('finding 1: answers CORS on the current_user routes only (any origin, no credentials: the Management API reads no cookie)', async () => {
    const origin = 'https://app.dev.localhost:8443';
    const preflight = await tls.caFetch(`${base}/api/v2/users/auth0%7Cabc`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type,auth0-client' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, PATCH');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const refused = await tls.caFetch(`${base}/api/v2/users/auth0%7Cabc`, { headers: { origin } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    const elsewhere = await tls.caFetch(`${base}/api/v2/clients`, { headers: { origin, authorization: `Bearer ${adminToken}` } });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser({ trustCertificates: [devCertFiles(tls.server).certFile] });
  }, 60_000);
  afterAll(async () => closeBrowser(browser));

  it('finding 1: auth0.js Management reads and patches its own user_metadata and cannot read another user', { timeout: 60_000 }, async () => {
    await signUp('margaret@example.com');
    await signUp('katherine@example.com');
    const tokens = await codeFlowLogin('margaret@example.com', { audience: managementAudience, scope: 'openid read:current_user update:current_user_metadata' });
    const ownId = claimsOf(tokens.access_token).sub as string;
    const otherId = ((await tls.api('dev', adminToken, 'GET', `/api/v2/users-by-email?email=katherine%40example.com`)).body as Json[])[0]!.user_id as string;

    // The SPA's page on its own origin (`https://app.dev.localhost:{port}`, served here over TLS
    // with the dev certificate) loads auth0.js's UMD build: the Management API calls that follow
    // are cross-origin, with a CORS preflight, to the real server over TLS.
    const app = await serveSpa();
    const result = await withPage(browser, 'auth0js-management', async (page) => {
      await page.goto(`${app.origin}/profile`);
      await page.addScriptTag({ url: `${app.origin}/auth0.min.js` });
      return page.evaluate(
        async ({ domain, token, ownId, otherId }) => {
          const management = new (globalThis as any).auth0.Management({ domain, token });
          const call = (fn: (cb: (err: any, res: any) => void) => void) =>
            new Promise<{ err: any; res: any }>((resolve) => fn((err, res) => resolve({ err: err ? { statusCode: err.statusCode, code: err.code, body: err.original?.response?.body } : null, res })));
          const own = await call((cb) => management.getUser(ownId, cb));
          const patched = await call((cb) => management.patchUserMetadata(ownId, { locale: 'en-GB' }, cb));
          const other = await call((cb) => management.getUser(otherId, cb));
          const attributes = await call((cb) => management.patchUserAttributes(ownId, { app_metadata: { role: 'admin' } }, cb));
          return { own, patched, other, attributes };
        },
        { domain: tls.hostOf('dev'), token: tokens.access_token, ownId, otherId },
      );
    }).finally(() => app.close());
    expect(result.own.err).toBeNull();
    expect(result.own.res).toMatchObject({ user_id: ownId, email: 'margaret@example.com' });
    expect(result.patched.err).toBeNull();
    // auth0.js hands these two responses over as the server sent them (`ignoreCasing`).
    expect(result.patched.res.user_metadata).toEqual({ locale: 'en-GB' });
    expect(result.other.res).toBeUndefined();
    // auth0.js reports the Management API's `error` as `code`; the whole answer is on the original response.
    expect(result.other.err).toMatchObject({ statusCode: 403, code: 'Forbidden', body: { errorCode: 'insufficient_scope', message: 'Insufficient scope; expected any of: read:users,read:current_user.' } });
    expect(result.attributes.err).toMatchObject({ statusCode: 403, code: 'Forbidden', body: { errorCode: 'insufficient_scope' } });
    expect((await tls.api('dev', adminToken, 'GET', usersPath(ownId))).body.user_metadata).toEqual({ locale: 'en-GB' });
  });
});
