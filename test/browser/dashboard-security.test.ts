/**
 * Branding and Security › Attack protection against a real spawned server (SQLite), as the tenant's
 * administrator; every change read back through the Management API:
 * - Branding: colours and logo saved, previewed, and used by the hosted login page (`/u/login`'s
 *   button colour and logo, in a browser).
 * - Attack protection: brute-force threshold, lockout mode, shields and allowlist saved; an entry
 *   the API refuses shows its message at the allowlist field and changes nothing; suspicious IP
 *   throttling and breached password detection saved.
 * axe (no serious/critical violations) and light/dark screenshots per screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { shoot, watchPage, expectAxeClean, setScheme } from '../support/dashboard.js';
import { managementCall, signInContext, startWithAdmin, type AdminServer } from '../support/dashboard-admin.js';
import { managementToken } from '../support/server.js';

const LOGO = 'https://localhost:1/logo.png';
const CALLBACK = 'https://shop.example.com/callback';

let admin: AdminServer;
let browser: Browser;
let token: string;
let app: { client_id: string };

const api = (method: string, path: string, body?: object) => managementCall(admin.server, token, method, path, body);
/** The account menu's avatar and the logo under test: no network in the tests. */
const offline = (url: string) => url.startsWith('https://s.gravatar.com/') || url === LOGO;

beforeAll(async () => {
  admin = await startWithAdmin();
  token = await managementToken(admin.server, 'dev');
  const client = await api('POST', '/api/v2/clients', { name: 'Shop', app_type: 'regular_web', callbacks: [CALLBACK] });
  expect(client.status, client.text).toBe(201);
  app = client.body;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await closeBrowser(browser);
  await admin?.server.stop();
});

/** Runs in the page (serialised by Playwright): the element's computed background colour. */
const backgroundColorOf = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor;

describe('Branding', () => {
  it('saves colours and a logo that the hosted login page then uses', async () => {
    await withPage(
      browser,
      'dashboard-branding',
      async (page, context) => {
        const problems = await watchPage(page, offline);
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/branding`);
        await page.getByRole('heading', { name: 'Branding', level: 1 }).waitFor();

        await page.getByLabel('Primary Color').fill('#0a5c36');
        await page.getByLabel('Page Background Color').fill('#f0e6d2');
        await page.getByLabel('Logo URL').fill('http://insecure.example.com/logo.png');
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await page.getByText('Must be an https:// URL.').waitFor();
        await page.getByLabel('Logo URL').fill(LOGO);
        // The preview follows the form.
        await expect.poll(() => page.getByTestId('preview-button').evaluate(backgroundColorOf)).toBe('rgb(10, 92, 54)');
        await expect.poll(() => page.getByTestId('preview-background').evaluate(backgroundColorOf)).toBe('rgb(240, 230, 210)');
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await page.getByText('Branding saved.', { exact: false }).waitFor();
        expect((await api('GET', '/api/v2/branding')).body).toEqual({ colors: { primary: '#0a5c36', page_background: '#f0e6d2' }, logo_url: LOGO });
        await shoot(page, 'branding');
        await expectAxeClean(page, 'branding (light)');
        await setScheme(page, 'dark');
        await shoot(page, 'branding');
        await expectAxeClean(page, 'branding (dark)');
        await setScheme(page, 'light');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );

    // The tenant's hosted login page, as a user of the Shop application meets it.
    await withPage(
      browser,
      'branding-login',
      async (page) => {
        const authorize = new URL(`http://localhost:${admin.server.port}/authorize`);
        authorize.search = new URLSearchParams({ client_id: app.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 's' }).toString();
        await page.goto(authorize.toString(), { waitUntil: 'domcontentloaded' });
        await page.waitForURL(/\/u\/login\?/);
        const submit = page.locator('button[type=submit]').first();
        expect(await submit.evaluate(backgroundColorOf)).toBe('rgb(10, 92, 54)');
        expect(await page.locator('body').evaluate(backgroundColorOf)).toBe('rgb(240, 230, 210)');
        expect(await page.locator('header img').getAttribute('src')).toBe(LOGO);
      },
      { colorScheme: 'light' },
    );
  }, 90_000);
});

