/**
 * Authentication › Database against a real spawned server (SQLite), as the tenant's administrator:
 * create a database connection, change its password policy and a setting, enable it for an
 * application — each read back through the Management API — and show that they take effect (a weak
 * password and a dictionary word are refused by POST /api/v2/users, public sign-up is refused);
 * then "Try connection" end to end: a user of the connection signs in on the hosted login in the
 * popup, and the dashboard's /tester/callback page shows "It works!" with the user's email; then
 * the connection is deleted by typing its name. axe (no serious/critical violations) and light/dark
 * screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, submitHostedLogin, withPage } from '../support/browser.js';
import { shoot, watchPage } from '../support/dashboard.js';
import { managementCall, signInContext, startWithAdmin, type AdminServer } from '../support/dashboard-admin.js';
import { expectAxeClean, setScheme } from '../support/dashboard-session.js';
import { call, managementToken } from '../support/server.js';
import { eventually } from '../support/eventually.js';

const STRONG = 'Qz7#lumen-Harbor-42';
const DICTIONARY_WORD = 'Acme-Widgets-2026!';

let admin: AdminServer;
let browser: Browser;
let token: string;
let storefront: string;

const api = (method: string, path: string, body?: object) => managementCall(admin.server, token, method, path, body);
const gravatar = (url: string) => url.startsWith('https://s.gravatar.com/');

beforeAll(async () => {
  admin = await startWithAdmin();
  token = await managementToken(admin.server, 'dev');
  const client = await api('POST', '/api/v2/clients', { name: 'Storefront', app_type: 'spa', callbacks: ['https://shop.example/callback'] });
  expect(client.status, client.text).toBe(201);
  storefront = client.body.client_id;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await closeBrowser(browser);
  await admin?.server.stop();
});

async function connectionNamed(name: string) {
  const { body } = await api('GET', `/api/v2/connections?name=${name}`);
  return (body as Array<{ id: string; name: string; strategy: string; options: Record<string, unknown> }>)[0];
}

/** Saves the form of the current tab and waits for its toast. */
async function save(page: Page, toast: string) {
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await page.getByText(toast).waitFor();
}

