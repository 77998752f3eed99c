/**
 * Refresh tokens over real TLS: issued with the code exchange (openid-client v6) and the password
 * grants when `offline_access` is granted; `grant_type=refresh_token` with rotation, reuse
 * detection, the overlap period, non-rotating tokens, scope narrowing and RBAC decided again at
 * each refresh; `POST /oauth/revoke` (openid-client and the v4 SDK's AuthenticationClient); and
 * tenant isolation. Absolute and idle expiry run in-process on a TestClock (test/in-process/expiry.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { AuthenticationClient } from 'auth0-v4';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser } from '../support/form-browser.js';
import { eventually } from '../support/eventually.js';

const CALLBACK = 'https://app.example.com/callback';
const PASSWORD = 'Xk9#mTq2!vLp';
const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const API = 'https://orders.example.com/';
const GRANTS = ['authorization_code', 'refresh_token', 'password', REALM_GRANT];

let tls: TlsTestServer;
let token: string;
let userId: string;

interface App {
  client_id: string;
  client_secret?: string;
}

type Json = Record<string, any>;

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  token = await tls.tokenFor('dev');
  const api = await tls.api('dev', token, 'POST', '/api/v2/resource-servers', {
    identifier: API,
    scopes: [{ value: 'read:orders' }, { value: 'write:orders' }],
    allow_offline_access: true,
    enforce_policies: true,
    token_dialect: 'access_token_authz',
  });
  expect(api.status).toBe(201);
  const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: REALM, email: 'ada@example.com', password: PASSWORD, name: 'Ada Lovelace', email_verified: true });
  expect(user.status).toBe(201);
  userId = user.body.user_id;
  const granted = await tls.api('dev', token, 'POST', `/api/v2/users/${encodeURIComponent(userId)}/permissions`, {
    permissions: ['read:orders', 'write:orders'].map((permission_name) => ({ resource_server_identifier: API, permission_name })),
  });
  expect(granted.status).toBe(201);
});
afterAll(async () => tls?.close());

/** A first-party web application allowed the password and refresh grants, with these refresh settings. */
async function createApp(refresh: Json = {}, extra: Json = {}, tenant = 'dev', mgmt = token): Promise<App> {
  const res = await tls.api(tenant, mgmt, 'POST', '/api/v2/clients', {
    name: `App ${Math.random().toString(36).slice(2, 8)}`,
    app_type: 'regular_web',
    callbacks: [CALLBACK],
    grant_types: GRANTS,
    refresh_token: refresh,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function post(path: string, form: Record<string, string>, tenant = 'dev'): Promise<{ status: number; body: Json }> {
  const res = await tls.caFetch(`https://${tls.hostOf(tenant)}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

const credentials = (app: App): Record<string, string> => ({ client_id: app.client_id, ...(app.client_secret ? { client_secret: app.client_secret } : {}) });

/** Logs Ada in with the password-realm grant; `scope` decides whether a refresh token comes back. */
async function login(app: App, scope = 'openid profile offline_access read:orders write:orders', audience: string | undefined = API): Promise<Json> {
  const res = await post('/oauth/token', { grant_type: REALM_GRANT, realm: REALM, username: 'ada@example.com', password: PASSWORD, scope, ...(audience ? { audience } : {}), ...credentials(app) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const refresh = (app: App, refreshToken: string, extra: Record<string, string> = {}, tenant = 'dev') =>
  post('/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...credentials(app), ...extra }, tenant);

const revoke = (app: App, refreshToken: string, tenant = 'dev') => post('/oauth/revoke', { token: refreshToken, ...credentials(app) }, tenant);

const claimsOf = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

const INVALID = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };

/** Follows /authorize through the hosted login form; returns the callback URL with the code. */
async function logInThroughBrowser(authorizeUrl: URL): Promise<URL> {
  const browser = new FormBrowser(tls);
  const start = await browser.get(authorizeUrl.toString());
  const loginUrl = new URL(start.headers.get('location')!, authorizeUrl);
  const html = await (await browser.get(loginUrl.toString())).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const done = await browser.post(new URL('/u/login', loginUrl).toString(), { state: loginUrl.searchParams.get('state')!, _csrf: csrf, username: 'ada@example.com', password: PASSWORD });
  expect(done.status, await done.clone().text()).toBe(302);
  return new URL(done.headers.get('location')!);
}

async function configFor(app: App): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(`https://${tls.hostOf('dev')}/`), app.client_id, app.client_secret, app.client_secret ? oidc.ClientSecretPost(app.client_secret) : oidc.None(), {
    [oidc.customFetch]: tls.caFetch as oidc.CustomFetch,
  });
}

describe('issuing refresh tokens', () => {
  it('issues one with the code exchange, refreshes and revokes it through openid-client v6', async () => {
    const app = await createApp();
    const config = await configFor(app);
    expect(config.serverMetadata().revocation_endpoint).toBe(`https://${tls.hostOf('dev')}/oauth/revoke`);
    expect(config.serverMetadata().grant_types_supported).toEqual(expect.arrayContaining(['refresh_token', 'password', REALM_GRANT]));
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile offline_access read:orders',
      audience: API,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const tokens = await oidc.authorizationCodeGrant(config, await logInThroughBrowser(url), { pkceCodeVerifier: verifier, expectedNonce: nonce });
    expect(tokens.refresh_token).toBeTruthy();
    const first = tokens.claims()!;

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeUndefined(); // non-rotating by default: the same token keeps working
    expect(claimsOf(refreshed.access_token)).toMatchObject({ sub: userId, aud: [API, `https://${tls.hostOf('dev')}/userinfo`], scope: 'openid profile offline_access read:orders' });
    const idClaims = refreshed.claims()!;
    expect(idClaims).toMatchObject({ sub: userId, name: 'Ada Lovelace', auth_time: first.auth_time, sid: first.sid });
    expect(idClaims.nonce).toBeUndefined();

    await oidc.tokenRevocation(config, tokens.refresh_token!);
    const after = await refresh(app, tokens.refresh_token!);
    expect(after).toEqual({ status: 403, body: INVALID });
  });

  it('revokes what a code issued when the code is replayed', async () => {
    const app = await createApp();
    const config = await configFor(app);
    const callback = await logInThroughBrowser(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid offline_access' }));
    const form = { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, ...credentials(app) };
    const first = await post('/oauth/token', form);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toBeTruthy(); // openid alone, no audience: Auth0 allows offline access
    expect((await refresh(app, first.body.refresh_token)).status).toBe(200);
    expect((await post('/oauth/token', form)).status).toBe(403);
    expect(await refresh(app, first.body.refresh_token)).toEqual({ status: 403, body: INVALID });
  });

  it('issues none without offline_access, without the refresh_token grant, or for an API that does not allow offline access', async () => {
    const app = await createApp();
    expect((await login(app, 'openid read:orders')).refresh_token).toBeUndefined();

    const noGrant = await createApp({}, { grant_types: ['password', REALM_GRANT] });
    expect((await login(noGrant)).refresh_token).toBeUndefined();

    const online = await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: 'https://online.example.com/', scopes: [{ value: 'read:x' }], allow_offline_access: false });
    expect(online.status).toBe(201);
    const body = await login(app, 'openid offline_access read:x', 'https://online.example.com/');
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe('openid read:x');
  });
});

describe('grant_type=refresh_token', () => {
  it('keeps a non-rotating token working, with no new token in the answer', async () => {
    const app = await createApp({ rotation_type: 'non-rotating' });
    const { refresh_token: rt } = await login(app);
    for (let i = 0; i < 3; i++) {
      const res = await refresh(app, rt);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 86400, scope: 'openid profile offline_access read:orders write:orders' });
      expect(res.body.refresh_token).toBeUndefined();
      expect(res.body.id_token).toBeTruthy();
    }
  });

  it('rotates: each use returns a new token, and reusing a rotated one revokes the whole family', async () => {
    const app = await createApp({ rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0 });
    const { refresh_token: rt1 } = await login(app);
    const second = await refresh(app, rt1);
    expect(second.status).toBe(200);
    const rt2 = second.body.refresh_token as string;
    expect(rt2).toBeTruthy();
    expect(rt2).not.toBe(rt1);
    const third = await refresh(app, rt2);
    expect(third.status).toBe(200);
    const rt3 = third.body.refresh_token as string;

    // rt1 again: reuse detected; the family (rt3, the newest, included) is revoked.
    expect(await refresh(app, rt1)).toEqual({ status: 403, body: INVALID });
    expect(await refresh(app, rt3)).toEqual({ status: 403, body: INVALID });
    // Another family of the same user and application is not affected.
    const other = await login(app);
    expect((await refresh(app, other.refresh_token)).status).toBe(200);
  });

  it('lets a rotated token be used again within the overlap period (leeway) without revoking the family', async () => {
    const app = await createApp({ rotation_type: 'rotating', expiration_type: 'expiring', leeway: 30 });
    const { refresh_token: rt1 } = await login(app);
    const first = await refresh(app, rt1);
    const retry = await refresh(app, rt1);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBeTruthy();
    expect(retry.body.refresh_token).not.toBe(first.body.refresh_token);
    expect((await refresh(app, first.body.refresh_token)).status).toBe(200);
    expect((await refresh(app, retry.body.refresh_token)).status).toBe(200);
  });

  it('answers concurrent uses of one rotating token once without leeway, and all of them within it', async () => {
    const strict = await createApp({ rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0 });
    const { refresh_token: rt } = await login(strict);
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(strict, rt)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 403)).toHaveLength(4);

    const lenient = await createApp({ rotation_type: 'rotating', expiration_type: 'expiring', leeway: 30 });
    const { refresh_token: rt2 } = await login(lenient);
    const all = await Promise.all([refresh(lenient, rt2), refresh(lenient, rt2), refresh(lenient, rt2)]);
    expect(all.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(all.map((r) => r.body.refresh_token)).size).toBe(3);
  });

  it('narrows the scope on request and never widens it; no scope means every granted scope', async () => {
    const app = await createApp();
    const { refresh_token: rt } = await login(app, 'openid offline_access read:orders');
    const narrowed = await refresh(app, rt, { scope: 'read:orders' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('read:orders');
    expect(narrowed.body.id_token).toBeUndefined(); // openid was not asked for this time
    expect(claimsOf(narrowed.body.access_token)).toMatchObject({ scope: 'read:orders', aud: API });

    const widened = await refresh(app, rt, { scope: 'openid read:orders write:orders' });
    expect(widened.status).toBe(403);
    expect(widened.body.error).toBe('invalid_scope');

    const full = await refresh(app, rt);
    expect(full.body.scope).toBe('openid offline_access read:orders');
    expect(full.body.id_token).toBeTruthy();
  });

  it('decides API access again at each refresh: a removed permission leaves the token', async () => {
    const app = await createApp();
    const { refresh_token: rt, access_token } = await login(app);
    expect(claimsOf(access_token).permissions).toEqual(['read:orders', 'write:orders']);
    const removed = await tls.api('dev', token, 'DELETE', `/api/v2/users/${encodeURIComponent(userId)}/permissions`, {
      permissions: [{ resource_server_identifier: API, permission_name: 'write:orders' }],
    });
    expect(removed.status).toBe(204);
    try {
      const res = await eventually(
        () => refresh(app, rt),
        (r) => r.status === 200 && !String(r.body.scope).includes('write:orders'),
      );
      expect(res.body.scope).toBe('openid profile offline_access read:orders');
      expect(claimsOf(res.body.access_token)).toMatchObject({ scope: 'openid profile offline_access read:orders', permissions: ['read:orders'] });
    } finally {
      await tls.api('dev', token, 'POST', `/api/v2/users/${encodeURIComponent(userId)}/permissions`, { permissions: [{ resource_server_identifier: API, permission_name: 'write:orders' }] });
    }
  });

  it('refuses the tokens of blocked and deleted users', async () => {
    const app = await createApp();
    const email = `grace-${Date.now()}@example.com`;
    const created = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: REALM, email, password: PASSWORD });
    const grace = created.body.user_id as string;
    const res = await post('/oauth/token', { grant_type: REALM_GRANT, realm: REALM, username: email, password: PASSWORD, scope: 'openid offline_access', ...credentials(app) });
    const rt = res.body.refresh_token as string;
    await tls.api('dev', token, 'PATCH', `/api/v2/users/${encodeURIComponent(grace)}`, { blocked: true });
    expect(await refresh(app, rt)).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'user is blocked' } });
    await tls.api('dev', token, 'PATCH', `/api/v2/users/${encodeURIComponent(grace)}`, { blocked: false });
    expect((await refresh(app, rt)).status).toBe(200);
    await tls.api('dev', token, 'DELETE', `/api/v2/users/${encodeURIComponent(grace)}`);
    expect(await refresh(app, rt)).toEqual({ status: 403, body: INVALID });
  });

  it("refuses another application's token without touching it, and bad requests", async () => {
    const owner = await createApp();
    const other = await createApp();
    const { refresh_token: rt } = await login(owner);
    expect(await refresh(other, rt)).toEqual({ status: 403, body: INVALID });
    expect((await refresh(owner, rt)).status).toBe(200);

    expect(await refresh(owner, 'not-a-token')).toEqual({ status: 403, body: INVALID });
    const missing = await post('/oauth/token', { grant_type: 'refresh_token', ...credentials(owner) });
    expect(missing).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Missing required parameter: refresh_token' } });
    expect((await refresh({ client_id: owner.client_id, client_secret: 'wrong' }, rt)).status).toBe(401);
    const otherAudience = await refresh(owner, rt, { audience: 'https://elsewhere.example.com/' });
    expect(otherAudience.status).toBe(403);
    expect(otherAudience.body.error).toBe('access_denied');

    const noRefreshGrant = await createApp({}, { grant_types: ['password', REALM_GRANT] });
    const refused = await refresh(noRefreshGrant, rt);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('unauthorized_client');
  });

  it('serves public applications that identify with client_id alone', async () => {
    const res = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Native', app_type: 'native', callbacks: [CALLBACK], grant_types: GRANTS });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const native: App = { client_id: res.body.client_id };
    const { refresh_token: rt } = await login(native);
    expect((await refresh(native, rt)).status).toBe(200);
    expect(await revoke(native, rt)).toEqual({ status: 200, body: {} });
    expect(await refresh(native, rt)).toEqual({ status: 403, body: INVALID });
  });
});