describe('Attack protection', () => {
  it('saves the three settings, and shows the API refusing an allowlist entry at the field', async () => {
    await withPage(
      browser,
      'dashboard-attack-protection',
      async (page, context) => {
        // The refused allowlist is a 400 on purpose, which Chromium logs.
        const problems = await watchPage(page, (url) => offline(url) || url.endsWith('/api/v2/attack-protection/brute-force-protection'));
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/security/attack-protection`);
        await page.getByRole('heading', { name: 'Attack Protection', level: 1 }).waitFor();

        // Brute force.
        await page.getByLabel('Brute-force Threshold').fill('5');
        await page.getByRole('radio', { name: 'Per account, from any IP address' }).check();
        await page.getByRole('checkbox', { name: 'Send notifications to the affected user' }).uncheck();
        await page.getByLabel('Allowlist').fill('10.0.0.0/8\n2001:db8::1');
        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByText('Brute-force protection settings saved.').waitFor();
        expect((await api('GET', '/api/v2/attack-protection/brute-force-protection')).body).toEqual({
          enabled: true,
          shields: ['block'],
          mode: 'count_per_identifier',
          allowlist: ['10.0.0.0/8', '2001:db8::1'],
          max_attempts: 5,
        });
        await shoot(page, 'attack-protection-brute-force');
        await expectAxeClean(page, 'brute force (light)');

        // An entry the API refuses: its message at the field, nothing saved.
        await page.getByLabel('Allowlist').fill('10.0.0.0/8\n300.1.2.3');
        await page.getByRole('button', { name: 'Save' }).click();
        const allowlist = page.getByLabel('Allowlist');
        await expect.poll(() => allowlist.getAttribute('aria-invalid')).toBe('true');
        await page.getByText(`Line 2: Payload validation error: 'allowlist[1]' ("300.1.2.3") is not an IPv4/IPv6 address or CIDR range.`).waitFor();
        expect((await api('GET', '/api/v2/attack-protection/brute-force-protection')).body.allowlist).toEqual(['10.0.0.0/8', '2001:db8::1']);
        await setScheme(page, 'dark');
        await shoot(page, 'attack-protection-allowlist-error');
        await expectAxeClean(page, 'brute force allowlist error (dark)');

        // Suspicious IP throttling.
        await page.getByRole('tab', { name: 'Suspicious IP Throttling' }).click();
        await page.getByLabel('Login: maximum attempts').fill('200');
        await page.getByLabel('Sign-up: throttle rate (milliseconds)').fill('3600000');
        await page.getByRole('checkbox', { name: 'Send notifications to tenant administrators' }).uncheck();
        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByText('Suspicious IP throttling settings saved.').waitFor();
        expect((await api('GET', '/api/v2/attack-protection/suspicious-ip-throttling')).body).toEqual({
          enabled: true,
          shields: ['block'],
          allowlist: [],
          stage: { 'pre-login': { max_attempts: 200, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 3_600_000 } },
        });
        await shoot(page, 'attack-protection-suspicious-ip');

        // Breached password detection.
        await page.getByRole('tab', { name: 'Breached Password Detection' }).click();
        await page.getByRole('switch', { name: 'Breached Password Detection' }).check({ force: true });
        await page.getByRole('checkbox', { name: 'Block compromised credentials' }).check();
        await page.getByRole('checkbox', { name: 'Block sign-ups with breached passwords' }).check();
        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByText('Breached password detection settings saved.').waitFor();
        expect((await api('GET', '/api/v2/attack-protection/breached-password-detection')).body).toMatchObject({
          enabled: true,
          shields: ['block'],
          method: 'standard',
          stage: { 'pre-user-registration': { shields: ['block'] }, 'pre-change-password': { shields: [] } },
        });
        await shoot(page, 'attack-protection-breached-password');
        await expectAxeClean(page, 'breached password (dark)');
        await setScheme(page, 'light');
        await shoot(page, 'attack-protection-breached-password');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 90_000);
});
