/**
 * Issue 13's done-test, all through the dashboard in Chromium against a real spawned server: the
 * setup link → the first administrator → tenant `acme` → a Single Page Application whose callback,
 * logout URL and web origin are the auth0-spa-js test app → an API → a user → that user signs in to
 * the test app (pointed at http://acme.localhost:PORT), which then shows the user's email.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, submitHostedLogin, withPage } from '../support/browser.js';
import { WALKTHROUGH_TIMEOUT, ensureDashboardBuild, shoot } from '../support/dashboard.js';
import { serveSpa, type SpaServer } from '../support/dashboard-session.js';
import { eventually } from '../support/eventually.js';
import { startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;
let spaApp: SpaServer;

beforeAll(async () => {
  await ensureDashboardBuild();
  [server, browser, spaApp] = await Promise.all([startServer(), launchBrowser(), serveSpa()]);
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await spaApp?.close();
  await server?.stop();
});

const OWNER = { email: 'owner@example.com', password: 'Owner-Passw0rd-Long' };
const USER = { email: 'grace@example.com', password: 'Grace-Hopper-1906!' };

describe('the dashboard headline', () => {
  it('setup → tenant → SPA → API → user → the user signs in to the SPA', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    const output = await eventually(async () => server.output(), (o) => /setup#token=/.test(o), 20_000);
    const link = /Dashboard setup: (http:\/\/manage\.localhost:\d+\/setup#token=[\w-]+)/.exec(output)![1]!;
    const dashboard = new URL(link).origin;

    const clientId = await withPage(
      browser,
      'dashboard-headline',
      async (page) => {
        // 1. The first administrator, from the setup link.
        await page.goto(link);
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByRole('textbox', { name: 'Password' }).fill(OWNER.password);
        await page.getByRole('button', { name: 'Create administrator' }).click();
        await page.waitForURL(`${dashboard}/`);

        // 2. Tenant acme.
        await page.getByRole('button', { name: 'Create tenant' }).first().click();
        await page.getByLabel('Tenant name').fill('acme');
        await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
        // A new tenant opens on its landing screen: Activity for an Admin (read:stats).
        await page.waitForURL(`${dashboard}/t/acme/activity`);

        // 3. A Single Page Application pointed at the test app.
        await page.getByRole('link', { name: 'Applications' }).click();
        await page.getByRole('heading', { name: 'Applications' }).waitFor();
        await page.getByRole('button', { name: 'Create Application' }).click();
        const create = page.getByRole('dialog', { name: 'Create application' });
        await create.getByLabel('Name').fill('Acme SPA');
        await create.getByRole('radio', { name: 'Single Page Web Applications' }).click();
        await create.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('heading', { name: 'Acme SPA' }).waitFor();
        await page.getByLabel('Allowed Callback URLs').fill(`${spaApp.origin}/callback`);
        await page.getByLabel('Allowed Logout URLs').fill(`${spaApp.origin}/`);
        await page.getByLabel('Allowed Web Origins').fill(spaApp.origin);
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await page.getByText('Changes saved.').waitFor();
        const id = await page.getByLabel('Client ID', { exact: true }).inputValue();
        expect(id).toMatch(/^\w{16,}$/);
        await shoot(page, 'headline-spa-settings');

        // 4. An API.
        await page.getByRole('link', { name: 'APIs' }).click();
        await page.getByRole('button', { name: 'Create API' }).click();
        const newApi = page.getByRole('dialog', { name: 'New API' });
        await newApi.getByLabel('Name').fill('Acme Orders');
        await newApi.getByLabel('Identifier').fill('https://orders.acme.test');
        await newApi.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('heading', { name: 'Acme Orders' }).waitFor();

        // 5. A user.
        await page.getByRole('link', { name: 'Users' }).click();
        await page.getByRole('button', { name: 'Create User' }).click();
        const newUser = page.getByRole('dialog', { name: 'Create user' });
        await newUser.getByLabel('Email').fill(USER.email);
        await newUser.getByRole('textbox', { name: 'Password' }).fill(USER.password);
        await newUser.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('heading', { name: USER.email }).waitFor();
        await shoot(page, 'headline-user');
        return id;
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );

    // 6. That user signs in to the SPA, which runs against acme.
    spaApp.configure({ domain: `http://acme.localhost:${server.port}`, clientId });
    await withPage(browser, 'dashboard-headline-spa', async (page) => {
      await page.goto(`${spaApp.origin}/`);
      await page.evaluate('window.spaReady.then(() => undefined)');
      await page.getByRole('button', { name: 'loginWithRedirect' }).click();
      await page.waitForURL((url) => url.host === `acme.localhost:${server.port}` && url.pathname === '/u/login');
      await submitHostedLogin(page, { username: USER.email, password: USER.password });
      // As on Auth0, a callback on a loopback address is not verifiable, so even a first-party
      // application asks the user for consent once.
      await page.waitForURL((url) => url.pathname === '/u/consent');
      await Promise.all([page.waitForURL((url) => url.origin === spaApp.origin), page.getByRole('button', { name: 'Accept' }).click()]);
      await expect.poll(() => page.locator('#status').innerText(), { timeout: 10_000 }).toBe('authenticated');
      await page.getByRole('button', { name: 'getUser' }).click();
      await expect.poll(() => page.locator('#out').innerText()).toContain(`"email": "${USER.email}"`);
      await shoot(page, 'headline-spa-signed-in');
    });
  });
});
