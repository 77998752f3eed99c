/**
 * The authorization code flow with PKCE, driven by `openid-client` v6 (a certified OpenID relying
 * party) over TLS, with the hosted login form submitted over HTTP as a browser would; plus SSO on a
 * second authorization, prompt=none, userinfo, and the protocol's security rules; pushed
 * authorization requests (RFC 9126), also through openid-client's PAR support; JWT-secured
 * authorization requests (RFC 9101), alone and pushed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import { CompactEncrypt, SignJWT, base64url, compactDecrypt, createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser } from '../support/form-browser.js';

const CALLBACK = 'https://app.example.com/callback';
const PASSWORD = 'Xk9#mTq2!vLp';

let tls: TlsTestServer;
let token: string;
let web: { client_id: string; client_secret: string };
let spa: { client_id: string };

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  token = await tls.tokenFor('dev');
  web = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
  spa = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'SPA', app_type: 'spa', callbacks: [CALLBACK] })).body;
  const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'ada@example.com', password: PASSWORD, name: 'Ada Lovelace', email_verified: true });
  expect(user.status).toBe(201);
});
afterAll(async () => tls?.close());

/** Follows /authorize through the hosted login form; returns where the server finally redirects. */
async function logIn(browser: FormBrowser, authorizeUrl: URL, credentials = { username: 'ada@example.com', password: PASSWORD }): Promise<URL> {
  const start = await browser.get(authorizeUrl.toString());
  expect(start.status).toBe(302);
  const loginUrl = new URL(start.headers.get('location')!, authorizeUrl);
  expect(loginUrl.pathname).toBe('/u/login');
  const page = await browser.get(loginUrl.toString());
  expect(page.status).toBe(200);
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const state = loginUrl.searchParams.get('state')!;
  const done = await browser.post(new URL('/u/login', loginUrl).toString(), { state, _csrf: csrf, ...credentials });
  expect(done.status, await done.clone().text()).toBe(302);
  return new URL(done.headers.get('location')!);
}

async function configFor(clientId: string, secret?: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(`https://${tls.hostOf('dev')}/`), clientId, secret, secret ? oidc.ClientSecretPost(secret) : oidc.None(), {
    [oidc.customFetch]: tls.caFetch as oidc.CustomFetch,
  });
}

describe('authorization code flow with openid-client v6', () => {
  it('discovers the issuer, logs in through the hosted page, redeems the code with PKCE and calls /userinfo', async () => {
    const config = await configFor(web.client_id, web.client_secret);
    expect(config.serverMetadata().authorization_endpoint).toBe(`https://${tls.hostOf('dev')}/authorize`);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await logIn(new FormBrowser(tls), url);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: `https://${tls.hostOf('dev')}/`, aud: web.client_id, email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' });
    expect(claims.sub).toMatch(/^auth0\|/);
    expect(typeof claims.auth_time).toBe('number');
    expect(typeof claims.sid).toBe('string');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, email: 'ada@example.com', name: 'Ada Lovelace' });
  });

  it('serves a public application (SPA) with PKCE and no secret, and an API audience with a JWT access token', async () => {
    await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: 'https://orders.example.com/', scopes: [{ value: 'read:orders' }] });
    const config = await configFor(spa.client_id);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid read:orders',
      audience: 'https://orders.example.com/',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const tokens = await oidc.authorizationCodeGrant(config, await logIn(new FormBrowser(tls), url), { pkceCodeVerifier: verifier });
    const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
    expect(access.aud).toEqual(['https://orders.example.com/', `https://${tls.hostOf('dev')}/userinfo`]);
    expect(access.scope).toBe('openid read:orders');
    expect(access.azp).toBe(spa.client_id);
    expect(await oidc.fetchUserInfo(config, tokens.access_token, access.sub)).toMatchObject({ sub: access.sub });
  });

  it('issues JWE access tokens for an API with token_encryption (code and refresh), which /userinfo refuses: it cannot read them', async () => {
    const apiKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const created = await tls.api('dev', token, 'POST', '/api/v2/resource-servers', {
      identifier: 'https://vault.example.com/',
      scopes: [{ value: 'read:vault' }],
      allow_offline_access: true,
      token_encryption: { format: 'compact-nested-jwe', encryption_key: { name: 'Vault', alg: 'RSA-OAEP-512', pem: apiKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(), kid: 'vault-1' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const config = await configFor(spa.client_id);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid offline_access read:vault',
      audience: 'https://vault.example.com/',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const tokens = await oidc.authorizationCodeGrant(config, await logIn(new FormBrowser(tls), url), { pkceCodeVerifier: verifier });
    const issuer = `https://${tls.hostOf('dev')}/`;
    const jwks = createRemoteJWKSet(new URL(`${issuer}.well-known/jwks.json`), { [customFetch]: tls.caFetch });
    const open = async (jwe: string) => {
      expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'RSA-OAEP-512', enc: 'A256GCM', cty: 'JWT', kid: 'vault-1' });
      const { plaintext } = await compactDecrypt(jwe, apiKey.privateKey);
      return (await jwtVerify(new TextDecoder().decode(plaintext), jwks, { issuer, audience: 'https://vault.example.com/' })).payload;
    };
    const access = await open(tokens.access_token);
    expect(access.aud).toEqual(['https://vault.example.com/', `${issuer}userinfo`]);
    expect(access).toMatchObject({ azp: spa.client_id, scope: 'openid offline_access read:vault' });
    expect(tokens.claims()!.sub).toBe(access.sub);

    // /userinfo holds no private key of the API: a 401 invalid_token, never a 500 from parsing a JWE as a JWS.
    const userinfo = await tls.caFetch(`${issuer}userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    expect(await userinfo.json()).toMatchObject({ error: 'invalid_token' });
    expect(userinfo.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);

    // The refresh grant mints through the same path.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect((await open(refreshed.access_token)).sub).toBe(access.sub);
  });

  it('logs in silently on a second authorization (SSO) and answers prompt=none without a session with login_required', async () => {
    const config = await configFor(web.client_id, web.client_secret);
    const browser = new FormBrowser(tls);
    await logIn(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' }));
    const again = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', state: 's2' }).toString());
    expect(again.status).toBe(302);
    const location = new URL(again.headers.get('location')!);
    expect(location.searchParams.get('code')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('s2');

    const stranger = await new FormBrowser(tls).get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', state: 's3' }).toString());
    const error = new URL(stranger.headers.get('location')!);
    expect(error.searchParams.get('error')).toBe('login_required');
    expect(error.searchParams.get('state')).toBe('s3');
  });

  it("does not reuse a session for an application the session's connection is not enabled for: login page, prompt=none login_required, no code", async () => {
    const appA = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Staff A', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
    const appB = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Other B', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
    const connection = await tls.api('dev', token, 'POST', '/api/v2/connections', { name: 'staff-sso', strategy: 'auth0', enabled_clients: [appA.client_id] });
    expect(connection.status).toBe(201);
    const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'staff-sso', email: 'sso-staff@example.com', password: PASSWORD, email_verified: true });
    expect(user.status).toBe(201);
    const configA = await configFor(appA.client_id, appA.client_secret);
    const browser = new FormBrowser(tls);
    const landed = await logIn(browser, oidc.buildAuthorizationUrl(configA, { redirect_uri: CALLBACK, scope: 'openid', connection: 'staff-sso' }), { username: 'sso-staff@example.com', password: PASSWORD });
    expect(landed.searchParams.get('code')).toBeTruthy();
    // Reused for A, which the connection is enabled for.
    const silentA = await browser.get(oidc.buildAuthorizationUrl(configA, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none' }).toString());
    expect(new URL(silentA.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    const configB = await configFor(appB.client_id, appB.client_secret);
    const silentB = await browser.get(oidc.buildAuthorizationUrl(configB, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', state: 'b1' }).toString());
    expect(silentB.status).toBe(302);
    const refused = new URL(silentB.headers.get('location')!);
    expect(refused.searchParams.get('error')).toBe('login_required');
    expect(refused.searchParams.get('code')).toBeNull();
    const interactive = await browser.get(oidc.buildAuthorizationUrl(configB, { redirect_uri: CALLBACK, scope: 'openid', state: 'b2' }).toString());
    expect(interactive.status).toBe(302);
    const next = new URL(interactive.headers.get('location')!, `https://${tls.hostOf('dev')}/`);
    expect(next.pathname).toBe('/u/login');
    expect(next.searchParams.get('code')).toBeNull();
  });
});

describe('client credentials with openid-client v6', () => {
  it('gets an API token for a machine-to-machine application', async () => {
    await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: 'urn:m2m', scopes: [{ value: 'run:jobs' }] });
    const m2m = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Jobs', app_type: 'non_interactive' })).body;
    await tls.api('dev', token, 'POST', '/api/v2/client-grants', { client_id: m2m.client_id, audience: 'urn:m2m', scope: ['run:jobs'] });
    const config = await configFor(m2m.client_id, m2m.client_secret);
    const tokens = await oidc.clientCredentialsGrant(config, { audience: 'urn:m2m', scope: 'run:jobs' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('run:jobs');
    expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString())).toMatchObject({ aud: 'urn:m2m', gty: 'client-credentials' });
  });
});

