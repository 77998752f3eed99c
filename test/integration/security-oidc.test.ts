/**
 * Regression tests for issue 11's OIDC protocol findings (9–13), over real HTTPS against the real
 * server: PKCE downgrade, logout CSRF, tenant logout URLs, PS256 verification, URL schemes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser } from '../support/form-browser.js';

const CALLBACK = 'https://app.example.com/callback';
const BYE = 'https://app.example.com/bye';
const PASSWORD = 'Xk9#mTq2!vLp';

let tls: TlsTestServer;
let token: string;
let web: { client_id: string; client_secret: string };

const host = () => `https://${tls.hostOf('dev')}`;

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  token = await tls.tokenFor('dev');
  web = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK], allowed_logout_urls: [BYE] })).body;
  for (const email of ['ada@example.com', 'mallory@example.com']) {
    const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email, password: PASSWORD, email_verified: true });
    expect(user.status).toBe(201);
  }
});
afterAll(async () => tls?.close());

function authorizeUrl(clientId: string, params: Record<string, string> = {}): string {
  return `${host()}/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, scope: 'openid', ...params })}`;
}

/** Follows /authorize through the hosted login form; returns the callback URL (with the code). */
async function logIn(browser: FormBrowser, url: string, email = 'ada@example.com'): Promise<URL> {
  const start = await browser.get(url);
  expect(start.status).toBe(302);
  const loginUrl = new URL(start.headers.get('location')!, url);
  if (loginUrl.pathname !== '/u/login') return loginUrl; // an SSO session answered at once
  const html = await (await browser.get(loginUrl.toString())).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const done = await browser.post(new URL('/u/login', loginUrl).toString(), { state: loginUrl.searchParams.get('state')!, _csrf: csrf, username: email, password: PASSWORD });
  expect(done.status, await done.clone().text()).toBe(302);
  return new URL(done.headers.get('location')!);
}

async function redeem(code: string, client: { client_id: string; client_secret: string }, extra: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await tls.caFetch(`${host()}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: client.client_id, client_secret: client.client_secret, ...extra }),
  });
  return { status: res.status, body: await res.json() };
}

/** Logs `email` in with the web application in `browser` and redeems the code; returns the tokens. */
async function tokensFor(browser: FormBrowser, client = web, email = 'ada@example.com', params: Record<string, string> = {}): Promise<{ id_token: string; access_token: string }> {
  const callback = await logIn(browser, authorizeUrl(client.client_id, params), email);
  const res = await redeem(callback.searchParams.get('code')!, client);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

describe('finding 9: PKCE downgrade', () => {
  it('finding 9: a code_verifier for a code issued without a code_challenge is refused (RFC 9700 §4.8.2)', async () => {
    const callback = await logIn(new FormBrowser(tls), authorizeUrl(web.client_id));
    const verifier = randomBytes(32).toString('base64url');
    const res = await redeem(callback.searchParams.get('code')!, web, { code_verifier: verifier });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('invalid_grant');

    // With a challenge, the matching verifier still works; without either, so does the code.
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const withPkce = await logIn(new FormBrowser(tls), authorizeUrl(web.client_id, { code_challenge: challenge, code_challenge_method: 'S256' }));
    expect((await redeem(withPkce.searchParams.get('code')!, web, { code_verifier: verifier })).status).toBe(200);
    const plain = await logIn(new FormBrowser(tls), authorizeUrl(web.client_id));
    expect((await redeem(plain.searchParams.get('code')!, web)).status).toBe(200);
  });
});

describe('finding 12: PS256 tokens', () => {
  it('finding 12: /userinfo accepts PS256 access tokens and /oidc/logout PS256 ID tokens as id_token_hint', async () => {
    const api = await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: 'urn:ps256', signing_alg: 'PS256', scopes: [{ value: 'read:a' }] });
    expect(api.status).toBe(201);
    const ps = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'PS', app_type: 'regular_web', callbacks: [CALLBACK], allowed_logout_urls: [BYE], jwt_configuration: { alg: 'PS256' } })).body;
    const browser = new FormBrowser(tls);
    const tokens = await tokensFor(browser, ps, 'ada@example.com', { audience: 'urn:ps256', scope: 'openid email' });
    expect(headerOf(tokens.access_token).alg).toBe('PS256');
    expect(headerOf(tokens.id_token).alg).toBe('PS256');

    const userinfo = await tls.caFetch(`${host()}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(200);
    expect(((await userinfo.json()) as { email: string }).email).toBe('ada@example.com');

    const logout = await browser.get(`${host()}/oidc/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: BYE })}`);
    expect(logout.status).toBe(302);
    expect(logout.headers.get('location')).toBe(BYE);

    // Alg confusion stays closed: the same token re-labelled HS256 (or none) is refused.
    const [, payload, signature] = tokens.access_token.split('.');
    for (const alg of ['HS256', 'none', 'RS256']) {
      const forged = `${Buffer.from(JSON.stringify({ ...headerOf(tokens.access_token), alg })).toString('base64url')}.${payload}.${signature}`;
      expect((await tls.caFetch(`${host()}/userinfo`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    }
  });
});

describe('finding 11: tenant-level logout URLs', () => {
  it('finding 11: PATCH /api/v2/tenants/settings refuses allowed_logout_urls that break the application URL rules', async () => {
    for (const url of ['https://*.com', 'https://sub.*.example.com/bye', 'javascript:alert(1)', 'com.example.app://logout', 'not a url']) {
      const res = await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { allowed_logout_urls: [BYE, url] });
      expect(res.status, url).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain('allowed_logout_urls');
    }
    const ok = await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { allowed_logout_urls: [BYE, 'https://*.example.com/bye', 'http://localhost:3000/'] });
    expect(ok.status).toBe(200);
    expect(ok.body.allowed_logout_urls).toEqual([BYE, 'https://*.example.com/bye', 'http://localhost:3000/']);
    await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { allowed_logout_urls: [] });
  });
});

