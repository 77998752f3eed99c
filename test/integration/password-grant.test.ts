/**
 * The resource owner password grants over real TLS: `grant_type=password` (the tenant's default
 * directory) and `http://auth0.com/oauth/grant-type/password-realm` (a named connection), through
 * raw HTTP and the v4 SDK's AuthenticationClient; Auth0's answers for wrong credentials, blocked
 * users, third-party and unauthorised applications, unknown and disabled connections; refresh
 * tokens with offline_access; logs; and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationClient } from 'auth0-v4';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';
import { eventually } from '../support/eventually.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const API = 'https://ledger.example.com/';

type Json = Record<string, any>;

interface App {
  client_id: string;
  client_secret?: string;
}

let tls: TlsTestServer;
let token: string;
let acmeToken: string;
let app: App;
let userId: string;

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  token = await tls.tokenFor('dev');
  acmeToken = await tls.tokenFor('acme');
  const api = await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: API, scopes: [{ value: 'read:ledger' }, { value: 'write:ledger' }], allow_offline_access: true });
  expect(api.status).toBe(201);
  app = await createApp();
  const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: REALM, email: 'ada@example.com', password: PASSWORD, name: 'Ada Lovelace', email_verified: true });
  expect(user.status).toBe(201);
  userId = user.body.user_id;
});
afterAll(async () => tls?.close());

async function createApp(extra: Json = {}, tenant = 'dev', mgmt = token): Promise<App> {
  const res = await tls.api(tenant, mgmt, 'POST', '/api/v2/clients', {
    name: `App ${Math.random().toString(36).slice(2, 8)}`,
    app_type: 'regular_web',
    grant_types: ['password', REALM_GRANT, 'refresh_token'],
    jwt_configuration: { alg: 'HS256' },
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function tokenRequest(form: Record<string, string>, tenant = 'dev'): Promise<{ status: number; body: Json }> {
  const res = await tls.caFetch(`https://${tls.hostOf(tenant)}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const credentials = (a: App): Record<string, string> => ({ client_id: a.client_id, ...(a.client_secret ? { client_secret: a.client_secret } : {}) });
const realmLogin = (a: App, extra: Record<string, string> = {}, tenant = 'dev') =>
  tokenRequest({ grant_type: REALM_GRANT, realm: REALM, username: 'ada@example.com', password: PASSWORD, ...credentials(a), ...extra }, tenant);
const claimsOf = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
const sdkFor = (a: App, tenant = 'dev') => new AuthenticationClient({ domain: tls.hostOf(tenant), clientId: a.client_id, clientSecret: a.client_secret!, idTokenSigningAlg: 'HS256', fetch: tls.caFetch });

const WRONG = { error: 'invalid_grant', error_description: 'Wrong email or password.' };

describe('grant_type=password (default directory)', () => {
  it("answers Auth0's configuration error while the tenant has no default directory", async () => {
    const res = await tokenRequest({ grant_type: 'password', username: 'ada@example.com', password: PASSWORD, ...credentials(app) });
    expect(res).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'Authorization server not configured with default connection.' } });
  });

  it('logs in against the default directory: access token for the API, ID token, no refresh token without offline_access', async () => {
    const set = await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { default_directory: REALM });
    expect(set.status).toBe(200);
    const res = await eventually(
      () => tokenRequest({ grant_type: 'password', username: 'ada@example.com', password: PASSWORD, audience: API, scope: 'openid email read:ledger', ...credentials(app) }),
      (r) => r.status === 200,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 86400, scope: 'openid email read:ledger' });
    expect(res.body.refresh_token).toBeUndefined();
    expect(claimsOf(res.body.access_token)).toMatchObject({ sub: userId, aud: [API, `https://${tls.hostOf('dev')}/userinfo`], azp: app.client_id, scope: 'openid email read:ledger', gty: 'password' });
    expect(claimsOf(res.body.id_token)).toMatchObject({ sub: userId, aud: app.client_id, email: 'ada@example.com', email_verified: true });
  });

  it('logs in through the v4 SDK (passwordGrant), which validates the HS256 ID token', async () => {
    const auth = sdkFor(app);
    const { data } = await auth.oauth.passwordGrant({ username: 'ada@example.com', password: PASSWORD, scope: 'openid profile offline_access', audience: API });
    expect(data.refresh_token).toBeTruthy();
    expect((data as Json).scope).toBe('openid profile offline_access');
    const refreshed = await auth.oauth.refreshTokenGrant({ refresh_token: data.refresh_token! });
    expect(claimsOf(refreshed.data.access_token).sub).toBe(userId);
    expect((await auth.oauth.revokeRefreshToken({ token: data.refresh_token! })).status).toBe(200);
    const error = await thrown(auth.oauth.refreshTokenGrant({ refresh_token: data.refresh_token! }));
    expect(error).toMatchObject({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.', statusCode: 403 });
  });
});

describe('grant_type=password-realm', () => {
  it('logs in against the named connection, with a refresh token for offline_access', async () => {
    const res = await realmLogin(app, { scope: 'openid offline_access read:ledger write:ledger', audience: API });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.refresh_token).toBeTruthy();
    expect(claimsOf(res.body.access_token).scope).toBe('openid offline_access read:ledger write:ledger');
    // Without an audience (and none configured by default), offline_access with openid still earns one.
    const bare = await realmLogin(app, { scope: 'openid offline_access' });
    expect(bare.body.refresh_token).toBeTruthy();
    expect(bare.body.access_token).toBeTruthy();
    const sdk = await sdkFor(app).oauth.passwordGrant({ username: 'ada@example.com', password: PASSWORD, realm: REALM, scope: 'openid' });
    expect(sdk.data.id_token).toBeTruthy();
  });

  it("answers Auth0's errors for wrong credentials, unknown users and blocked users", async () => {
    expect(await realmLogin(app, { password: 'not-the-password' })).toEqual({ status: 403, body: WRONG });
    expect(await realmLogin(app, { username: 'nobody@example.com' })).toEqual({ status: 403, body: WRONG });
    const error = await thrown(sdkFor(app).oauth.passwordGrant({ username: 'ada@example.com', password: 'wrong', realm: REALM }));
    expect(error).toMatchObject({ error: 'invalid_grant', error_description: 'Wrong email or password.', statusCode: 403 });

    const blocked = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: REALM, email: 'blocked@example.com', password: PASSWORD, blocked: true });
    expect(blocked.status).toBe(201);
    expect(await realmLogin(app, { username: 'blocked@example.com' })).toEqual({ status: 401, body: { error: 'unauthorized', error_description: 'user is blocked' } });
    // A blocked user with a wrong password learns nothing more than anyone else.
    expect(await realmLogin(app, { username: 'blocked@example.com', password: 'wrong' })).toEqual({ status: 403, body: WRONG });
  });

  it('refuses unknown, non-database and disabled connections, and missing parameters', async () => {
    expect(await realmLogin(app, { realm: 'No-Such-Connection' })).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'the connection was not found' } });
    const other = await tls.api('dev', token, 'POST', '/api/v2/connections', { name: 'Employees', strategy: 'auth0', enabled_clients: [] });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    expect(await realmLogin(app, { realm: 'Employees' })).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'the connection was disabled' } });
    const email = await tls.api('dev', token, 'POST', '/api/v2/connections', { name: 'email', strategy: 'email' });
    expect(email.status, JSON.stringify(email.body)).toBe(201);
    expect((await realmLogin(app, { realm: 'email' })).body.error_description).toBe('the connection was not found');

    for (const field of ['username', 'password', 'realm']) {
      const res = await realmLogin(app, { [field]: '' });
      expect(res, field).toEqual({ status: 400, body: { error: 'invalid_request', error_description: `Missing required parameter: ${field}` } });
    }
  });

  it('refuses applications without the grant type, third-party applications and bad client credentials', async () => {
    const noGrant = await createApp({ grant_types: ['authorization_code'] });
    const refused = await realmLogin(noGrant);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'unauthorized_client', error_description: `Grant type '${REALM_GRANT}' not allowed for the client.` });

    // Third-party applications cannot be given the password grants at all.
    const thirdParty = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Partner', app_type: 'regular_web', is_first_party: false, grant_types: ['password'] });
    expect(thirdParty.status).toBe(400);
    const partner = await createApp({ is_first_party: false, grant_types: ['authorization_code', 'refresh_token'] });
    const partnerLogin = await realmLogin(partner);
    expect(partnerLogin.status).toBe(403);
    expect(partnerLogin.body.error).toBe('unauthorized_client');
    const partnerPassword = await tokenRequest({ grant_type: 'password', username: 'ada@example.com', password: PASSWORD, ...credentials(partner) });
    expect(partnerPassword.status).toBe(403);

    expect((await realmLogin({ client_id: app.client_id, client_secret: 'wrong' })).status).toBe(401);
  });

  it('applies the API access policy of the audience', async () => {
    const closed = await tls.api('dev', token, 'POST', '/api/v2/resource-servers', {
      identifier: 'https://closed.example.com/',
      scopes: [{ value: 'read:x' }],
      subject_type_authorization: { user: { policy: 'deny_all' } },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);
    const res = await realmLogin(app, { audience: 'https://closed.example.com/', scope: 'openid read:x' });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('access_denied');
    const unknown = await realmLogin(app, { audience: 'https://unknown.example.com/' });
    expect(unknown.status).toBe(403);
    expect(unknown.body.error).toBe('access_denied');
  });

  it('counts the login on the user and logs sepft and fepft', async () => {
    const before = (await tls.api('dev', token, 'GET', `/api/v2/users/${encodeURIComponent(userId)}`)).body.logins_count as number;
    expect((await realmLogin(app)).status).toBe(200);
    const after = (await tls.api('dev', token, 'GET', `/api/v2/users/${encodeURIComponent(userId)}`)).body.logins_count as number;
    expect(after).toBe(before + 1);
    await realmLogin(app, { password: 'wrong' });
    const logs = await eventually(
      async () => (await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(`client_id:"${app.client_id}"`)}&per_page=100`)).body as Json[],
      (entries) => entries.some((e) => e.type === 'sepft') && entries.some((e) => e.type === 'fepft' && e.description === 'Wrong email or password.'),
      4_000,
    );
    expect(logs.find((e) => e.type === 'sepft')).toMatchObject({ client_id: app.client_id, user_id: userId });
    expect(logs.find((e) => e.type === 'fepft' && e.description === 'Wrong email or password.')).toMatchObject({ client_id: app.client_id });
  });
});

describe('tenant isolation', () => {
  it("does not log dev's users in on acme, nor serve dev's applications there", async () => {
    const acmeApp = await createApp({}, 'acme', acmeToken);
    expect(await realmLogin(acmeApp, {}, 'acme')).toEqual({ status: 403, body: WRONG });
    expect((await realmLogin(app, {}, 'acme')).status).toBe(401);
    // acme has no default directory of its own yet: dev's setting does not leak.
    const res = await tokenRequest({ grant_type: 'password', username: 'ada@example.com', password: PASSWORD, ...credentials(acmeApp) }, 'acme');
    expect(res.body.error_description).toBe('Authorization server not configured with default connection.');
  });
});
