/**
 * Auth0's Express SDK for regular web apps, express-openid-connect (openid-client v6 underneath),
 * unchanged, against Tessera over TLS: a regular_web application at `https://app.dev.localhost:PORT`
 * using the authorization-code flow with PKCE and client_secret_basic, driven by headless Chromium
 * through the hosted login page. The app runs in its own process trusting the dev CA through
 * NODE_EXTRA_CA_CERTS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { devCertFiles, startWebApp, type RunningApp } from '../support/apps/index.js';
import { closeBrowser, launchBrowser, submitHostedLogin, withPage } from '../support/browser.js';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const USER = { username: 'katherine@example.com', password: PASSWORD };

let tls: TlsTestServer;
let browser: Browser;
let token: string;
const apps: RunningApp[] = [];

async function management(method: string, path: string, body?: unknown): Promise<any> {
  const res = await tls.api('dev', token, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A regular_web application and the express-openid-connect app using it; the app's URLs are
 * registered once its port is known (callback, and logout return URLs with and without the slash,
 * since the SDK returns to its baseURL as configured).
 */
async function webApp(logout: 'auth0' | 'oidc' = 'auth0'): Promise<{ app: RunningApp; clientId: string }> {
  const client = await management('POST', '/api/v2/clients', { name: `Web app (${logout} logout)`, app_type: 'regular_web' });
  const app = await startWebApp({
    cert: devCertFiles(tls.server),
    issuerBaseURL: `https://${tls.hostOf('dev')}`,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    logout,
  });
  apps.push(app);
  await management('PATCH', `/api/v2/clients/${client.client_id}`, {
    callbacks: [`${app.url}/callback`],
    allowed_logout_urls: [app.url, `${app.url}/`],
  });
  return { app, clientId: client.client_id };
}

async function json(page: Page, url: string): Promise<{ status: number | undefined; body: any }> {
  const response = await page.goto(url);
  const text = await page.locator('body').innerText();
  try {
    return { status: response?.status(), body: JSON.parse(text) };
  } catch {
    return { status: response?.status(), body: text };
  }
}

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  token = await tls.tokenFor('dev');
  await management('POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: USER.username, password: PASSWORD, name: 'Katherine Johnson', email_verified: true });
  browser = await launchBrowser({ trustCertificates: [devCertFiles(tls.server).certFile] });
});
afterAll(async () => {
  await closeBrowser(browser);
  await Promise.all(apps.map((app) => app.stop()));
  await tls?.close();
});

describe('the express-openid-connect test app', () => {
  it('starts, and its public page answers without a session', async () => {
    const { app } = await webApp();
    const res = await tls.caFetch(`${app.url}/`);
    expect(res.status, app.output()).toBe(200);
    expect(await res.json()).toEqual({ authenticated: false, user: null });
  });
});

describe('express-openid-connect against Tessera', () => {
  it('/login sends the browser to /authorize with the code flow, PKCE and a nonce', async () => {
    const { app, clientId } = await webApp();
    const res = await tls.caFetch(`${app.url}/login`, { redirect: 'manual' });
    expect(res.status, app.output()).toBe(302);
    const authorize = new URL(res.headers.get('location')!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`https://${tls.hostOf('dev')}/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: clientId,
      redirect_uri: `${app.url}/callback`,
      response_type: 'code',
      scope: 'openid profile email',
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  });

  it('logs in through the hosted page, reads the profile and /userinfo, and logs out at the identity provider', { timeout: 60_000 }, async () => {
    const { app, clientId } = await webApp('auth0');
    await withPage(browser, 'express-openid-connect', async (page) => {
      // 1. A protected page sends the browser through /authorize and the hosted login page.
      await page.goto(`${app.url}/profile`);
      await submitHostedLogin(page, USER);
      await page.waitForURL(`${app.url}/profile`);
      const profile = JSON.parse(await page.locator('body').innerText());
      expect(profile.user, app.output()).toMatchObject({ email: USER.username, name: 'Katherine Johnson', email_verified: true });
      expect(profile.user.sub).toMatch(/^auth0\|/);
      expect(profile.idTokenClaims).toMatchObject({ iss: `https://${tls.hostOf('dev')}/`, aud: clientId, sub: profile.user.sub });
      expect(profile.accessToken).toMatchObject({ token_type: 'Bearer' });

      // 2. The SDK's /userinfo call with the access token.
      const userinfo = await json(page, `${app.url}/userinfo`);
      expect(userinfo.status, app.output()).toBe(200);
      expect(userinfo.body).toMatchObject({ sub: profile.user.sub, email: USER.username });

      // 3. Logout ends the app session and the SSO session (/v2/logout?returnTo&client_id), then returns.
      //    The SDK sends no ID token there, so the user confirms first (issue 11, finding 10: any site
      //    could send the browser to that URL).
      await page.goto(`${app.url}/logout`);
      await page.waitForURL((url) => url.pathname === '/v2/logout');
      await Promise.all([page.waitForURL((url) => url.origin === app.url && url.pathname === '/'), page.click('button[value=logout]')]);
      expect((await json(page, `${app.url}/`)).body).toEqual({ authenticated: false, user: null });
      // The identity provider asks for credentials again instead of completing silently.
      await page.goto(`${app.url}/login`);
      await page.waitForURL(/\/u\/login\?/);
    });
  });

  it('a second application gets the user through single sign-on without the login page', { timeout: 60_000 }, async () => {
    const first = await webApp();
    const second = await webApp();
    await withPage(browser, 'express-openid-connect-sso', async (page) => {
      await page.goto(`${first.app.url}/login`);
      await submitHostedLogin(page, USER);
      await page.waitForURL((url) => url.origin === first.app.url);
      // No login page this time: /authorize completes with the SSO session and returns to the second app.
      await page.goto(`${second.app.url}/profile`);
      await page.waitForURL(`${second.app.url}/profile`);
      const profile = JSON.parse(await page.locator('body').innerText());
      expect(profile.user).toMatchObject({ email: USER.username });
      expect(profile.idTokenClaims.aud).toBe(second.clientId);
    });
  });

  it('RP-initiated logout through the discovery document’s end_session_endpoint', { timeout: 60_000 }, async () => {
    const { app } = await webApp('oidc');
    await withPage(browser, 'express-openid-connect-oidc-logout', async (page) => {
      await page.goto(`${app.url}/login`);
      await submitHostedLogin(page, USER);
      await page.waitForURL((url) => url.origin === app.url);
      expect((await json(page, `${app.url}/`)).body.authenticated).toBe(true);
      await page.goto(`${app.url}/logout`);
      await page.waitForURL((url) => url.origin === app.url && url.pathname === '/');
      expect((await json(page, `${app.url}/`)).body.authenticated).toBe(false);
      await page.goto(`${app.url}/login`);
      await page.waitForURL(/\/u\/login\?/);
    });
  });
});
