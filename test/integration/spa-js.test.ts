/**
 * Auth0's single-page-app SDK, @auth0/auth0-spa-js 2.27.0, unchanged, in headless Chromium against
 * Tessera over TLS: the app at `https://app.dev.localhost:PORT` (same site as `dev.localhost`),
 * memory cache, no refresh tokens, so every silent renewal is the hidden iframe with `prompt=none`
 * and `response_mode=web_message`.
 *
 * The first block checks the app and what the SDK asks of the server, answering /authorize from a
 * stub in the browser, so it runs whatever the server can do. The second is the real flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { devCertFiles, startSpaApp, type RunningApp } from '../support/apps/index.js';
import { closeBrowser, launchBrowser, submitHostedLogin, withPage } from '../support/browser.js';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const USER = { username: 'grace@example.com', password: PASSWORD };
const API = 'https://orders.example.test/api';

let tls: TlsTestServer;
let browser: Browser;
let app: RunningApp;
let clientId: string;

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  const token = await tls.tokenFor('dev');
  const management = async (method: string, path: string, body: unknown) => {
    const res = await tls.api('dev', token, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  clientId = (await management('POST', '/api/v2/clients', { name: 'Orders SPA', app_type: 'spa' })).client_id;
  app = await startSpaApp({ cert: devCertFiles(tls.server), domain: tls.hostOf('dev'), clientId });
  // Auth0's settings for an SPA at this origin: callback, logout return URL, web origin (web_message), CORS origin.
  await management('PATCH', `/api/v2/clients/${clientId}`, {
    callbacks: [`${app.url}/callback`],
    allowed_logout_urls: [`${app.url}/`, `${app.url}/logged-out`],
    web_origins: [app.url],
    allowed_origins: [app.url],
  });
  await management('POST', '/api/v2/resource-servers', { name: 'Orders', identifier: API, scopes: [{ value: 'read:orders', description: 'Read orders' }] });
  await management('POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: USER.username, password: PASSWORD, name: 'Grace Hopper', email_verified: true });
  browser = await launchBrowser({ trustCertificates: [devCertFiles(tls.server).certFile] });
});
afterAll(async () => {
  await closeBrowser(browser);
  await app?.stop();
  await tls?.close();
});

/** Calls a `window.spa` hook of the test app (see test/support/apps/spa/app.js) once it has started. */
async function spa<T = any>(page: Page, hook: string, arg?: unknown): Promise<T> {
  return page.evaluate(
    async ([name, value]) => {
      const hooks = await (globalThis as any).spaReady;
      if (typeof hooks[name] !== 'function') throw new Error(`app did not start: ${JSON.stringify(hooks)}`);
      return hooks[name](value);
    },
    [hook, arg] as const,
  );
}

async function openApp(page: Page, path = '/'): Promise<Page> {
  await page.goto(`${app.url}${path}`);
  await page.evaluate(() => (globalThis as any).spaReady.then(() => undefined));
  return page;
}

const authorizeUrlPattern = () => new RegExp(`^https://${tls.hostOf('dev').replace(/\./g, '\\.')}/authorize\\?`);

describe('the auth0-spa-js test app (server answers stubbed in the browser)', () => {
  it('serves auth0-spa-js 2.27.0 from node_modules, and loginWithRedirect goes to /authorize with PKCE', async () => {
    await withPage(browser, 'spa-login-redirect', async (page) => {
      await openApp(page);
      expect(await page.locator('#status').innerText()).toBe('anonymous');
      let authorize: URL | undefined;
      await page.route(authorizeUrlPattern(), (route) => {
        authorize = new URL(route.request().url());
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>stub</p>' });
      });
      await spa(page, 'login');
      await page.waitForURL(authorizeUrlPattern());
      const params = Object.fromEntries(authorize!.searchParams);
      expect(params).toMatchObject({
        client_id: clientId,
        redirect_uri: `${app.url}/callback`,
        scope: 'openid profile email',
        response_type: 'code',
        response_mode: 'query',
        code_challenge_method: 'S256',
      });
      expect(params.state).toBeTruthy();
      expect(params.nonce).toBeTruthy();
      expect(params.code_challenge).toMatch(/^[\w-]{43}$/);
      expect(JSON.parse(Buffer.from(params.auth0Client!, 'base64').toString())).toEqual({ name: 'auth0-spa-js', version: '2.27.0' });
    });
  });

  it('getTokenSilently asks /authorize in a hidden iframe and accepts a web_message answer from the issuer origin', async () => {
    await withPage(browser, 'spa-web-message-stub', async (page) => {
      await openApp(page);
      let authorize: URL | undefined;
      // What the server must answer for `prompt=none` without a session: a page that posts the
      // error to the parent window at the redirect_uri's origin.
      await page.route(authorizeUrlPattern(), (route) => {
        authorize = new URL(route.request().url());
        const message = { type: 'authorization_response', response: { error: 'login_required', error_description: 'Login required', state: authorize.searchParams.get('state') } };
        const origin = new URL(authorize.searchParams.get('redirect_uri')!).origin;
        return route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: `<script>(window.opener || window.parent).postMessage(${JSON.stringify(message)}, ${JSON.stringify(origin)});</script>`,
        });
      });
      const result = await spa(page, 'getTokenSilently');
      expect(result).toMatchObject({ error: 'login_required', error_description: 'Login required' });
      expect(Object.fromEntries(authorize!.searchParams)).toMatchObject({
        client_id: clientId,
        redirect_uri: `${app.url}/callback`,
        response_type: 'code',
        response_mode: 'web_message',
        prompt: 'none',
        code_challenge_method: 'S256',
      });
    });
  });
});

