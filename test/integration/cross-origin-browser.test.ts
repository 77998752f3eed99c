/**
 * Embedded login in headless Chromium, with the official SDKs unchanged: auth0.js 10
 * (`WebAuth.login` → `POST /co/authenticate` → `/authorize?login_ticket=...` → `parseHash`) and the
 * Lock 14 widget (bundled from its sources at test time), from an application on another site
 * (`https://app.shop.localhost:PORT`, a third-party context for `dev.localhost`), plus the
 * verification-page fallback for a browser that did not keep the verifier cookie, and origins the
 * application does not allow. The wire details are covered over HTTP in cross-origin.test.ts.
 *
 * Two Chromiums: an ordinary profile that allows third-party cookies (the setting the docs assume
 * for cross-origin authentication from another site), and incognito-like contexts, where Chromium
 * blocks them, for what happens then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { devCertFiles, type RunningApp } from '../support/apps/index.js';
import { closeBrowser, launchBrowser, takeScreenshot, withPage } from '../support/browser.js';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { bundleLock, launchRegularProfile, startEmbeddedLoginApp, type LockBundle, type RegularProfile } from '../support/embedded-login.js';
import { eventually } from '../support/eventually.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const USER = { email: 'ada@example.com', password: PASSWORD };

let tls: TlsTestServer;
/** Incognito-like contexts: third-party cookies blocked. */
let browser: Browser;
/** An ordinary profile: third-party cookies allowed, as cross-origin authentication needs. */
let regular: RegularProfile;
let app: RunningApp;
let lock: LockBundle;
let clientId: string;
/** The application, on a site of its own (cross-site to dev.localhost). */
let SHOP: string;
/** The same application on a subdomain of the identity provider's site (where the fallback page can work). */
let SAME_SITE: string;
/** Allowed for cross-origin login by another application of the tenant, not by this one. */
let OTHER: string;
/** Allowed by no application. */
let EVIL: string;

const idp = () => `https://${tls.hostOf('dev')}`;

