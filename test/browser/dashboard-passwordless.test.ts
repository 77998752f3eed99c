/**
 * Authentication › Passwordless and the application's Connections tab against a real spawned server
 * (SQLite), as the tenant's administrator; every step read back through the Management API:
 * - the Email switch creates the `email` connection; the Applications tab enables it for an
 *   application; the settings (subject, code length, sign-ups) are saved and a real
 *   `/passwordless/start` sends the code with them; turning Email off deletes it after the name is typed.
 * - the application's Connections tab turns the database connection off and on for it.
 * axe (no serious/critical violations) and light/dark screenshots per screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { shoot, watchPage, expectAxeClean, setScheme } from '../support/dashboard.js';
import { managementCall, signInContext, startWithAdmin, type AdminServer } from '../support/dashboard-admin.js';
import { call, managementToken } from '../support/server.js';
import { eventually } from '../support/eventually.js';

const OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';
const DATABASE = 'Username-Password-Authentication';

let admin: AdminServer;
let browser: Browser;
let token: string;
let app: { client_id: string; client_secret: string };

const api = (method: string, path: string, body?: object) => managementCall(admin.server, token, method, path, body);
const connectionNamed = async (name: string) => {
  const list = await api('GET', `/api/v2/connections?name=${encodeURIComponent(name)}`);
  return (list.body as Array<{ id: string; enabled_clients: string[]; options: Record<string, any> }>)[0];
};

/** The account menu's avatar: no network in the tests. */
const gravatar = (url: string) => url.startsWith('https://s.gravatar.com/');

beforeAll(async () => {
  admin = await startWithAdmin();
  token = await managementToken(admin.server, 'dev');
  const client = await api('POST', '/api/v2/clients', { name: 'Shop', app_type: 'regular_web', grant_types: ['authorization_code', OTP_GRANT], jwt_configuration: { alg: 'HS256' } });
  expect(client.status, client.text).toBe(201);
  app = client.body;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await closeBrowser(browser);
  await admin?.server.stop();
});

describe('Passwordless', () => {
  it('creates the email connection, enables it for an application, saves its settings and deletes it', async () => {
    await withPage(
      browser,
      'dashboard-passwordless',
      async (page, context) => {
        const problems = await watchPage(page, gravatar);
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/authentication/passwordless`);
        await page.getByRole('heading', { name: 'Passwordless', level: 1 }).waitFor();
        await expect.poll(() => page.getByRole('switch', { name: 'Email' }).isChecked()).toBe(false);
        await shoot(page, 'passwordless');
        await expectAxeClean(page, 'passwordless');

        // Email on: the connection is created and its Applications tab opens.
        // Switches that save show the server's answer, so they change once it arrives: clicked, then polled.
        await page.getByRole('switch', { name: 'Email' }).click({ force: true });
        await page.waitForURL(/\/authentication\/passwordless\/con_\w+\?tab=applications$/);
        await page.getByRole('heading', { name: 'email', level: 1 }).waitFor();
        const created = await connectionNamed('email');
        expect(created).toMatchObject({ strategy: 'email', enabled_clients: [] });

        const shopSwitch = page.getByRole('switch', { name: 'Enable Shop' });
        await shopSwitch.click({ force: true });
        await expect.poll(async () => (await connectionNamed('email'))?.enabled_clients).toEqual([app.client_id]);
        await expect.poll(() => shopSwitch.isChecked()).toBe(true);

        // Settings.
        await page.getByRole('tab', { name: 'Settings' }).click();
        await page.getByRole('textbox', { name: 'From' }).fill('{{ application.name }} <login@shop.example>');
        await page.getByLabel('Subject').fill('Your {{ application.name }} code');
        await page.getByLabel('OTP Length').fill('8');
        await page.getByLabel('OTP Expiry (seconds)').fill('600');
        await page.getByRole('switch', { name: 'Disable Sign Ups' }).check({ force: true });
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await page.getByText('Connection settings saved.').waitFor();
        const saved = (await connectionNamed('email'))!;
        expect(saved.options).toMatchObject({
          email: { subject: 'Your {{ application.name }} code', syntax: 'liquid', from: '{{ application.name }} <login@shop.example>', body: created!.options.email.body },
          totp: { length: 8, time_step: 600 },
          disable_signup: true,
          brute_force_protection: true,
        });
        await shoot(page, 'passwordless-email-settings');
        await expectAxeClean(page, 'passwordless settings (light)');
        await setScheme(page, 'dark');
        await shoot(page, 'passwordless-email-settings');
        await expectAxeClean(page, 'passwordless settings (dark)');

        // The settings take effect: a code sent to an existing user (sign-ups are off) has 8 digits and the subject.
        const user = await api('POST', '/api/v2/users', { connection: 'email', email: 'ada@example.com', email_verified: true });
        expect(user.status, user.text).toBe(201);
        const start = await call(admin.server, '/passwordless/start', {
          body: { client_id: app.client_id, client_secret: app.client_secret, connection: 'email', email: 'ada@example.com', send: 'code' },
        });
        expect(start.status, start.text).toBe(200);
        const outbox = await eventually(
          async () => (await api('GET', '/api/v2/tessera/outbox?to=ada%40example.com')).body as Array<{ from: string; subject: string; text: string }>,
          (messages) => messages.length > 0,
          5_000,
        );
        expect(outbox[0]!.subject).toBe('Your Shop code');
        expect(outbox[0]!.from).toBe('"Shop" <login@shop.example>');
        expect(outbox[0]!.text).toMatch(/\b\d{8}\b/);

        // Email off: confirmed by typing the name, the connection and its user are deleted.
        await page.getByRole('link', { name: 'Back to Passwordless' }).click();
        await page.getByRole('switch', { name: 'Email' }).click({ force: true });
        const confirm = page.getByRole('dialog', { name: 'Delete the Email connection?' });
        await confirm.getByLabel('Type email to confirm').fill('email');
        await shoot(page, 'passwordless-delete');
        await confirm.getByRole('button', { name: 'Delete' }).click();
        await confirm.waitFor({ state: 'detached' });
        await expect.poll(() => connectionNamed('email')).toBeUndefined();
        expect((await api('GET', `/api/v2/users/${encodeURIComponent(user.body.user_id)}`)).status).toBe(404);
        await expect.poll(() => page.getByRole('switch', { name: 'Email' }).isChecked()).toBe(false);
        await setScheme(page, 'light');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 120_000);
});

describe("Application › Connections", () => {
  it("turns a connection off and on for the application", async () => {
    await withPage(
      browser,
      'dashboard-app-connections',
      async (page, context) => {
        const problems = await watchPage(page, gravatar);
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/applications/${app.client_id}?tab=connections`);
        const database = page.getByRole('switch', { name: DATABASE });
        await expect.poll(() => database.isChecked()).toBe(true);
        await shoot(page, 'application-connections');
        await expectAxeClean(page, 'application connections (light)');

        await database.click({ force: true });
        await expect.poll(async () => (await connectionNamed(DATABASE))!.enabled_clients.includes(app.client_id)).toBe(false);
        await expect.poll(() => database.isChecked()).toBe(false);
        await setScheme(page, 'dark');
        await shoot(page, 'application-connections');
        await expectAxeClean(page, 'application connections (dark)');

        await database.click({ force: true });
        await expect.poll(async () => (await connectionNamed(DATABASE))!.enabled_clients.includes(app.client_id)).toBe(true);
        await setScheme(page, 'light');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 40_000);
});
