/**
 * The user page's extras and the API Test tab's real token, in Chromium against a real spawned
 * server (tenant dev, as its Admin):
 * - Permissions: add one from an API's scopes, remove it after confirming; read back through the API.
 * - Logs: the user's real password-grant login is listed.
 * - Actions: the verification and password reset emails land in the dev outbox; a password changed
 *   from the dashboard is the one that logs in.
 * - API Test tab: "Get test token" shows a token whose payload has the API's audience and the app.
 * axe (no serious/critical violations) and light/dark screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { WALKTHROUGH_TIMEOUT, ensureDashboardBuild, shoot, watchPage } from '../support/dashboard.js';
import { managementCall, signInContext, startWithAdmin, type AdminServer } from '../support/dashboard-admin.js';
import { expectAxeClean, setScheme } from '../support/dashboard-session.js';
import { call, managementToken } from '../support/server.js';
import { eventually } from '../support/eventually.js';
import { logTypeDescription } from '../../dashboard/src/lib/log-types.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const NEW_PASSWORD = 'Brand-New-Passw0rd!';
const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const API = 'https://orders.example.com/';

let admin: AdminServer;
let browser: Browser;
let token: string;
let shop: { client_id: string; client_secret: string };
let worker: { client_id: string };
let apiId: string;
let adaId: string;

const api = (method: string, path: string, body?: object) => managementCall(admin.server, token, method, path, body);
const login = (username: string, password: string) =>
  call(admin.server, '/oauth/token', { host: 'localhost', form: { grant_type: REALM_GRANT, realm: REALM, username, password, client_id: shop.client_id, client_secret: shop.client_secret } });

/** Subjects of the dev outbox's emails to `to`, once `count` are there. */
async function outboxSubjects(to: string, count: number): Promise<string[]> {
  const answer = await eventually(
    () => api('GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`),
    (a) => a.status === 200 && Array.isArray(a.body) && a.body.length >= count,
    5_000,
  );
  return (answer.body as { subject: string }[]).map((m) => m.subject);
}

beforeAll(async () => {
  await ensureDashboardBuild();
  [admin, browser] = await Promise.all([startWithAdmin(), launchBrowser()]);
  token = await managementToken(admin.server, 'dev');
  const rs = await api('POST', '/api/v2/resource-servers', { identifier: API, name: 'Orders', scopes: [{ value: 'read:orders', description: 'Read orders' }] });
  expect(rs.status, rs.text).toBe(201);
  apiId = rs.body.id;
  const ada = await api('POST', '/api/v2/users', { connection: REALM, email: 'ada@example.com', password: PASSWORD, name: 'Ada' });
  expect(ada.status, ada.text).toBe(201);
  adaId = ada.body.user_id;
  shop = (await api('POST', '/api/v2/clients', { name: 'Shop', app_type: 'regular_web', grant_types: ['password', REALM_GRANT], jwt_configuration: { alg: 'HS256' } })).body;
  worker = (await api('POST', '/api/v2/clients', { name: 'Orders worker', app_type: 'non_interactive', grant_types: ['client_credentials'] })).body;
  expect((await api('POST', '/api/v2/client-grants', { client_id: worker.client_id, audience: API, scope: ['read:orders'] })).status).toBe(201);
  expect((await login('ada@example.com', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await closeBrowser(browser);
  await admin?.server.stop();
});

const gravatar = (url: string) => url.startsWith('https://s.gravatar.com/');

async function action(page: Page, item: string, dialogTitle: string, button: string, toast: string) {
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: item }).click();
  const dialog = page.getByRole('dialog', { name: dialogTitle });
  await dialog.getByRole('button', { name: button }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText(toast).first().waitFor();
}

describe('user page extras and the API test token', () => {
  it('permissions, logs, emails and password change', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    await withPage(
      browser,
      'dashboard-users-extras',
      async (page, context) => {
        page.setDefaultTimeout(10_000);
        const problems = await watchPage(page, gravatar);
        await signInContext(context, admin);
        const userPath = `${admin.dashboard}/t/dev/users/${encodeURIComponent(adaId)}`;
        await page.goto(userPath);
        await page.getByRole('heading', { name: 'ada@example.com', level: 1 }).waitFor();

        // Permissions: add read:orders directly, then remove it (confirmed).
        const permissions = async () => ((await api('GET', `/api/v2/users/${encodeURIComponent(adaId)}/permissions`)).body as { permission_name: string }[]).map((p) => p.permission_name);
        await page.getByRole('tab', { name: 'Permissions' }).click();
        await page.getByTestId('no-permissions').waitFor();
        await page.getByRole('combobox', { name: 'API' }).click();
        await page.getByRole('option', { name: 'Orders' }).click();
        await page.getByRole('checkbox', { name: 'read:orders' }).check();
        await page.getByRole('button', { name: 'Add permissions' }).click();
        const table = page.getByRole('table', { name: 'Permissions of the user' });
        await table.getByRole('cell', { name: 'read:orders', exact: true }).waitFor();
        expect(await permissions()).toEqual(['read:orders']);
        await shoot(page, 'user-permissions');
        await expectAxeClean(page, 'user permissions');
        await page.getByRole('button', { name: 'Remove permission read:orders' }).click();
        const confirm = page.getByRole('dialog', { name: 'Remove permission?' });
        await confirm.getByRole('button', { name: 'Remove' }).click();
        await page.getByTestId('no-permissions').waitFor();
        expect(await permissions()).toEqual([]);

        // Logs: the password-grant login made in beforeAll.
        await page.getByRole('tab', { name: 'Logs' }).click();
        const logs = page.getByRole('table', { name: 'Log events of the user' });
        await logs.getByRole('cell', { name: logTypeDescription('sepft'), exact: true }).waitFor();
        await shoot(page, 'user-logs');

        // Actions: the two emails reach the dev outbox; a password set here is the one that logs in.
        await action(page, 'Send verification email', 'Send verification email?', 'Send verification email', 'Verification email sent');
        await action(page, 'Send password reset email', 'Send password reset email?', 'Send password reset email', 'Password reset email sent');
        const subjects = await outboxSubjects('ada@example.com', 3); // creating the user sent the first verification email
        expect(subjects.filter((s) => /^Verify your email/.test(s))).toHaveLength(2);
        expect(subjects.filter((s) => /^Reset your .* password$/.test(s))).toHaveLength(1);

        await setScheme(page, 'dark');
        await page.getByRole('button', { name: 'Actions' }).click();
        await page.getByRole('menuitem', { name: 'Change password' }).click();
        const change = page.getByRole('dialog', { name: 'Change password' });
        await change.getByLabel(/^New password/).fill(NEW_PASSWORD);
        await change.getByLabel(/^Confirm new password/).fill(NEW_PASSWORD);
        await shoot(page, 'user-change-password');
        await expectAxeClean(page, 'change password (dark)');
        await change.getByRole('button', { name: 'Change password' }).click();
        await page.getByText('Password changed').first().waitFor();
        expect((await login('ada@example.com', NEW_PASSWORD)).status).toBe(200);
        expect((await login('ada@example.com', PASSWORD)).status).toBe(403);
        await change.waitFor({ state: 'detached' });
        await shoot(page, 'user-logs');
        await setScheme(page, 'light');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });

  it('the API Test tab shows a real token for the authorised application', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    await withPage(
      browser,
      'dashboard-api-test-token',
      async (page, context) => {
        page.setDefaultTimeout(10_000);
        const problems = await watchPage(page, gravatar);
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/apis/${apiId}?tab=test`);
        await page.getByRole('button', { name: 'Get test token' }).click();
        const shown = page.getByTestId('test-token-payload');
        await shown.waitFor();
        const payload = JSON.parse((await shown.textContent()) ?? '{}');
        expect(payload).toMatchObject({ aud: API, azp: worker.client_id, sub: `${worker.client_id}@clients`, scope: 'read:orders' });
        const accessToken = await page.getByRole('textbox', { name: 'Access token' }).inputValue();
        expect(accessToken.split('.')).toHaveLength(3);
        expect(await page.content()).not.toContain((await api('GET', `/api/v2/clients/${worker.client_id}`)).body.client_secret);
        await shoot(page, 'api-test-token');
        await expectAxeClean(page, 'api test token');
        await setScheme(page, 'dark');
        await shoot(page, 'api-test-token');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });
});
