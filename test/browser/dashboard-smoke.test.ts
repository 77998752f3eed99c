/**
 * The built dashboard (dist/dashboard) in Chromium, served by src/server/dashboard-assets.ts from a
 * bare Fastify with its CSP: it boots without console errors or CSP violations, shows its error state
 * when the control API fails (here it does not exist), renders the shell from control API answers
 * (stubbed in the browser with the plan's shapes), switches the theme, and has no serious or
 * critical axe violations, in light and dark. Screenshots: test-artifacts/screenshots/{light,dark}/.
 * The pages ask for reduced motion (the theme then skips Mantine's transitions), so axe and the
 * screenshots never catch a dialog half faded in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { ensureDashboardBuild, serveDashboard, shoot, watchPage, type DashboardServer, expectAxeClean } from '../support/dashboard.js';

const CONTROL = '/api/control/v1/';

const ME = {
  user_id: 'auth0|owner',
  email: 'owner@example.com',
  name: 'Olive Owner',
  picture: '',
  is_owner: true,
  preferences: { theme: 'system' },
  csrf_token: 'csrf-test-value',
};
const TENANTS = [
  { id: 'ten_1', name: 'dev', environment_tag: 'development', domain: 'dev.localhost', management_api: 'http://dev.localhost:4000/api/v2/', created_at: '2026-12-01T00:00:00.000Z', roles: ['admin'] },
  { id: 'ten_2', name: 'acme', environment_tag: 'production', domain: 'acme.localhost', management_api: 'http://acme.localhost:4000/api/v2/', created_at: '2026-12-02T00:00:00.000Z', roles: ['admin'] },
];

const SESSIONS = [
  { id: 'ds_1', current: true, device: 'Linux', browser: 'Chrome', ip: '127.0.0.1', created_at: '2026-12-07T00:00:00.000Z', last_active_at: '2026-12-07T00:05:00.000Z', expires_at: '2026-12-10T00:00:00.000Z' },
];

let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  await ensureDashboardBuild();
  server = await serveDashboard();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await server?.close();
});

/** Answers the control API in the browser as the plan's §2 describes; records what the app sent. */
async function stubControlApi(page: Page, sent: { method: string; path: string; csrf: string | undefined; body: string | null }[]) {
  let me = { ...ME };
  await page.route(`**${CONTROL}**`, async (route) => {
    const request = route.request();
    const path = new URL(request.url()).pathname.slice(CONTROL.length - 1);
    sent.push({ method: request.method(), path, csrf: request.headers()['x-tessera-csrf'], body: request.postData() });
    const json = (status: number, body: unknown) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (path === '/me' && request.method() === 'GET') return json(200, me);
    if (path === '/me' && request.method() === 'PATCH') {
      me = { ...me, preferences: { ...me.preferences, ...(JSON.parse(request.postData() ?? '{}').preferences ?? {}) } };
      return json(200, me);
    }
    if (path === '/me/sessions') return json(200, SESSIONS);
    if (path === '/tenants') return json(200, TENANTS);
    if (request.method() === 'DELETE' && path === '/tenants/acme') {
      const confirm = new URL(request.url()).searchParams.get('confirm');
      return confirm === 'acme' ? route.fulfill({ status: 204 }) : json(400, { statusCode: 400, error: 'Bad Request', message: 'Confirmation mismatch.', errorCode: 'confirmation_mismatch' });
    }
    // The shell mints the tenant's Management API token to know which screens the role may open.
    const minting = TENANTS.find((t) => request.method() === 'POST' && path === `/tenants/${t.name}/token`);
    if (minting) return json(200, { access_token: 'stub-token', expires_in: 86400, scope: 'read:stats read:roles read:logs', management_api: minting.management_api });
    const tenant = TENANTS.find((t) => path === `/tenants/${t.name}`);
    if (tenant) return json(200, tenant);
    return json(404, { statusCode: 404, error: 'Not Found', message: 'Not Found', errorCode: 'not_found' });
  });
}