beforeAll(async () => {
  // `shop` is no tenant: it only puts `*.shop.localhost` in the dev certificate, a site of its own.
  tls = await startTlsServer(['dev', 'acme', 'shop']);
  const token = await tls.tokenFor('dev');
  const management = async (method: string, path: string, body: unknown) => {
    const res = await tls.api('dev', token, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  lock = await bundleLock();
  clientId = (await management('POST', '/api/v2/clients', { name: 'Embedded login SPA', app_type: 'spa', cross_origin_authentication: true })).client_id;
  app = await startEmbeddedLoginApp({ cert: devCertFiles(tls.server), domain: tls.hostOf('dev'), clientId, lockBundle: lock.file });
  SHOP = `https://app.shop.localhost:${app.port}`;
  SAME_SITE = `https://app.dev.localhost:${app.port}`;
  OTHER = `https://other.shop.localhost:${app.port}`;
  EVIL = `https://evil.acme.localhost:${app.port}`;
  await management('PATCH', `/api/v2/clients/${clientId}`, {
    callbacks: [`${SHOP}/callback`, `${SHOP}/lock`, `${SAME_SITE}/callback`],
    web_origins: [SHOP, SAME_SITE],
    cross_origin_loc: `${SAME_SITE}/co-verify`,
  });
  await management('POST', '/api/v2/clients', { name: 'Other app', app_type: 'spa', callbacks: [`${OTHER}/callback`], web_origins: [OTHER], cross_origin_authentication: true });
  await management('POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: USER.email, password: PASSWORD, name: 'Ada Lovelace', email_verified: true });
  browser = await launchBrowser({ trustCertificates: [devCertFiles(tls.server).certFile] });
  regular = await launchRegularProfile(devCertFiles(tls.server).certFile);
}, 60_000);
afterAll(async () => {
  await closeBrowser(browser);
  await regular?.close();
  await app?.stop();
  await lock?.remove();
  await tls?.close();
});

/** Like `withPage`, in the regular profile: a fresh page with no cookies, a screenshot on failure. */
async function withRegularPage<T>(label: string, fn: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = regular.context;
  await context.clearCookies();
  const page = await context.newPage();
  try {
    return await fn(page, context);
  } catch (error) {
    const where = await takeScreenshot(page, label).then((file) => `screenshot of ${page.url()} saved to ${file}`, (e: Error) => `no screenshot (${e.message})`);
    if (error instanceof Error) error.message += `\n[browser] ${label}: ${where}`;
    throw error;
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** Fills the app's own login form (auth0.js) and submits it. */
async function submitEmbeddedForm(page: Page, origin: string, credentials = USER, query = ''): Promise<void> {
  await page.goto(`${origin}/${query}`);
  await page.fill('#username', credentials.email);
  await page.fill('#password', credentials.password);
  await page.click('button[type=submit]');
}

const embeddedResult = (page: Page) => page.evaluate(() => (globalThis as any).embeddedResult);

/** Records the Authentication API requests the page makes (method and path). */
function recordRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === idp()) seen.push(`${request.method()} ${url.pathname}${url.searchParams.has('login_ticket') ? '?login_ticket' : ''}`);
  });
  return seen;
}

describe('auth0.js WebAuth.login from another site', () => {
  it('logs in through /co/authenticate and /authorize?login_ticket, and parseHash accepts the tokens', { timeout: 60_000 }, async () => {
    await withRegularPage('co-auth0js-login', async (page) => {
      const requests = recordRequests(page);
      const coAnswer = page.waitForResponse((r) => r.url() === `${idp()}/co/authenticate` && r.request().method() === 'POST');
      await submitEmbeddedForm(page, SHOP);
      const answer = await coAnswer;
      expect(answer.status()).toBe(200);
      expect(JSON.parse(Buffer.from((await answer.request().allHeaders())['auth0-client']!, 'base64').toString())).toMatchObject({ name: 'auth0.js' });

      await page.waitForURL((url) => url.origin === SHOP && url.pathname === '/callback');
      const result = await embeddedResult(page);
      expect(result, JSON.stringify(result)).toMatchObject({ accessToken: true, idTokenPayload: { email: USER.email, iss: `${idp()}/`, aud: clientId } });
      // The verifier cookie, set in a third-party context, came back: no fallback page was needed.
      expect(requests).toContain('GET /authorize?login_ticket');
      expect(requests).not.toContain('POST /co/verify');
      // The SSO session started: the identity provider's cookie is in the browser.
      const cookies = await page.context().cookies(idp());
      expect(cookies.map((c) => c.name)).toContain('tessera_session');
      expect(cookies.map((c) => c.name).filter((n) => n.startsWith('tessera_co_'))).toEqual([]);
    });
  });

  it('shows the error table answer for a wrong password (readable across origins) and stays on the page', async () => {
    await withPage(browser, 'co-auth0js-wrong-password', async (page) => {
      await submitEmbeddedForm(page, SHOP, { email: USER.email, password: 'not-the-password' });
      await page.locator('#status', { hasText: 'error' }).waitFor();
      const error = JSON.parse(await page.locator('#out').innerText());
      expect(error).toEqual({ code: 'access_denied', description: 'Wrong email or password.' });
      expect(new URL(page.url()).origin).toBe(SHOP);
    });
  });
});

describe('with third-party cookies blocked (an incognito window)', () => {
  it('a login from another site falls back to the verification page, which cannot help there: the app gets a clean error', { timeout: 60_000 }, async () => {
    await withPage(browser, 'co-blocked-cross-site', async (page) => {
      const requests = recordRequests(page);
      await submitEmbeddedForm(page, SHOP);
      await page.waitForURL((url) => url.origin === SHOP && url.pathname === '/callback');
      // The verifier auth0.js kept belongs to the app's origin on its own site; the verification
      // page cannot reach it from inside the identity provider's page (Auth0: "No" for Chrome).
      expect(await embeddedResult(page)).toEqual({ error: 'access_denied', errorDescription: 'Cross-origin verification failed.' });
      expect(requests).toEqual(expect.arrayContaining(['POST /co/authenticate', 'GET /authorize?login_ticket', 'POST /co/verify']));
      expect((await page.context().cookies(idp())).map((c) => c.name)).not.toContain('tessera_session');
    });
  });
});

describe('the cross-origin verification page fallback', () => {
  it('completes the login through cross_origin_loc when the browser did not keep the verifier cookie', { timeout: 60_000 }, async () => {
    await withPage(browser, 'co-fallback', async (page) => {
      // Play a browser that blocks the cookie: /co/authenticate is answered by the real server, but
      // without its Set-Cookie header, so only auth0.js's copy of the verifier remains.
      let answered = false;
      await page.route(`${idp()}/co/authenticate`, async (route) => {
        const request = route.request();
        const headers = await request.allHeaders();
        const res = await tls.caFetch(request.url(), {
          method: request.method(),
          headers: { 'content-type': headers['content-type']!, origin: headers.origin!, 'auth0-client': headers['auth0-client']! },
          body: request.postData()!,
        });
        expect(res.headers.getSetCookie().some((c) => c.startsWith('tessera_co_'))).toBe(true);
        answered = true;
        await route.fulfill({
          status: res.status,
          headers: {
            'content-type': res.headers.get('content-type')!,
            'access-control-allow-origin': res.headers.get('access-control-allow-origin')!,
            'access-control-allow-credentials': res.headers.get('access-control-allow-credentials')!,
          },
          body: await res.text(),
        });
      });
      const requests = recordRequests(page);
      const verified = page.waitForRequest((r) => r.url() === `${idp()}/co/verify` && r.method() === 'POST');
      await submitEmbeddedForm(page, SAME_SITE);
      const verify = await verified;
      expect(answered).toBe(true);
      const form = new URLSearchParams(verify.postData() ?? '');
      expect(form.get('verifier')).toMatch(/^[\w-]{43}$/);
      // What /co/verify checks besides the browser's cookie: the page's nonce, and our own origin.
      expect(form.get('_csrf')).toMatch(/^[\w-]{32}$/);
      expect((await verify.allHeaders()).origin).toBe(idp());
      await page.waitForURL((url) => url.origin === SAME_SITE && url.pathname === '/callback');
      const result = await embeddedResult(page);
      expect(result, JSON.stringify(result)).toMatchObject({ accessToken: true, idTokenPayload: { email: USER.email } });
      expect(requests).toEqual(expect.arrayContaining(['POST /co/authenticate', 'GET /authorize?login_ticket', 'POST /co/verify']));
    });
  });
});

describe('origins the application does not allow', () => {
  interface Exchange {
    method: string;
    status: number;
    allowOrigin: string | undefined;
  }

  /**
   * What Chromium's network stack exchanged with /co/authenticate, CORS preflights included, read
   * through the DevTools protocol: Playwright's own events leave preflights out and report a
   * response that CORS blocks only as a failure (its body never reaches the page; the body's text
   * is checked over HTTP in cross-origin.test.ts). A response's ExtraInfo event may come before or
   * after its request's event, so the two are paired when read, in request order.
   */
  async function watchCoAuthenticate(page: Page): Promise<() => Exchange[]> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const methods = new Map<string, string>();
    const responses = new Map<string, { status: number; allowOrigin: string | undefined }>();
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.request.url === `${idp()}/co/authenticate`) methods.set(e.requestId, e.request.method);
    });
    cdp.on('Network.responseReceivedExtraInfo', (e) => {
      const header = Object.entries(e.headers).find(([name]) => name.toLowerCase() === 'access-control-allow-origin');
      responses.set(e.requestId, { status: e.statusCode, allowOrigin: header?.[1] });
    });
    // Sorted by method: DevTools may announce the actual POST before its preflight (the browser sends
    // the preflight first either way; the statuses say what each one got).
    return () =>
      [...methods]
        .flatMap(([id, method]) => (responses.has(id) ? [{ method, ...responses.get(id)! }] : []))
        .sort((a, b) => a.method.localeCompare(b.method));
  }

  it('an origin allowed only for another application passes the preflight, then gets the 403 without CORS headers', async () => {
    await withPage(browser, 'co-other-origin', async (page) => {
      const exchanges = await watchCoAuthenticate(page);
      await submitEmbeddedForm(page, OTHER, USER, `?client_id=${clientId}`);
      await page.locator('#status', { hasText: 'error' }).waitFor();
      // The page learns of the blocked response before DevTools reports its headers.
      const seen = await eventually(async () => exchanges(), (list) => list.length >= 2);
      expect(seen).toEqual([
        { method: 'OPTIONS', status: 204, allowOrigin: OTHER },
        { method: 'POST', status: 403, allowOrigin: undefined },
      ]);
      // auth0.js cannot read the answer: a failed request, and no login.
      expect(JSON.parse(await page.locator('#out').innerText()).code).toBe('request_error');
      expect(new URL(page.url()).origin).toBe(OTHER);
      expect(await page.context().cookies(idp())).toEqual([]);
    });
  });

  it('an origin no application allows fails at the preflight: the credentials are never sent', async () => {
    await withPage(browser, 'co-evil-origin', async (page) => {
      const exchanges = await watchCoAuthenticate(page);
      await submitEmbeddedForm(page, EVIL, USER, `?client_id=${clientId}`);
      await page.locator('#status', { hasText: 'error' }).waitFor();
      const seen = await eventually(async () => exchanges(), (list) => list.length >= 1);
      expect(seen).toEqual([{ method: 'OPTIONS', status: 403, allowOrigin: undefined }]);
      expect(JSON.parse(await page.locator('#out').innerText()).code).toBe('request_error');
      expect(new URL(page.url()).origin).toBe(EVIL);
    });
  });
});

describe('Lock', () => {
  it('reads the application from /client/{id}.js and logs in with its email and password fields', { timeout: 60_000 }, async () => {
    await withRegularPage('co-lock', async (page) => {
      const requests = recordRequests(page);
      await page.goto(`${SHOP}/lock`);
      const email = page.locator('#lock input[name=email]');
      await email.waitFor({ state: 'visible', timeout: 20_000 });
      expect(requests.some((r) => r.startsWith(`GET /client/${clientId}.js`))).toBe(true);
      await email.fill(USER.email);
      await page.locator('#lock input[name=password]').fill(USER.password);
      await page.locator('#lock button[type=submit]').click();
      await page.waitForURL((url) => url.origin === SHOP && url.pathname === '/lock' && url.hash.includes('access_token'));
      const result = await page.evaluate(() => (globalThis as any).lockResult);
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true, accessToken: true, idTokenPayload: { email: USER.email, aud: clientId } });
      expect(requests).toEqual(expect.arrayContaining(['POST /co/authenticate', 'GET /authorize?login_ticket']));
    });
  });
});