describe('POST /oauth/revoke', () => {
  it('revokes through the v4 SDK, and answers 200 for unknown and already revoked tokens', async () => {
    const app = await createApp();
    const { refresh_token: rt } = await login(app);
    const auth = new AuthenticationClient({ domain: tls.hostOf('dev'), clientId: app.client_id, clientSecret: app.client_secret!, fetch: tls.caFetch });
    const answer = await auth.oauth.revokeRefreshToken({ token: rt });
    expect(answer.status).toBe(200);
    expect(await refresh(app, rt)).toEqual({ status: 403, body: INVALID });
    expect(await revoke(app, rt)).toEqual({ status: 200, body: {} });
    expect(await revoke(app, 'never-issued')).toEqual({ status: 200, body: {} });
  });

  it('revokes the whole family, rotated tokens included', async () => {
    const app = await createApp({ rotation_type: 'rotating', expiration_type: 'expiring', leeway: 60 });
    const { refresh_token: rt1 } = await login(app);
    const rt2 = (await refresh(app, rt1)).body.refresh_token as string;
    expect(await revoke(app, rt1)).toEqual({ status: 200, body: {} });
    expect(await refresh(app, rt2)).toEqual({ status: 403, body: INVALID });
  });

  it("never revokes another application's token, and checks client authentication and parameters", async () => {
    const owner = await createApp();
    const other = await createApp();
    const { refresh_token: rt } = await login(owner);
    expect(await revoke(other, rt)).toEqual({ status: 200, body: {} });
    expect((await refresh(owner, rt)).status).toBe(200);

    const wrongSecret = await revoke({ client_id: owner.client_id, client_secret: 'wrong' }, rt);
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
    const noSecret = await revoke({ client_id: owner.client_id }, rt); // a confidential application must authenticate
    expect(noSecret.status).toBe(401);
    const noToken = await post('/oauth/revoke', credentials(owner));
    expect(noToken).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Missing required parameter: token' } });
    const noClient = await post('/oauth/revoke', { token: rt });
    expect(noClient.status).toBe(400);
    expect((await refresh(owner, rt)).status).toBe(200);
  });

  it('with flags.revoke_refresh_token_grant also ends the other refresh tokens of the user grant', async () => {
    const app = await createApp();
    const a = (await login(app)).refresh_token as string;
    const b = (await login(app)).refresh_token as string;
    await revoke(app, a);
    expect((await refresh(app, b)).status).toBe(200); // flag off: only a's family

    const on = await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { revoke_refresh_token_grant: true } });
    expect(on.status).toBe(200);
    try {
      const c = (await login(app)).refresh_token as string;
      const d = (await login(app)).refresh_token as string;
      await eventually(
        async () => {
          await revoke(app, c);
          return refresh(app, d);
        },
        (r) => r.status === 403,
      );
      expect(await refresh(app, d)).toEqual({ status: 403, body: INVALID });
    } finally {
      await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { revoke_refresh_token_grant: false } });
    }
  });
});