describe('dashboard in Chromium', () => {
  it('boots without a control API and shows its error state, not a crash', async () => {
    await withPage(
      browser,
      'dashboard-no-api',
      async (page) => {
        const problems = await watchPage(page, (url) => url.includes(CONTROL));
        const response = await page.goto(`${server.origin}/t/acme/overview`);
        expect(response?.status()).toBe(200);
        expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
        const alert = page.getByTestId('query-error');
        await alert.waitFor();
        await expect(alert.innerText()).resolves.toContain('Could not load your account');
        // The retry asks again and fails the same way, still without crashing.
        await page.getByRole('button', { name: 'Try again' }).click();
        await alert.waitFor();
        expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('light');
        await shoot(page, 'no-control-api');
        await expectAxeClean(page, 'error state');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });

  it('runs under a CSP that refuses inline script, and the watcher reports such a violation', async () => {
    await withPage(browser, 'dashboard-csp', async (page) => {
      const problems = await watchPage(page, (url) => url.includes(CONTROL));
      await page.goto(`${server.origin}/`);
      await page.getByTestId('query-error').waitFor();
      // A string, not a function: the test files compile without the DOM library.
      const ran = await page.evaluate(`(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.head.append(script);
        return window.__inlineRan === true;
      })()`);
      expect(ran).toBe(false);
      await expect.poll(() => problems.cspViolations.length).toBeGreaterThan(0);
      expect(problems.cspViolations.join('\n')).toMatch(/script-src/);
    });
  });

  it('applies the saved color scheme before the app runs (the external head script), and follows the system by default', async () => {
    await withPage(
      browser,
      'dashboard-color-scheme-script',
      async (page) => {
        // Without the app bundle only dashboard/color-scheme.js can set the attribute.
        await page.route(/\/assets\/index-[\w-]+\.js$/, (route) => route.abort());
        await page.addInitScript({ content: "localStorage.setItem('mantine-color-scheme-value', 'dark')" });
        await page.goto(`${server.origin}/profile`);
        expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
    await withPage(
      browser,
      'dashboard-color-scheme-system',
      async (page) => {
        await page.goto(`${server.origin}/`);
        await page.getByTestId('query-error').waitFor();
        expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
      },
      { colorScheme: 'dark', reducedMotion: 'reduce' },
    );
  });

  it('sends the browser to sign-in, returning to the current page, when GET /me answers 401', async () => {
    await withPage(browser, 'dashboard-sign-in', async (page) => {
      await page.route(`**${CONTROL}me`, (route) =>
        route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'Sign in.', errorCode: 'login_required' }) }),
      );
      await page.goto(`${server.origin}/t/acme/overview?tab=1`);
      await page.waitForURL((url) => url.pathname === `${CONTROL}auth/login`);
      expect(new URL(page.url()).searchParams.get('return_to')).toBe('/t/acme/overview?tab=1');
    });
  });

  it('shows the setup form, reading the token from the fragment and dropping it from the address', async () => {
    await withPage(
      browser,
      'dashboard-setup',
      async (page) => {
        const problems = await watchPage(page, (url) => url.includes(CONTROL));
        await page.goto(`${server.origin}/setup#token=abc123`);
        await page.getByRole('heading', { name: 'Set up Tessera' }).waitFor();
        await page.getByLabel('Email').waitFor();
        expect(new URL(page.url()).hash).toBe('');
        await expect(page.getByRole('button', { name: 'Create administrator' }).isEnabled()).resolves.toBe(true);
        await page.getByTestId('query-error').waitFor();
        await shoot(page, 'setup');
        await expectAxeClean(page, 'setup');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'dark', reducedMotion: 'reduce' },
    );
  });

  it('renders the shell, switches the theme, saves it with PATCH /me and the CSRF header, in light and dark', async () => {
    await withPage(
      browser,
      'dashboard-shell',
      async (page) => {
        const problems = await watchPage(page);
        const sent: { method: string; path: string; csrf: string | undefined; body: string | null }[] = [];
        await stubControlApi(page, sent);
        await page.goto(`${server.origin}/t/acme/overview`);
        await page.getByRole('heading', { name: 'acme' }).waitFor();
        const html = page.locator('html');
        expect(await html.getAttribute('data-mantine-color-scheme')).toBe('light');
        // The switcher lists the account's tenants.
        await page.getByTestId('tenant-switcher').click();
        await page.getByRole('option', { name: /dev · development/ }).waitFor();
        await page.keyboard.press('Escape');
        await shoot(page, 'tenant-overview');
        await expectAxeClean(page, 'tenant overview (light)');

        await page.getByTestId('theme-toggle').click();
        await expect.poll(() => html.getAttribute('data-mantine-color-scheme')).toBe('dark');
        await shoot(page, 'tenant-overview');
        await expectAxeClean(page, 'tenant overview (dark)');

        // Profile: the theme choice is saved to the account.
        await page.getByRole('link', { name: 'Profile' }).click();
        await page.getByRole('heading', { name: 'Profile' }).waitFor();
        await page.getByRole('radio', { name: 'Light' }).check();
        await expect.poll(() => html.getAttribute('data-mantine-color-scheme')).toBe('light');
        await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        const patch = sent.find((s) => s.method === 'PATCH' && s.path === '/me');
        expect(patch).toMatchObject({ csrf: ME.csrf_token });
        expect(JSON.parse(patch!.body!)).toEqual({ preferences: { theme: 'light' } });
        // Reads carry no CSRF header.
        expect(sent.filter((s) => s.method === 'GET').every((s) => s.csrf === undefined)).toBe(true);
        await shoot(page, 'profile');
        await expectAxeClean(page, 'profile');

        // Create tenant: the name rules answer as one types; the dialog is reached by keyboard.
        await page.getByRole('button', { name: 'Create tenant' }).first().focus();
        await page.keyboard.press('Enter');
        const name = page.getByLabel('Tenant name');
        await name.waitFor();
        await name.fill('Acme');
        await page.getByText('Use lowercase letters only.').waitFor();
        await name.fill('manage');
        await page.getByText('"manage" is reserved.').waitFor();
        await shoot(page, 'create-tenant');
        await expectAxeClean(page, 'create tenant');
        await page.keyboard.press('Escape');

        // Delete the tenant by keyboard only: the confirm button stays disabled until the name is typed.
        await page.goto(`${server.origin}/t/acme/overview`);
        await page.getByRole('heading', { name: 'acme' }).waitFor();
        await page.getByRole('button', { name: 'Delete acme' }).focus();
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'Delete tenant acme' });
        await dialog.waitFor();
        const confirmButton = dialog.getByRole('button', { name: 'Delete tenant' });
        await expect(confirmButton.isDisabled()).resolves.toBe(true);
        await page.keyboard.type('acm');
        await expect(confirmButton.isDisabled()).resolves.toBe(true);
        await page.keyboard.type('e');
        await expect(confirmButton.isEnabled()).resolves.toBe(true);
        await shoot(page, 'delete-tenant');
        await expectAxeClean(page, 'delete tenant');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${server.origin}/`);
        const deletion = sent.find((s) => s.method === 'DELETE');
        expect(deletion).toMatchObject({ path: '/tenants/acme', csrf: ME.csrf_token });

        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 90_000);
});