describe('auth0-spa-js against Tessera', () => {
  it('logs in through the hosted page, keeps the session across a reload (silent iframe), and logs out', { timeout: 60_000 }, async () => {
    await withPage(browser, 'spa-login', async (page) => {
      // 1. loginWithRedirect → /authorize → /u/login → back to /callback, handled by the app.
      await openApp(page);
      await spa(page, 'login');
      await submitHostedLogin(page, USER);
      await page.waitForURL((url) => url.origin === app.url);
      const callback = await page.evaluate(() => (globalThis as any).spaReady.then((hooks: any) => hooks.callbackResult));
      expect(callback, JSON.stringify(callback)).toEqual({ ok: true, appState: null });
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await page.locator('#status').innerText()).toBe('authenticated');
      expect(await spa(page, 'getUser')).toMatchObject({ email: USER.username, name: 'Grace Hopper', email_verified: true });
      const claims = await spa(page, 'getIdTokenClaims');
      expect(claims).toMatchObject({ iss: `https://${tls.hostOf('dev')}/`, aud: clientId, email: USER.username });
      expect(claims.sub).toMatch(/^auth0\|/);

      // 2. A reload forgets everything (memory cache); the SSO session brings it back silently.
      await page.reload();
      await page.evaluate(() => (globalThis as any).spaReady.then(() => undefined));
      expect(await spa(page, 'isAuthenticated')).toBe(false);
      const tokenRequests: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/oauth/token')) tokenRequests.push(request.method());
      });
      const silent = await spa(page, 'getTokenDetails');
      expect(silent.error, JSON.stringify(silent)).toBeUndefined();
      expect(silent.access_token).toBeTruthy();
      expect(silent.id_token).toBeTruthy();
      // The code from the iframe is redeemed cross-origin: a CORS preflight (Auth0-Client header), then the POST.
      expect(tokenRequests).toContain('POST');
      expect(await spa(page, 'isAuthenticated')).toBe(true);
      expect(await spa(page, 'getUser')).toMatchObject({ email: USER.username });

      // 3. An access token for an API, again through the iframe.
      const apiToken = await spa<string>(page, 'getTokenSilently', { authorizationParams: { audience: API, scope: 'read:orders' } });
      expect(typeof apiToken, JSON.stringify(apiToken)).toBe('string');
      const payload = JSON.parse(Buffer.from(apiToken.split('.')[1]!, 'base64url').toString());
      expect(payload).toMatchObject({ iss: `https://${tls.hostOf('dev')}/`, azp: clientId });
      expect([payload.aud].flat()).toContain(API);

      // 4. logout → /v2/logout?client_id&returnTo → the user confirms (no id_token_hint: issue 11,
      //    finding 10) → back to the app, and the SSO session is gone.
      await spa(page, 'logout', { logoutParams: { returnTo: `${app.url}/logged-out` } }).catch(() => undefined); // the page navigates away mid-call
      await page.waitForURL((url) => url.pathname === '/v2/logout');
      await Promise.all([page.waitForURL(`${app.url}/logged-out`), page.click('button[value=logout]')]);
      await page.evaluate(() => (globalThis as any).spaReady.then(() => undefined));
      expect(await page.locator('#status').innerText()).toBe('anonymous');
      expect(await spa(page, 'getTokenSilently')).toMatchObject({ error: 'login_required' });
    });
  });

  it('a wrong password stays on the hosted page with an error', async () => {
    await withPage(browser, 'spa-wrong-password', async (page) => {
      await openApp(page);
      await spa(page, 'login');
      await page.waitForURL(/\/u\/login\?/);
      await page.fill('input[name=username]', USER.username);
      await page.fill('input[name=password]', 'not-the-password');
      await page.click('button[type=submit]');
      await expectVisibleError(page);
      expect(new URL(page.url()).pathname).toBe('/u/login');
    });
  });
});

async function expectVisibleError(page: Page): Promise<void> {
  await page.locator('[role=alert]').waitFor({ state: 'visible' });
}