describe('authorization security rules', () => {
  const authorize = (params: Record<string, string>) => `https://${tls.hostOf('dev')}/authorize?${new URLSearchParams(params)}`;

  it('never redirects to an unregistered redirect_uri or for an unknown client: it shows an error page', async () => {
    for (const params of [
      { client_id: web.client_id, redirect_uri: 'https://evil.example.com/callback', response_type: 'code' },
      { client_id: web.client_id, redirect_uri: `${CALLBACK}/extra`, response_type: 'code' },
      { client_id: 'unknown', redirect_uri: CALLBACK, response_type: 'code' },
    ]) {
      const res = await new FormBrowser(tls).get(authorize(params));
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it('requires PKCE from public clients and refuses unsupported response types with a redirect', async () => {
    const noPkce = await new FormBrowser(tls).get(authorize({ client_id: spa.client_id, redirect_uri: CALLBACK, response_type: 'code', state: 'x' }));
    expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const bad = await new FormBrowser(tls).get(authorize({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'magic', state: 'x' }));
    expect(new URL(bad.headers.get('location')!).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('rejects a replayed code, a wrong or missing verifier, another redirect_uri and a code used by another client', async () => {
    const config = await configFor(web.client_id, web.client_secret);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const callback = await logIn(new FormBrowser(tls), url);
    const code = callback.searchParams.get('code')!;
    const redeem = (form: Record<string, string>) =>
      tls.caFetch(`https://${tls.hostOf('dev')}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const base = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: web.client_id, client_secret: web.client_secret };
    const answer = async (res: Response) => ({ status: res.status, body: await res.json() });
    const wrongVerifier = await redeem({ ...base, code_verifier: oidc.randomPKCECodeVerifier() });
    expect(await answer(wrongVerifier)).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Failed to verify code verifier' } });
    // The code was consumed by the failed attempt: a one-time code never works twice.
    const replay = await redeem({ ...base, code_verifier: verifier });
    expect(await answer(replay)).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });

    // The checks of domain/oidc/code-grant.ts, in order, each on a fresh code (a failed attempt consumes it).
    const withChallenge = async () => (await logIn(new FormBrowser(tls), url)).searchParams.get('code')!;
    const noVerifier = await redeem({ ...base, code: await withChallenge() });
    expect(await answer(noVerifier)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: "Parameter 'code_verifier' is required" } });
    const otherRedirect = await redeem({ ...base, code: await withChallenge(), redirect_uri: `${CALLBACK}/other`, code_verifier: verifier });
    expect(await answer(otherRedirect)).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid redirect_uri' } });

    const second = await logIn(new FormBrowser(tls), oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' }));
    const otherClient = await redeem({ grant_type: 'authorization_code', code: second.searchParams.get('code')!, redirect_uri: CALLBACK, client_id: spa.client_id });
    expect(await answer(otherClient)).toEqual({ status: 403, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });
  });

  it('rejects wrong credentials on the hosted page, and a form posted without its CSRF token', async () => {
    const config = await configFor(web.client_id, web.client_secret);
    const browser = new FormBrowser(tls);
    const start = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' }).toString());
    const loginUrl = new URL(start.headers.get('location')!, `https://${tls.hostOf('dev')}`);
    const html = await (await browser.get(loginUrl.toString())).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const state = loginUrl.searchParams.get('state')!;
    const wrong = await browser.post(loginUrl.origin + '/u/login', { state, _csrf: csrf, username: 'ada@example.com', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong email or password.');
    const forged = await browser.post(loginUrl.origin + '/u/login', { state, _csrf: 'forged', username: 'ada@example.com', password: PASSWORD });
    expect(forged.status).toBe(403);
    // Another browser (no transaction cookie) cannot use the transaction either.
    const elsewhere = await new FormBrowser(tls).post(loginUrl.origin + '/u/login', { state, _csrf: csrf, username: 'ada@example.com', password: PASSWORD });
    expect(elsewhere.status).toBe(400);
  });
});

describe('logout', () => {
  const host = () => `https://${tls.hostOf('dev')}`;

  it('/v2/logout ends the session and follows only an allowed returnTo', async () => {
    await tls.api('dev', token, 'PATCH', `/api/v2/clients/${web.client_id}`, { allowed_logout_urls: ['https://app.example.com/bye'] });
    const config = await configFor(web.client_id, web.client_secret);
    const browser = new FormBrowser(tls);
    await logIn(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' }));

    const evil = await browser.get(`${host()}/v2/logout?client_id=${web.client_id}&returnTo=${encodeURIComponent('https://evil.example.com/')}`);
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();

    // Without the session's own ID token the user confirms first (issue 11, finding 10).
    const prompt = await browser.get(`${host()}/v2/logout?client_id=${web.client_id}&returnTo=${encodeURIComponent('https://app.example.com/bye')}`);
    expect(prompt.status).toBe(200);
    const ticket = /name="ticket" value="([^"]+)"/.exec(await prompt.text())![1]!;
    const ok = await browser.post(`${host()}/oidc/logout/confirm`, { ticket, action: 'logout' });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('https://app.example.com/bye');
    const after = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none' }).toString());
    expect(new URL(after.headers.get('location')!).searchParams.get('error')).toBe('login_required');
  });

  it('/oidc/logout takes id_token_hint, post_logout_redirect_uri and state', async () => {
    const config = await configFor(web.client_id, web.client_secret);
    expect(config.serverMetadata().end_session_endpoint).toBe(`${host()}/oidc/logout`);
    const browser = new FormBrowser(tls);
    const tokens = await oidc.authorizationCodeGrant(config, await logIn(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' })));
    const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://app.example.com/bye', state: 'st' });
    const res = await browser.get(url.toString());
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://app.example.com/bye?state=st');
    const notListed = await new FormBrowser(tls).get(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example.com/' }).toString());
    expect(notListed.status).toBe(400);
  });
});

describe('RP-initiated logout without an id_token_hint', () => {
  const host = () => `https://${tls.hostOf('dev')}`;

  it('asks the user to confirm, with a ticket bound to the session, unless the tenant turned the prompt off', async () => {
    const config = await configFor(web.client_id, web.client_secret);
    const browser = new FormBrowser(tls);
    await logIn(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' }));
    const logoutUrl = `${host()}/oidc/logout?${new URLSearchParams({ client_id: web.client_id, post_logout_redirect_uri: 'https://app.example.com/bye', state: 'q' })}`;
    const prompt = await browser.get(logoutUrl);
    expect(prompt.status).toBe(200);
    const ticket = /name="ticket" value="([^"]+)"/.exec(await prompt.text())![1]!;
    // The ticket is useless in another browser (no session of that sid).
    expect((await new FormBrowser(tls).post(`${host()}/oidc/logout/confirm`, { ticket, action: 'logout' })).status).toBe(400);
    const done = await browser.post(`${host()}/oidc/logout/confirm`, { ticket, action: 'logout' });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('https://app.example.com/bye?state=q');
    const after = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none' }).toString());
    expect(new URL(after.headers.get('location')!).searchParams.get('error')).toBe('login_required');

    await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { sessions: { oidc_logout_prompt_enabled: false } });
    const second = new FormBrowser(tls);
    await logIn(second, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' }));
    const direct = await second.get(logoutUrl);
    expect(direct.status).toBe(302);
    await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { sessions: { oidc_logout_prompt_enabled: true } });
  });
});

describe('CORS on the Authentication API', () => {
  it('answers preflights for application origins and refuses others with Auth0’s message', async () => {
    await tls.api('dev', token, 'PATCH', `/api/v2/clients/${spa.client_id}`, { web_origins: ['https://spa.example.com'] });
    const preflight = (origin: string) =>
      tls.caFetch(`https://${tls.hostOf('dev')}/oauth/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, auth0-client' } });
    const ok = await preflight('https://spa.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://spa.example.com');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Auth0-Client/);
    const callbackOrigin = await preflight('https://app.example.com');
    expect(callbackOrigin.status).toBe(204);
    const denied = await preflight('https://evil.example.com');
    expect(denied.status).toBe(403);
    expect(await denied.text()).toBe('Origin https://evil.example.com is not allowed.');
  });
});

describe('implicit and hybrid responses, token contents', () => {
  const host = () => `https://${tls.hostOf('dev')}`;
  const fragmentOf = (location: string) => new URLSearchParams(new URL(location).hash.slice(1));

  it('returns id_token and access token in the fragment, with at_hash and nonce; code id_token carries c_hash', async () => {
    const config = await configFor(web.client_id, web.client_secret);
    const browser = new FormBrowser(tls);
    const first = await logIn(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid email', response_type: 'id_token token', nonce: 'n-1', state: 's' }));
    const params = new URLSearchParams(first.hash.slice(1));
    expect(params.get('state')).toBe('s');
    expect(params.get('token_type')).toBe('Bearer');
    const idToken = JSON.parse(Buffer.from(params.get('id_token')!.split('.')[1]!, 'base64url').toString());
    expect(idToken.nonce).toBe('n-1');
    expect(typeof idToken.at_hash).toBe('string');
    expect(idToken.email).toBe('ada@example.com');

    const hybrid = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', response_type: 'code id_token', nonce: 'n-2' }).toString());
    const hybridParams = fragmentOf(hybrid.headers.get('location')!);
    expect(hybridParams.get('code')).toBeTruthy();
    expect(JSON.parse(Buffer.from(hybridParams.get('id_token')!.split('.')[1]!, 'base64url').toString()).c_hash).toBeTruthy();

    const noNonce = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', response_type: 'id_token' }).toString());
    expect(fragmentOf(noNonce.headers.get('location')!).get('error')).toBe('invalid_request');
    const inQuery = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', response_type: 'token', response_mode: 'query' }).toString());
    expect(new URL(inQuery.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('answers form_post with an auto-submitting form and web_message with a page that posts to the callback origin only', async () => {
    const config = await configFor(web.client_id, web.client_secret);
    const browser = new FormBrowser(tls);
    await logIn(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' }));
    const formPost = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', response_mode: 'form_post', state: 'fp' }).toString());
    const html = await formPost.text();
    expect(html).toContain(`action="${CALLBACK}"`);
    expect(html).toMatch(/name="code" value="[^"]+"/);
    expect(html).toContain('name="state" value="fp"');
    expect(formPost.headers.get('content-security-policy')).toContain('form-action https://app.example.com');

    // web_message answers only an origin listed in Allowed Web Origins (finding 19).
    await tls.api('dev', token, 'PATCH', `/api/v2/clients/${web.client_id}`, { web_origins: ['https://app.example.com'] });
    const message = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', response_mode: 'web_message', prompt: 'none', state: 'wm' }).toString());
    const page = await message.text();
    expect(page).toContain('"type":"authorization_response"');
    expect(page).toContain('"state":"wm"');
    expect(page).toContain('"https://app.example.com"');
    expect(message.headers.get('content-security-policy')).toContain('frame-ancestors https://app.example.com');
    expect(message.headers.get('x-frame-options')).toBeNull();
  });

  it('puts RBAC permissions in the access token and signs HS256 ID tokens with the client secret when configured', async () => {
    const api = (await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: 'urn:rbac', scopes: [{ value: 'read:a' }, { value: 'write:a' }], enforce_policies: true, token_dialect: 'access_token_authz' })).body;
    const users = (await tls.api('dev', token, 'GET', `/api/v2/users-by-email?email=ada@example.com`)).body;
    await tls.api('dev', token, 'POST', `/api/v2/users/${encodeURIComponent(users[0].user_id)}/permissions`, { permissions: [{ resource_server_identifier: api.identifier, permission_name: 'read:a' }] });
    const hs = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'HS', app_type: 'regular_web', callbacks: [CALLBACK], jwt_configuration: { alg: 'HS256' } })).body;
    const config = await configFor(hs.client_id, hs.client_secret);
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid read:a write:a', audience: 'urn:rbac' });
    const callback = await logIn(new FormBrowser(tls), url);
    const res = await tls.caFetch(`${host()}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, client_id: hs.client_id, client_secret: hs.client_secret }),
    });
    const body = (await res.json()) as { access_token: string; id_token: string };
    const access = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString());
    expect(access.scope).toBe('openid read:a');
    expect(access.permissions).toEqual(['read:a']);
    const { jwtVerify } = await import('jose');
    const { protectedHeader } = await jwtVerify(body.id_token, new TextEncoder().encode(hs.client_secret), { audience: hs.client_id });
    expect(protectedHeader.alg).toBe('HS256');
  });

  it('keeps sessions per tenant: a dev session cookie means nothing on acme', async () => {
    await tls.server.createTenant('acme');
    const acmeToken = await tls.tokenFor('acme');
    const acmeApp = (await tls.api('acme', acmeToken, 'POST', '/api/v2/clients', { name: 'Acme web', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
    const config = await configFor(web.client_id, web.client_secret);
    const browser = new FormBrowser(tls);
    await logIn(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' }));
    const cookie = browser.cookie('tessera_session')!;
    const res = await tls.caFetch(`https://${tls.hostOf('acme')}/authorize?${new URLSearchParams({ client_id: acmeApp.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', prompt: 'none' })}`, {
      headers: { cookie: `tessera_session=${cookie}` },
      redirect: 'manual',
    });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('login_required');
  });
});

describe('RFC 9207: the issuer in authorization responses', () => {
  const settings = (on: boolean) => tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { authorization_response_iss_parameter_supported: on });
  const discovery = async () => (await tls.caFetch(`https://${tls.hostOf('dev')}/.well-known/openid-configuration`)).json() as Promise<Record<string, unknown>>;

  it('adds iss to codes, tokens and redirected errors in every response mode while the tenant asks for it, and says so in discovery', async () => {
    const issuer = `https://${tls.hostOf('dev')}/`;
    expect((await discovery()).authorization_response_iss_parameter_supported).toBeUndefined();
    expect((await settings(true)).status).toBe(200);
    try {
      expect((await discovery()).authorization_response_iss_parameter_supported).toBe(true);
      // openid-client requires and checks iss once discovery advertises it (RFC 9207 §2.4).
      const config = await configFor(web.client_id, web.client_secret);
      const verifier = oidc.randomPKCECodeVerifier();
      const browser = new FormBrowser(tls);
      const callback = await logIn(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'q' }));
      expect(callback.searchParams.get('iss')).toBe(issuer);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'q' });
      expect(tokens.claims()!.iss).toBe(issuer);

      const fragment = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', response_type: 'id_token', nonce: 'n', state: 'f' }).toString());
      expect(new URLSearchParams(new URL(fragment.headers.get('location')!).hash.slice(1)).get('iss')).toBe(issuer);
      const formPost = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', response_mode: 'form_post', state: 'fp' }).toString());
      expect(await formPost.text()).toContain(`name="iss" value="${issuer}"`);
      const error = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', response_type: 'token', response_mode: 'query', state: 'e' }).toString());
      const errorParams = new URL(error.headers.get('location')!).searchParams;
      expect(errorParams.get('error')).toBe('invalid_request');
      expect(errorParams.get('iss')).toBe(issuer);
    } finally {
      expect((await settings(false)).status).toBe(200);
    }
    expect((await discovery()).authorization_response_iss_parameter_supported).toBeUndefined();
    const plain = await new FormBrowser(tls).get(`https://${tls.hostOf('dev')}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', prompt: 'none' })}`);
    const plainParams = new URL(plain.headers.get('location')!).searchParams;
    expect(plainParams.get('error')).toBe('login_required');
    expect(plainParams.has('iss')).toBe(false);
  });
});

describe('pushed authorization requests (RFC 9126)', () => {
  const origin = () => `https://${tls.hostOf('dev')}`;
  const CHALLENGE_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
  const URN = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/;
  const settings = (body: object) => tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', body);
  const push = async (form: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await tls.caFetch(`${origin()}/oauth/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const authorize = (query: Record<string, string>) => new FormBrowser(tls).get(`${origin()}/authorize?${new URLSearchParams(query)}`);
  /** An error page: 400, HTML, never a redirect; returns its text. */
  const errorPage = async (res: Response) => {
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    return res.text();
  };
  const request = () => ({ client_id: web.client_id, client_secret: web.client_secret, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', state: 'pushed-state', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
  afterAll(async () => {
    await settings({ pushed_authorization_requests_supported: false });
  });

  it('is refused while the tenant does not allow PAR: the push, a request_uri at /authorize and require_pushed_authorization_requests', async () => {
    expect(await push(request())).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'Pushed Authorization Requests are disabled for this tenant.' } });
    const page = await errorPage(await authorize({ client_id: web.client_id, request_uri: 'urn:ietf:params:oauth:request_uri:abc' }));
    expect(page).toContain('Pushed Authorization Requests are disabled for this tenant');
    const requiring = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${web.client_id}`, { require_pushed_authorization_requests: true });
    expect(requiring.status).toBe(400);
    expect(requiring.body.message).toContain("'require_pushed_authorization_requests' needs the tenant setting 'pushed_authorization_requests_supported'");
    const created = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'PAR too early', require_pushed_authorization_requests: true });
    expect(created.status).toBe(400);
  });

  it('answers a push authenticated with the client secret with a one-time request_uri whose parameters replace the query’s', async () => {
    expect((await settings({ pushed_authorization_requests_supported: true })).status).toBe(200);
    const pushed = await push(request(), { origin: 'https://app.example.com' });
    expect(pushed.status).toBe(201);
    expect(pushed.body).toEqual({ request_uri: expect.stringMatching(URN), expires_in: 30 });
    expect(pushed.headers.get('cache-control')).toBe('no-store');
    // Called by servers: no CORS, even for an origin the application lists.
    expect(pushed.headers.get('access-control-allow-origin')).toBeNull();

    // RFC 9126 §4: other query parameters than client_id are ignored (not the attacker's redirect_uri, state or PKCE).
    const url = new URL(`${origin()}/authorize?${new URLSearchParams({ client_id: web.client_id, request_uri: pushed.body.request_uri, redirect_uri: 'https://evil.example.org/cb', state: 'forged', response_type: 'token' })}`);
    const callback = await logIn(new FormBrowser(tls), url);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('pushed-state');
    const tokens = await tls.caFetch(`${origin()}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, client_id: web.client_id, client_secret: web.client_secret, code_verifier: CHALLENGE_VERIFIER }),
    });
    expect(tokens.status).toBe(200);
    expect(await tokens.json()).toMatchObject({ id_token: expect.any(String), token_type: 'Bearer' });

    // One use only.
    const replay = await errorPage(await authorize({ client_id: web.client_id, request_uri: pushed.body.request_uri }));
    expect(replay).toContain('invalid_request_uri');
    expect(await errorPage(await authorize({ client_id: web.client_id, request_uri: 'urn:ietf:params:oauth:request_uri:unknown' }))).toContain('invalid_request_uri');
    // A request_uri that is not one of ours is JAR by reference (RFC 9101 §5.2), which is not offered.
    expect(await errorPage(await authorize({ client_id: web.client_id, request_uri: 'https://app.example.com/request.jwt' }))).toContain('request_uri_not_supported');
  });

  it('binds the request_uri to the application that pushed it: another one gets an error page and does not spend it', async () => {
    const pushed = await push(request());
    expect(pushed.status).toBe(201);
    const other = await errorPage(await authorize({ client_id: spa.client_id, request_uri: pushed.body.request_uri }));
    expect(other).toContain('The request_uri was not issued to this client.');
    expect(await errorPage(await authorize({ request_uri: pushed.body.request_uri }))).toContain('Missing required parameter: client_id');
    const own = await authorize({ client_id: web.client_id, request_uri: pushed.body.request_uri });
    expect(own.status).toBe(302);
    expect(new URL(own.headers.get('location')!, origin()).pathname).toBe('/u/login');
  });

  it('answers every refusal of a push as JSON 400/401 {error, error_description}, never with a redirect', async () => {
    const { client_secret: _secret, ...unauthenticated } = request();
    const cases: Array<[Record<string, string>, number, string, string | RegExp]> = [
      [unauthenticated, 401, 'invalid_client', 'Client authentication failed.'],
      [{ ...request(), client_secret: 'wrong' }, 401, 'invalid_client', 'Client authentication failed.'],
      [{ client_id: spa.client_id, redirect_uri: CALLBACK, response_type: 'code', code_challenge: CHALLENGE, code_challenge_method: 'S256' }, 401, 'invalid_client', 'Client authentication is required for Pushed Authorization Requests.'],
      [{ ...request(), request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, 400, 'invalid_request', 'The request_uri parameter is not allowed in a pushed authorization request.'],
      [{ ...request(), request: 'eyJhbGciOiJub25lIn0.e30.' }, 400, 'invalid_request_object', /alg none|typ/],
      [{ ...request(), redirect_uri: 'https://evil.example.org/cb' }, 400, 'invalid_request', /Callback URL mismatch/],
      [{ ...request(), redirect_uri: '' }, 400, 'invalid_request', 'Missing required parameter: redirect_uri'],
      [{ ...request(), response_type: 'magic' }, 400, 'unsupported_response_type', 'Unsupported response type: magic'],
      [{ ...request(), response_mode: 'bogus' }, 400, 'invalid_request', /response_mode/],
      [{ ...request(), response_type: 'id_token' }, 400, 'invalid_request', /nonce/],
      [{ ...request(), code_challenge_method: 'S512' }, 400, 'invalid_request', /code_challenge_method/],
      [{ ...request(), prompt: 'bogus' }, 400, 'invalid_request', /prompt/],
      [{ ...request(), audience: 'https://nope.example.com/' }, 400, 'access_denied', 'Service not found: https://nope.example.com/'],
    ];
    for (const [form, status, error, description] of cases) {
      const res = await push(form);
      expect(res.status, JSON.stringify([form, res.body])).toBe(status);
      expect(res.headers.get('location')).toBeNull();
      expect(res.body).toEqual({ error, error_description: typeof description === 'string' ? description : expect.stringMatching(description) });
    }
    const json = await tls.caFetch(`${origin()}/oauth/par`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request()) });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded.' });
    const huge = await push({ ...request(), login_hint: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('runs the code flow with PKCE through openid-client’s PAR support, the push authenticated with private_key_jwt', async () => {
    const app = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'PAR pkj', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
    const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
    const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
    const credential = await tls.api('dev', token, 'POST', `/api/v2/clients/${app.client_id}/credentials`, { credential_type: 'public_key', pem, alg: 'ES256' });
    expect(credential.status).toBe(201);
    const configured = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { client_authentication_methods: { private_key_jwt: { credentials: [{ id: credential.body.id }] } }, require_pushed_authorization_requests: true, par_request_expiry: 60 });
    expect(configured.status).toBe(200);
    expect(configured.body).toMatchObject({ require_pushed_authorization_requests: true, par_request_expiry: 60 });

    const config = await oidc.discovery(new URL(`${origin()}/`), app.client_id, undefined, oidc.PrivateKeyJwt({ key: pair.privateKey, kid: credential.body.kid } as Parameters<typeof oidc.PrivateKeyJwt>[0]), {
      [oidc.customFetch]: tls.caFetch as oidc.CustomFetch,
    });
    expect(config.serverMetadata().pushed_authorization_request_endpoint).toBe(`${origin()}/oauth/par`);
    // require_pushed_authorization_requests: a plain /authorize is an error page, never a redirect.
    const plain = await errorPage(await authorize({ client_id: app.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256' }));
    expect(plain).toContain('Pushed Authorization Requests are required for this client');

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: CALLBACK, scope: 'openid profile email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const callback = await logIn(new FormBrowser(tls), url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()).toMatchObject({ aud: app.client_id, email: 'ada@example.com' });

    // The tenant turns PAR off: request_uri is refused (and the application that requires PAR cannot start requests).
    const again = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    expect((await settings({ pushed_authorization_requests_supported: false })).status).toBe(200);
    expect(await errorPage(await new FormBrowser(tls).get(again.toString()))).toContain('Pushed Authorization Requests are disabled for this tenant');
  });
});

describe('JWT-secured authorization requests (JAR, RFC 9101)', () => {
  /** An RSA key pair: the public half as PEM for a credential, the private half for jose and (as a CryptoKey) for openid-client. */
  async function rsaKey(): Promise<{ pem: string; privateKey: KeyObject; cryptoKey: webcrypto.CryptoKey }> {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
    const cryptoKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    return { pem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey: pair.privateKey, cryptoKey };
  }
  const issuer = () => `https://${tls.hostOf('dev')}/`;
  const now = () => Math.floor(Date.now() / 1000);
  let key: Awaited<ReturnType<typeof rsaKey>>;
  let jar: { client_id: string; client_secret: string; credential: string; kid: string };

  beforeAll(async () => {
    key = await rsaKey();
    const created = await tls.api('dev', token, 'POST', '/api/v2/clients', {
      name: 'JAR app',
      app_type: 'regular_web',
      callbacks: [CALLBACK],
      signed_request_object: { required: true, credentials: [{ credential_type: 'public_key', name: 'jar key', pem: key.pem, alg: 'PS256' }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.signed_request_object).toEqual({ required: true, credentials: [{ id: expect.stringMatching(/^cred_/) }] });
    const credential = created.body.signed_request_object.credentials[0].id;
    const stored = await tls.api('dev', token, 'GET', `/api/v2/clients/${created.body.client_id}/credentials/${credential}`);
    jar = { client_id: created.body.client_id, client_secret: created.body.client_secret, credential, kid: stored.body.kid };
  });

  const claimsFor = (clientId: string, extra: Record<string, unknown> = {}) => ({
    iss: clientId,
    aud: issuer(),
    client_id: clientId,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'jar-state',
    exp: now() + 300,
    nbf: now(),
    iat: now(),
    jti: `jti-${Math.random()}`,
    ...extra,
  });
  const sign = (claims: Record<string, unknown>, { alg = 'PS256', typ = 'oauth-authz-req+jwt', signingKey = key.privateKey as KeyObject | Uint8Array } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg, typ }).sign(signingKey);
  const authorize = (params: Record<string, string>) => new FormBrowser(tls).get(`${issuer()}authorize?${new URLSearchParams(params)}`);
  /** The error page an invalid request object gets: never a redirect (its redirect_uri is inside the object that failed). */
  async function expectRefused(res: Response, error: string, description: RegExp): Promise<void> {
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain(`<strong>${error}</strong>`);
    expect(html).toMatch(description);
  }

  it('completes a code flow from openid-client’s signed request object; the query beside it is ignored (RFC 9101 §6.3)', async () => {
    const config = await configFor(jar.client_id, jar.client_secret);
    expect(config.serverMetadata()).toMatchObject({ request_parameter_supported: true, request_object_signing_alg_values_supported: ['RS256', 'RS384', 'PS256', 'ES256'] });
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithJAR(
      config,
      { redirect_uri: CALLBACK, scope: 'openid email', state: 'signed', nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' },
      { key: key.cryptoKey, kid: jar.kid },
    );
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request']);
    // Unsigned parameters beside the request object change nothing: not the redirect, not the state, not the prompt.
    url.searchParams.set('redirect_uri', 'https://evil.example.com/callback');
    url.searchParams.set('state', 'forged');
    url.searchParams.set('prompt', 'none');
    const callback = await logIn(new FormBrowser(tls), url);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('signed');
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'signed', expectedNonce: nonce });
    expect(tokens.claims()).toMatchObject({ aud: jar.client_id, email: 'ada@example.com', nonce });
  });

  it('refuses a plain authorization request from a client that requires JAR with an error page (its redirect_uri was not signed)', async () => {
    const res = await authorize({ client_id: jar.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 'plain' });
    await expectRefused(res, 'invalid_request', /requires JWT-Secured Authorization Requests/);
  });

  it('takes a request object pushed to /oauth/par (RFC 9126 §3), and refuses an unsigned push from a client that requires JAR', async () => {
    const push = async (form: Record<string, string>) => {
      const res = await tls.caFetch(`${issuer()}oauth/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    expect((await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { pushed_authorization_requests_supported: true })).status).toBe(200);
    try {
      const secret = { client_id: jar.client_id, client_secret: jar.client_secret };
      const unsigned = await push({ ...secret, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' });
      expect(unsigned).toEqual({ status: 400, body: { error: 'invalid_request', error_description: expect.stringMatching(/requires JWT-Secured Authorization Requests/) } });
      const badAudience = await push({ ...secret, request: await sign(claimsFor(jar.client_id, { aud: 'https://elsewhere.example.com/' })) });
      expect(badAudience.status).toBe(400);
      expect(badAudience.body.error).toBe('invalid_request_object');

      const pushed = await push({ ...secret, request: await sign(claimsFor(jar.client_id, { state: 'pushed-signed' })) });
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
      // The pushed request counts as signed at /authorize; its parameters are the request object's.
      const callback = await logIn(new FormBrowser(tls), new URL(`${issuer()}authorize?${new URLSearchParams({ client_id: jar.client_id, request_uri: pushed.body.request_uri! })}`));
      expect(callback.origin + callback.pathname).toBe(CALLBACK);
      expect(callback.searchParams.get('state')).toBe('pushed-signed');
      expect(callback.searchParams.get('code')).toBeTruthy();
    } finally {
      expect((await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { pushed_authorization_requests_supported: false })).status).toBe(200);
    }
  });

  it('refuses every request object that is not the client’s own, fresh and one-time', async () => {
    const other = await rsaKey();
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'jwt' }));
    const unsigned = `${header}.${base64url.encode(JSON.stringify(claimsFor(jar.client_id)))}.`;
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claimsFor(jar.client_id)))).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
    const cases: Array<[string, string, RegExp, Record<string, string>?]> = [
      ['unsigned', unsigned, /alg none/],
      ['HS256', await sign(claimsFor(jar.client_id), { alg: 'HS256', signingKey: new TextEncoder().encode(jar.client_secret) }), /asymmetric algorithm/],
      ['wrong key', await sign(claimsFor(jar.client_id), { signingKey: other.privateKey }), /signature could not be verified/],
      ['wrong alg for the credential', await sign(claimsFor(jar.client_id), { alg: 'RS256' }), /signature could not be verified/],
      ['no typ', await new SignJWT(claimsFor(jar.client_id)).setProtectedHeader({ alg: 'PS256' }).sign(key.privateKey), /typ must be/],
      ['encrypted', jwe, /encrypted request objects/],
      ['expired', await sign(claimsFor(jar.client_id, { exp: now() - 120, nbf: now() - 300, iat: now() - 300 })), /has expired/],
      ['no exp', await sign(claimsFor(jar.client_id, { exp: undefined })), /exp is required/],
      ['exp too far ahead', await sign(claimsFor(jar.client_id, { exp: now() + 7200 })), /at most 3600 seconds ahead/],
      ['nbf too old', await sign(claimsFor(jar.client_id, { nbf: now() - 7200 })), /nbf must be at most 3600 seconds in the past/],
      ['aud wrong', await sign(claimsFor(jar.client_id, { aud: 'https://elsewhere.example.com/' })), /aud must be/],
      ['iss wrong', await sign(claimsFor(jar.client_id, { iss: 'someone-else' })), /iss must be the client_id/],
      ['client_id mismatch', await sign(claimsFor(jar.client_id, { client_id: web.client_id })), /client_id must be the client_id/],
      ['response_type mismatch', await sign(claimsFor(jar.client_id)), /response_type does not match/, { response_type: 'token' }],
      ['nested request', await sign(claimsFor(jar.client_id, { request: 'x' })), /cannot appear inside/],
      ['too many claims', await sign(claimsFor(jar.client_id, Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`p${i}`, 'x'])))), /more than 64 claims/],
    ];
    for (const [name, request, description, extra] of cases) {
      await expectRefused(await authorize({ client_id: jar.client_id, request, ...(extra ?? {}) }), 'invalid_request_object', description).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
    }
    // Larger than 16 KB (in a form: a URL that long would not reach the server).
    const oversize = await sign(claimsFor(jar.client_id, { padding: 'x'.repeat(17_000) }));
    await expectRefused(await new FormBrowser(tls).post(`${issuer()}authorize`, { client_id: jar.client_id, request: oversize }), 'invalid_request_object', /larger than 16384 bytes/);
    // request_uri by reference is not fetched.
    await expectRefused(await authorize({ client_id: jar.client_id, request_uri: 'https://app.example.com/request.jwt' }), 'request_uri_not_supported', /request_uri/);
  });

  it('accepts a jti once', async () => {
    const request = await sign(claimsFor(jar.client_id));
    const first = await authorize({ client_id: jar.client_id, request });
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get('location')!, issuer()).pathname).toBe('/u/login');
    await expectRefused(await authorize({ client_id: jar.client_id, request }), 'invalid_request_object', /jti has already been used/);
  });

  it('never takes a request object for a client assertion, even from a key that serves both; the two share one jti record', async () => {
    const both = await rsaKey();
    const app = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'JAR and PKJ', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
    const credential = (await tls.api('dev', token, 'POST', `/api/v2/clients/${app.client_id}/credentials`, { credential_type: 'public_key', pem: both.pem, alg: 'PS256' })).body;
    const associated = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, {
      token_endpoint_auth_method: null,
      client_authentication_methods: { private_key_jwt: { credentials: [{ id: credential.id }] } },
      signed_request_object: { credentials: [{ id: credential.id }] },
    });
    expect(associated.status, JSON.stringify(associated.body)).toBe(200);
    const asAssertion = async (jwt: string) => {
      const res = await tls.caFetch(`${issuer()}oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', audience: 'urn:nothing', client_id: app.client_id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }).toString(),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    // A request object as a browser URL would carry it (sub added, as some clients do), under either typ.
    for (const typ of ['oauth-authz-req+jwt', 'jwt']) {
      const requestObject = await sign(claimsFor(app.client_id, { sub: app.client_id }), { typ, signingKey: both.privateKey });
      expect(await asAssertion(requestObject)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    }
    // A real assertion authenticates (the grant itself then fails on its own terms, not as invalid_client)…
    const jti = `shared-${Math.random()}`;
    const assertion = await new SignJWT({ iss: app.client_id, sub: app.client_id, aud: issuer(), jti, exp: now() + 120 }).setProtectedHeader({ alg: 'PS256' }).sign(both.privateKey);
    const authenticated = await asAssertion(assertion);
    expect(authenticated.status, JSON.stringify(authenticated.body)).not.toBe(401);
    // …and spends its jti for request objects too.
    await expectRefused(await authorize({ client_id: app.client_id, request: await sign(claimsFor(app.client_id, { jti }), { signingKey: both.privateKey }) }), 'invalid_request_object', /jti has already been used/);
  });

  it('verifies only with credentials associated through signed_request_object, while they are unexpired', async () => {
    const second = await rsaKey();
    const app = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'JAR later', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
    const credential = await tls.api('dev', token, 'POST', `/api/v2/clients/${app.client_id}/credentials`, { credential_type: 'public_key', pem: second.pem, alg: 'PS256', expires_at: new Date(Date.now() + 3000).toISOString() });
    expect(credential.status).toBe(201);
    // Not associated: the credential verifies nothing.
    await expectRefused(await authorize({ client_id: app.client_id, request: await sign(claimsFor(app.client_id), { signingKey: second.privateKey }) }), 'invalid_request_object', /signature could not be verified/);
    const patched = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { signed_request_object: { credentials: [{ id: credential.body.id }] } });
    expect(patched.status).toBe(200);
    expect(patched.body.signed_request_object).toEqual({ required: false, credentials: [{ id: credential.body.id }] });
    const accepted = await authorize({ client_id: app.client_id, request: await sign(claimsFor(app.client_id), { signingKey: second.privateKey }) });
    expect(accepted.status).toBe(302);
    expect(new URL(accepted.headers.get('location')!, issuer()).pathname).toBe('/u/login');
    // Not required: a plain request still works.
    expect((await authorize({ client_id: app.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' })).status).toBe(302);
    await new Promise((resolve) => setTimeout(resolve, 3200));
    await expectRefused(await authorize({ client_id: app.client_id, request: await sign(claimsFor(app.client_id), { signingKey: second.privateKey }) }), 'invalid_request_object', /signature could not be verified/);
  });

  it('Management API: Auth0’s shape, the credentials scopes, associations checked, associated credentials kept', async () => {
    const shown = await tls.api('dev', token, 'GET', `/api/v2/clients/${jar.client_id}`);
    expect(shown.body.signed_request_object).toEqual({ required: true, credentials: [{ id: jar.credential }] });
    const deletion = await tls.api('dev', token, 'DELETE', `/api/v2/clients/${jar.client_id}/credentials/${jar.credential}`);
    expect(deletion.status).toBe(400);
    expect(deletion.body.errorCode).toBe('credential_in_use');
    const refusals: Array<[unknown, RegExp]> = [
      [{ credentials: [{ id: 'cred_doesnotexist000000000' }] }, /does not exist/],
      [{ required: true, credentials: [] }, /needs at least one credential/],
      [{ credentials: [{ id: jar.credential }, { id: jar.credential }] }, /twice/],
    ];
    for (const [body, message] of refusals) {
      const res = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${jar.client_id}`, { signed_request_object: body });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    const clientsOnly = await tls.tokenFor('dev', { scope: 'read:clients create:clients update:clients' });
    const create = await tls.api('dev', clientsOnly, 'POST', '/api/v2/clients', { name: 'no scope', signed_request_object: { required: false, credentials: [] } });
    expect(create.status).toBe(403);
    expect(create.body.message).toMatch(/create:client_credentials/);
    const update = await tls.api('dev', clientsOnly, 'PATCH', `/api/v2/clients/${jar.client_id}`, { signed_request_object: { required: false } });
    expect(update.status).toBe(403);
    expect(update.body.message).toMatch(/update:client_credentials/);
    // null removes it; then the credential may go.
    const removed = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${jar.client_id}`, { signed_request_object: null });
    expect(removed.status).toBe(200);
    expect(removed.body.signed_request_object).toBeUndefined();
    expect((await tls.api('dev', token, 'DELETE', `/api/v2/clients/${jar.client_id}/credentials/${jar.credential}`)).status).toBe(204);
  });
});