describe('tenant isolation and logs', () => {
  it("refuses a dev refresh token on acme, for acme's applications and for dev's client id alike", async () => {
    const app = await createApp();
    const { refresh_token: rt } = await login(app);
    await tls.server.createTenant('acme');
    const acmeToken = await tls.tokenFor('acme');
    const acmeApp = await createApp({}, {}, 'acme', acmeToken);
    expect(await refresh(acmeApp, rt, {}, 'acme')).toEqual({ status: 403, body: INVALID });
    expect((await refresh(app, rt, {}, 'acme')).status).toBe(401); // dev's application does not exist on acme
    expect(await revoke(acmeApp, rt, 'acme')).toEqual({ status: 200, body: {} });
    expect((await refresh(app, rt)).status).toBe(200);
  });

  it('logs sertft, fertft and srrt with the application and the user', async () => {
    const app = await createApp();
    const { refresh_token: rt } = await login(app);
    await refresh(app, rt);
    await revoke(app, rt);
    await refresh(app, rt);
    const logs = await eventually(
      async () => (await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(`client_id:"${app.client_id}"`)}&per_page=50`)).body as Json[],
      (entries) => ['sertft', 'fertft', 'srrt'].every((type) => entries.some((e) => e.type === type)),
      4_000,
    );
    expect(logs.find((e) => e.type === 'sertft')).toMatchObject({ client_id: app.client_id, user_id: userId, audience: API });
    expect(logs.find((e) => e.type === 'srrt')).toMatchObject({ client_id: app.client_id, user_id: userId });
    expect(logs.find((e) => e.type === 'fertft')).toMatchObject({ client_id: app.client_id, description: 'Unknown or invalid refresh token.' });
  });
});