describe('finding 13: URL schemes', () => {
  it('finding 13: callbacks, logout URLs and origins refuse script schemes, and custom schemes unless the application is native', async () => {
    const refused: Array<[object, string]> = [
      [{ app_type: 'regular_web', callbacks: ['javascript:alert(document.cookie)//'] }, 'callbacks'],
      [{ app_type: 'spa', callbacks: ['data:text/html,<script>alert(1)</script>'] }, 'callbacks'],
      [{ app_type: 'regular_web', allowed_logout_urls: ['javascript:alert(1)'] }, 'allowed_logout_urls'],
      [{ app_type: 'native', callbacks: ['javascript:alert(1)'] }, 'callbacks'],
      [{ app_type: 'native', allowed_logout_urls: ['vbscript:msgbox(1)'] }, 'allowed_logout_urls'],
      [{ app_type: 'native', allowed_origins: ['file:///etc/passwd'] }, 'allowed_origins'],
      [{ app_type: 'spa', web_origins: ['blob:https://app.example.com/x'] }, 'web_origins'],
      [{ app_type: 'spa', callbacks: ['com.example.app://callback'] }, 'callbacks'],
      [{ app_type: 'regular_web', allowed_logout_urls: ['com.example.app://logout'] }, 'allowed_logout_urls'],
      [{ callbacks: ['com.example.app://callback'] }, 'callbacks'],
    ];
    for (const [body, field] of refused) {
      const res = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Schemes', ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(`'${field}'`);
    }

    const nativeApp = await tls.api('dev', token, 'POST', '/api/v2/clients', {
      name: 'Mobile',
      app_type: 'native',
      callbacks: ['com.example.app://dev.example.com/android/com.example.app/callback', 'https://app.example.com/callback'],
      allowed_logout_urls: ['com.example.app://logout'],
      allowed_origins: ['capacitor://localhost', 'http://localhost'],
    });
    expect(nativeApp.status, JSON.stringify(nativeApp.body)).toBe(201);
    // Turning it into an SPA would leave it with custom schemes: refused as a whole.
    const spa = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${nativeApp.body.client_id}`, { app_type: 'spa' });
    expect(spa.status).toBe(400);
    expect(spa.body.message).toContain("'callbacks'");
    // Development over http stays possible (the docs' http://localhost:3000/callback).
    const dev = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Local', app_type: 'regular_web', callbacks: ['http://localhost:3000/callback'], allowed_logout_urls: ['http://localhost:3000/'] });
    expect(dev.status).toBe(201);
  });
});

describe('finding 10: logout CSRF', () => {
  /** Whether the browser still has a live SSO session (a silent authorization gets a code). */
  async function loggedIn(browser: FormBrowser): Promise<boolean> {
    const res = await browser.get(authorizeUrl(web.client_id, { prompt: 'none' }));
    return new URL(res.headers.get('location')!).searchParams.has('code');
  }
  const oidcLogout = (params: Record<string, string>) => `${host()}/oidc/logout?${new URLSearchParams(params)}`;
  const v2Logout = (params: Record<string, string>) => `${host()}/v2/logout?${new URLSearchParams(params)}`;
  const ticketOf = (html: string) => /name="ticket" value="([^"]+)"/.exec(html)![1]!;

  it('finding 10: /oidc/logout asks for confirmation unless the id_token_hint is for the browser’s own session (sub and sid)', async () => {
    const victim = new FormBrowser(tls);
    const own = await tokensFor(victim);
    const mallory = await tokensFor(new FormBrowser(tls), web, 'mallory@example.com');
    const otherSession = await tokensFor(new FormBrowser(tls)); // Ada's, but another session (sid)
    expect(claimsOf(otherSession.id_token).sub).toBe(claimsOf(own.id_token).sub);

    for (const hint of [mallory.id_token, otherSession.id_token]) {
      const res = await victim.get(oidcLogout({ id_token_hint: hint, post_logout_redirect_uri: BYE }));
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('name="ticket"');
      expect(await loggedIn(victim)).toBe(true);
    }

    const mine = await victim.get(oidcLogout({ id_token_hint: own.id_token, post_logout_redirect_uri: BYE, state: 's' }));
    expect(mine.status).toBe(302);
    expect(mine.headers.get('location')).toBe(`${BYE}?state=s`);
    expect(await loggedIn(victim)).toBe(false);

    // Without a session there is nothing to log out: no question, whatever the hint.
    const none = await new FormBrowser(tls).get(oidcLogout({ id_token_hint: mallory.id_token, post_logout_redirect_uri: BYE }));
    expect(none.status).toBe(302);
    expect(none.headers.get('location')).toBe(BYE);
  });

  it('finding 10: /v2/logout follows the same rule: a live session is ended only when confirmed or with its own ID token', async () => {
    const victim = new FormBrowser(tls);
    await logIn(victim, authorizeUrl(web.client_id));
    const mallory = await tokensFor(new FormBrowser(tls), web, 'mallory@example.com');
    const attempts: Array<Record<string, string>> = [{ client_id: web.client_id, returnTo: BYE }, { client_id: web.client_id, returnTo: BYE, id_token_hint: mallory.id_token }, {}];
    for (const params of attempts) {
      const res = await victim.get(v2Logout(params));
      expect(res.status, JSON.stringify(params)).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      expect(await loggedIn(victim)).toBe(true);
    }

    // A native application's return URL has a custom scheme: the page's form-action lets the answer go there.
    const mobile = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Mobile logout', app_type: 'native', callbacks: ['com.example.app://callback'], allowed_logout_urls: ['com.example.app://logout'] })).body;
    const nativePrompt = await victim.get(v2Logout({ client_id: mobile.client_id, returnTo: 'com.example.app://logout' }));
    expect(nativePrompt.status).toBe(200);
    expect(nativePrompt.headers.get('content-security-policy')).toContain("form-action 'self' com.example.app:");

    // The user confirms: the session ends and the browser returns to the application.
    const prompt = await victim.get(v2Logout({ client_id: web.client_id, returnTo: BYE }));
    const done = await victim.post(`${host()}/oidc/logout/confirm`, { ticket: ticketOf(await prompt.text()), action: 'logout' });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(BYE);
    expect(await loggedIn(victim)).toBe(false);

    // An application that sends the session's own ID token logs out at once.
    const second = new FormBrowser(tls);
    const own = await tokensFor(second);
    const direct = await second.get(v2Logout({ client_id: web.client_id, returnTo: BYE, id_token_hint: own.id_token }));
    expect(direct.status).toBe(302);
    expect(direct.headers.get('location')).toBe(BYE);
    expect(await loggedIn(second)).toBe(false);

    // No session: nothing to confirm.
    const none = await new FormBrowser(tls).get(v2Logout({ client_id: web.client_id, returnTo: BYE }));
    expect(none.status).toBe(302);
  });
});
