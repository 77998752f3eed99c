/**
 * The authorization code flow with PKCE, driven by `openid-client` v6 (a certified OpenID relying
 * party) over TLS, with the hosted login form submitted over HTTP as a browser would; plus SSO on a
 * second authorization, prompt=none, userinfo, and the protocol's security rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { generateKeyPairSync } from 'node:crypto';
import { compactDecrypt, createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
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
    await tls.server.cli('tenants', 'create', 'acme');
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