describe('Authentication › Database', () => {
  it('creates a connection, sets its policy, settings and applications, tries it, and deletes it', async () => {
    await withPage(
      browser,
      'dashboard-authentication',
      async (page, context) => {
        const problems = await watchPage(page, gravatar);
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev`);
        await page.getByRole('link', { name: 'Database', exact: true }).click();
        await page.getByRole('heading', { name: 'Database Connections', level: 1 }).waitFor();
        await page.getByRole('link', { name: 'Username-Password-Authentication' }).waitFor();
        // The pointer leaves the navigation: a hovered active NavLink is the shell's own look, not this screen's.
        await page.mouse.move(700, 600);
        await shoot(page, 'database-connections');
        await expectAxeClean(page, 'database connections');

        // Create, by name.
        await page.getByRole('button', { name: 'Create DB Connection' }).click();
        const dialog = page.getByRole('dialog', { name: 'New Database Connection' });
        await dialog.getByLabel('Name').fill('customers');
        await expectAxeClean(page, 'create connection');
        await dialog.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('heading', { name: 'customers', level: 1 }).waitFor();
        const created = await connectionNamed('customers');
        expect(created).toMatchObject({ name: 'customers', strategy: 'auth0', options: { passwordPolicy: 'good', brute_force_protection: true, disable_self_service_change_password: false } });
        expect(page.url()).toBe(`${admin.dashboard}/t/dev/authentication/database/${created!.id}`);

        // Password policy: Excellent, at least 12 characters, a custom dictionary word.
        await page.getByRole('tab', { name: 'Password Policy' }).click();
        await page.getByRole('radio', { name: 'Excellent' }).click();
        await page.getByLabel('Minimum length').fill('12');
        await page.getByRole('switch', { name: 'Password Dictionary' }).click();
        await page.getByLabel('Custom dictionary').fill(DICTIONARY_WORD);
        await shoot(page, 'database-password-policy');
        await expectAxeClean(page, 'password policy');
        await save(page, 'Password policy saved.');
        expect((await connectionNamed('customers'))!.options).toMatchObject({
          passwordPolicy: 'excellent',
          password_complexity_options: { min_length: 12 },
          password_dictionary: { enable: true, dictionary: [DICTIONARY_WORD] },
          password_history: { enable: false },
          password_no_personal_info: { enable: false },
        });

        // Settings: no public sign ups, no self-service password resets. The policy saved before stays (options are written whole).
        await page.getByRole('tab', { name: 'Settings' }).click();
        await page.getByRole('switch', { name: 'Disable Sign Ups' }).click();
        await page.getByRole('switch', { name: 'Disable Self-Service Change Password' }).click();
        await save(page, 'Connection settings saved.');
        expect((await connectionNamed('customers'))!.options).toMatchObject({
          disable_signup: true,
          disable_self_service_change_password: true,
          brute_force_protection: true,
          passwordPolicy: 'excellent',
          password_complexity_options: { min_length: 12 },
        });

        // Applications: Storefront may use it.
        await page.getByRole('tab', { name: 'Applications' }).click();
        await page.getByRole('switch', { name: 'Enable Storefront' }).click();
        await page.getByText('Storefront can now use customers.').waitFor();
        expect((await api('GET', `/api/v2/connections/${created!.id}/clients`)).body.clients).toEqual([{ client_id: storefront }]);
        await expectAxeClean(page, 'connection applications');

        // The rules take effect on the Management API and the Authentication API.
        const weak = await api('POST', '/api/v2/users', { connection: 'customers', email: 'weak@example.com', password: 'Short-1a' });
        expect(weak.status).toBe(400);
        expect(weak.body.message).toMatch(/PasswordStrengthError/);
        const common = await api('POST', '/api/v2/users', { connection: 'customers', email: 'common@example.com', password: DICTIONARY_WORD });
        expect(common.status).toBe(400);
        expect(common.body.message).toMatch(/PasswordDictionaryError/);
        const signup = await call(admin.server, '/dbconnections/signup', { body: { client_id: storefront, connection: 'customers', email: 'self@example.com', password: STRONG } });
        expect(signup.status).toBe(400);
        expect(signup.body.code).toBe('operation_not_allowed');
        const ada = await api('POST', '/api/v2/users', { connection: 'customers', email: 'ada@example.com', password: STRONG, name: 'Ada', email_verified: true });
        expect(ada.status, ada.text).toBe(201);

        // Try connection: the hosted login in a popup, then "It works!" with Ada's profile.
        await page.getByRole('tab', { name: 'Try Connection' }).click();
        const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Try', exact: true }).click()]);
        const popupProblems = await watchPage(popup);
        await submitHostedLogin(popup, { username: 'ada@example.com', password: STRONG });
        await popup.getByRole('heading', { name: 'It works!' }).waitFor();
        expect(new URL(popup.url()).pathname).toBe('/tester/callback');
        // The code left the address bar once redeemed.
        expect(new URL(popup.url()).search).toBe('');
        const profile = JSON.parse((await popup.getByTestId('tester-profile').textContent()) ?? '{}');
        expect(profile).toMatchObject({ email: 'ada@example.com', name: 'Ada', sub: ada.body.user_id, aud: 'tessera-connection-tester' });
        await shoot(popup, 'connection-tester-callback');
        await expectAxeClean(popup, 'tester callback (light)');
        await popup.emulateMedia({ colorScheme: 'dark' });
        await shoot(popup, 'connection-tester-callback');
        await expectAxeClean(popup, 'tester callback (dark)');
        expect(popupProblems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
        await popup.close();
        expect((await api('GET', '/api/v2/clients/tessera-connection-tester')).body).toMatchObject({ name: 'Dashboard connection tester', app_type: 'spa', token_endpoint_auth_method: 'none' });

        // The tester shows in the Applications tab under its own name.
        await page.getByRole('tab', { name: 'Applications' }).click();
        await expect.poll(() => page.getByRole('switch', { name: 'Enable Dashboard connection tester' }).isChecked()).toBe(true);

        // Dark theme, then delete by typing the name, by keyboard.
        await setScheme(page, 'dark');
        await page.getByRole('tab', { name: 'Password Policy' }).click();
        await shoot(page, 'database-password-policy');
        await expectAxeClean(page, 'password policy (dark)');
        await page.getByRole('tab', { name: 'Settings' }).click();
        await page.getByRole('button', { name: 'Delete', exact: true }).focus();
        await page.keyboard.press('Enter');
        const confirm = page.getByRole('dialog', { name: 'Delete connection customers' });
        await confirm.waitFor();
        const button = confirm.getByRole('button', { name: 'Delete connection' });
        await expect(button.isDisabled()).resolves.toBe(true);
        await page.keyboard.type('customers');
        await shoot(page, 'database-connection-delete');
        await expectAxeClean(page, 'delete connection (dark)');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${admin.dashboard}/t/dev/authentication/database`);
        await page.getByRole('link', { name: 'Username-Password-Authentication' }).waitFor();
        expect((await api('GET', `/api/v2/connections/${created!.id}`)).status).toBe(404);
        await eventually(async () => page.getByRole('link', { name: 'customers' }).count(), (n) => n === 0, 5_000);
        await page.mouse.move(700, 600);
        await shoot(page, 'database-connections');
        await expectAxeClean(page, 'database connections (dark)');

        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 120_000);
});
