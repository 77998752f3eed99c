/**
 * The dashboard core against a real spawned server (SQLite): fresh server → the setup link from its
 * stdout → the setup form → the dashboard lists tenant dev → create tenant `acme` (staging) with the
 * keyboard only → the switcher lists dev and acme → the profile theme (dark) is saved to the account
 * and survives a reload without local storage → the login sessions list → sign out ends the hosted
 * login too: GET / lands on the admin tenant's /u/login → signing in with the password returns to the
 * page asked for. axe and light/dark screenshots of each screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, submitHostedLogin, withPage } from '../support/browser.js';
import { ensureDashboardBuild, shoot, watchPage } from '../support/dashboard.js';
import { adminOrigin, checkBothSchemes, expectAxeClean, setupLink } from '../support/dashboard-live.js';
import { startServer, type TestServer } from '../support/server.js';

const OWNER = { email: 'owner@example.com', name: 'Olive Owner', password: 'Correct-Horse-Battery-9!' };

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await ensureDashboardBuild();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await server?.stop();
});

describe('dashboard core (real server)', () => {
  it('sets up the first admin, creates a tenant by keyboard, keeps the theme, signs out and back in', async () => {
    const origin = adminOrigin(server);
    const link = await setupLink(server);
    await withPage(
      browser,
      'dashboard-core',
      async (page) => {
        // The sign-in pages are the server's own, served on the same origin: only the app's errors count.
        page.setDefaultTimeout(10_000);
        // Expected failures: GET /me answers 401 after sign-out, and the account's Gravatar picture cannot load in the closed network.
        const problems = await watchPage(page, (url) => url.includes('/api/control/v1/me') || url.startsWith('https://s.gravatar.com/'));
        const html = page.locator('html');

        // Setup from the printed link; the token leaves the address bar.
        await page.goto(link);
        await page.getByRole('heading', { name: 'Set up Tessera' }).waitFor();
        expect(new URL(page.url()).hash).toBe('');
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByLabel('Name').fill(OWNER.name);
        await page.getByRole('textbox', { name: 'Password' }).fill(OWNER.password);
        await checkBothSchemes(page, 'core-setup');
        await page.getByRole('button', { name: 'Create administrator' }).click();

        // The dashboard: the owner is Admin of the existing tenant dev.
        await page.waitForURL(`${origin}/`);
        await page.getByRole('heading', { name: 'Tenants' }).waitFor();
        await page.getByRole('link', { name: 'dev', exact: true }).waitFor();
        await checkBothSchemes(page, 'core-home');

        // Create tenant acme, keyboard only.
        await page.getByRole('button', { name: 'Create tenant' }).first().focus();
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'Create tenant' });
        await dialog.waitFor();
        await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.getAttribute("aria-label") || document.activeElement.id')).toBeTruthy();
        await page.keyboard.type('acme');
        await page.keyboard.press('Tab');
        await page.keyboard.press('ArrowDown');
        await page.getByRole('option', { name: 'Staging' }).waitFor();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await expect.poll(() => dialog.getByLabel('Environment', { exact: true }).inputValue()).toBe('Staging');
        await checkBothSchemes(page, 'core-create-tenant');
        await page.keyboard.press('Tab'); // Cancel
        await page.keyboard.press('Tab'); // Create
        await page.keyboard.press('Enter');
        // A new tenant opens on its landing screen: Activity for an Admin (read:stats).
        await page.waitForURL(`${origin}/t/acme/activity`);
        await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
        await page.getByRole('link', { name: 'Overview' }).click();
        await page.waitForURL(`${origin}/t/acme/overview`);
        await page.getByRole('heading', { name: 'acme' }).waitFor();
        await page.getByText('staging', { exact: true }).waitFor();

        // The switcher lists both tenants.
        await page.getByTestId('tenant-switcher').click();
        await page.getByRole('option', { name: 'dev · development' }).waitFor();
        await page.getByRole('option', { name: 'acme · staging' }).waitFor();
        await page.keyboard.press('Escape');
        await checkBothSchemes(page, 'core-tenant-overview');

        // Profile: the sessions list shows this one; the dark theme is saved to the account.
        await page.getByRole('link', { name: 'Profile' }).click();
        await page.getByRole('heading', { name: 'Profile' }).waitFor();
        const sessions = page.getByTestId('sessions-table');
        await sessions.getByText('This session').waitFor();
        await checkBothSchemes(page, 'core-profile');
        await page.getByRole('radio', { name: 'Dark' }).check();
        await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        expect(await html.getAttribute('data-mantine-color-scheme')).toBe('dark');
        // Without this browser's copy, the reload takes the theme from the account.
        await page.evaluate('localStorage.clear()');
        await page.reload();
        await page.getByRole('heading', { name: 'Profile' }).waitFor();
        await expect.poll(() => html.getAttribute('data-mantine-color-scheme')).toBe('dark');
        expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
        await shoot(page, 'core-profile-dark-saved');
        await expectAxeClean(page, 'profile (dark, saved)');

        // Sign out: the hosted-login session ends too, so / asks for the password.
        await page.getByRole('button', { name: `Account menu for ${OWNER.email}` }).click();
        await page.getByRole('menuitem', { name: 'Sign out' }).click();
        await page.waitForURL(/\/u\/login\?/);
        expect(new URL(page.url()).origin).toBe(origin);
        await page.goto(`${origin}/`);
        await page.waitForURL(/\/u\/login\?/);
        await shoot(page, 'core-hosted-login');

        // Signing in returns to the page asked for.
        await page.goto(`${origin}/t/acme/overview`);
        await submitHostedLogin(page, { username: OWNER.email, password: OWNER.password });
        await page.waitForURL(`${origin}/t/acme/overview`);
        await page.getByRole('heading', { name: 'acme' }).waitFor();
        await expect.poll(() => html.getAttribute('data-mantine-color-scheme')).toBe('dark');

        expect(problems.pageErrors).toEqual([]);
        expect(problems.cspViolations).toEqual([]);
        expect(problems.consoleErrors).toEqual([]);
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 90_000);
});
