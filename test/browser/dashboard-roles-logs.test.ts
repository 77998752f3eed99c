/**
 * The Roles and Logs screens against a real spawned server (SQLite), as the tenant's administrator:
 * - Roles: create a role, add permissions from an API's scopes, remove one (confirmed), assign a user
 *   found by search and remove them (confirmed), delete the role by typing its name; each step read
 *   back through the Management API.
 * - Logs: events made by real password-grant logins (a success and a wrong password) listed with
 *   their Auth0 descriptions, searched with `q`, opened in the detail drawer as raw JSON, and the live
 *   tail picking up a login made while it runs.
 * axe (no serious/critical violations) and light/dark screenshots per screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { shoot, watchPage, expectAxeClean, setScheme } from '../support/dashboard.js';
import { managementCall, signInContext, startWithAdmin, type AdminServer } from '../support/dashboard-admin.js';
import { call, managementToken } from '../support/server.js';
import { eventually } from '../support/eventually.js';
import { logTypeDescription } from '../../dashboard/src/lib/log-types.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const API = 'https://orders.example.com/';

let admin: AdminServer;
let browser: Browser;
let token: string;
let app: { client_id: string; client_secret: string };
const users: Record<string, string> = {};

const api = (method: string, path: string, body?: object) => managementCall(admin.server, token, method, path, body);

function login(username: string, password: string) {
  return call(admin.server, '/oauth/token', {
    host: 'localhost',
    form: { grant_type: REALM_GRANT, realm: REALM, username, password, client_id: app.client_id, client_secret: app.client_secret },
  });
}

beforeAll(async () => {
  admin = await startWithAdmin();
  token = await managementToken(admin.server, 'dev');
  const created = await api('POST', '/api/v2/resource-servers', {
    identifier: API,
    name: 'Orders',
    scopes: [
      { value: 'read:orders', description: 'Read orders' },
      { value: 'write:orders', description: 'Change orders' },
    ],
  });
  expect(created.status, created.text).toBe(201);
  for (const name of ['ada', 'grace']) {
    const user = await api('POST', '/api/v2/users', { connection: REALM, email: `${name}@example.com`, password: PASSWORD, name, email_verified: true });
    expect(user.status, user.text).toBe(201);
    users[name] = user.body.user_id;
  }
  const client = await api('POST', '/api/v2/clients', { name: 'Shop', app_type: 'regular_web', grant_types: ['password', REALM_GRANT], jwt_configuration: { alg: 'HS256' } });
  expect(client.status, client.text).toBe(201);
  app = client.body;
  expect((await login('ada@example.com', PASSWORD)).status).toBe(200);
  expect((await login('grace@example.com', 'wrong-password')).status).toBe(403);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await closeBrowser(browser);
  await admin?.server.stop();
});

const gravatar = (url: string) => url.startsWith('https://s.gravatar.com/');

describe('Roles', () => {
  it('creates a role, adds and removes permissions and users, and deletes it', async () => {
    await withPage(
      browser,
      'dashboard-roles',
      async (page, context) => {
        const problems = await watchPage(page, gravatar);
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/roles`);
        await page.getByRole('heading', { name: 'Roles', level: 1 }).waitFor();
        await page.getByTestId('query-empty').waitFor();

        // Create.
        await page.getByRole('button', { name: 'Create role' }).click();
        const createDialog = page.getByRole('dialog', { name: 'Create role' });
        await createDialog.getByLabel('Name').fill('Support agents');
        await createDialog.getByLabel('Description').fill('First-line support');
        await shoot(page, 'roles-create');
        await expectAxeClean(page, 'create role');
        await createDialog.getByRole('button', { name: 'Create' }).click();
        await page.waitForURL(/\/t\/dev\/roles\/[^/]+$/);
        const roleId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
        await page.getByRole('heading', { name: 'Support agents', level: 1 }).waitFor();
        expect((await api('GET', `/api/v2/roles/${roleId}`)).body).toMatchObject({ name: 'Support agents', description: 'First-line support' });

        // Permissions: add both scopes of the Orders API, then remove one.
        await page.getByText('This role has no permissions yet.').waitFor();
        await page.getByRole('button', { name: 'Add permissions' }).click();
        const addDialog = page.getByRole('dialog', { name: 'Add permissions to Support agents' });
        await addDialog.getByTestId('api-select').click();
        await page.getByRole('option', { name: `Orders (${API})` }).click();
        await addDialog.getByRole('checkbox', { name: 'read:orders' }).check();
        await addDialog.getByRole('checkbox', { name: 'write:orders' }).check();
        await shoot(page, 'roles-add-permissions');
        await expectAxeClean(page, 'add permissions');
        await addDialog.getByRole('button', { name: 'Add 2 permissions' }).click();
        await addDialog.waitFor({ state: 'detached' });
        const permissions = page.getByTestId('role-permissions');
        await expect.poll(() => permissions.locator('tbody tr').count()).toBe(2);
        const stored = await api('GET', `/api/v2/roles/${roleId}/permissions`);
        expect(stored.body.map((p: { permission_name: string }) => p.permission_name).sort()).toEqual(['read:orders', 'write:orders']);
        await shoot(page, 'role-permissions');
        await expectAxeClean(page, 'role permissions (light)');

        await page.getByRole('button', { name: 'Remove write:orders' }).click();
        const confirm = page.getByRole('dialog', { name: 'Remove permission' });
        await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
        await expect.poll(() => permissions.locator('tbody tr').count()).toBe(1);
        expect((await api('GET', `/api/v2/roles/${roleId}/permissions`)).body.map((p: { permission_name: string }) => p.permission_name)).toEqual(['read:orders']);

        // Users: assign Ada found by search, then remove her.
        await page.getByRole('tab', { name: 'Users' }).click();
        await page.getByText('No user has this role yet.').waitFor();
        await page.getByRole('button', { name: 'Assign users' }).click();
        const assignDialog = page.getByRole('dialog', { name: 'Assign users to Support agents' });
        await assignDialog.getByLabel('Search users').fill('ada');
        await expect.poll(() => assignDialog.getByRole('checkbox').count()).toBe(1);
        await assignDialog.getByRole('checkbox', { name: 'ada@example.com' }).check();
        await expectAxeClean(page, 'assign users');
        await assignDialog.getByRole('button', { name: 'Assign' }).click();
        await assignDialog.waitFor({ state: 'detached' });
        await page.getByTestId('role-users').getByText('ada@example.com').waitFor();
        expect((await api('GET', `/api/v2/roles/${roleId}/users`)).body.map((u: { user_id: string }) => u.user_id)).toEqual([users.ada]);
        await setScheme(page, 'dark');
        await shoot(page, 'role-users');
        await expectAxeClean(page, 'role users (dark)');

        await page.getByRole('button', { name: 'Remove ada@example.com' }).click();
        await page.getByRole('dialog', { name: 'Remove user from role' }).getByRole('button', { name: 'Remove', exact: true }).click();
        await page.getByText('No user has this role yet.').waitFor();
        expect((await api('GET', `/api/v2/roles/${roleId}/users`)).body).toEqual([]);

        // Delete, confirmed by typing the name, by keyboard.
        await page.getByRole('button', { name: 'Delete role' }).focus();
        await page.keyboard.press('Enter');
        const deleteDialog = page.getByRole('dialog', { name: 'Delete role Support agents' });
        await deleteDialog.waitFor();
        const confirmDelete = deleteDialog.getByRole('button', { name: 'Delete role' });
        await expect(confirmDelete.isDisabled()).resolves.toBe(true);
        await page.keyboard.type('Support agents');
        await expect(confirmDelete.isEnabled()).resolves.toBe(true);
        await shoot(page, 'role-delete');
        await expectAxeClean(page, 'delete role (dark)');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${admin.dashboard}/t/dev/roles`);
        await page.getByTestId('query-empty').waitFor();
        expect((await api('GET', `/api/v2/roles/${roleId}`)).status).toBe(404);
        await shoot(page, 'roles');
        await expectAxeClean(page, 'roles (dark)');
        await setScheme(page, 'light');
        await shoot(page, 'roles');

        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 120_000);
});

describe('Logs', () => {
  it('lists, searches and opens log events, and tails new ones live', async () => {
    // The logins of beforeAll, once their batch is stored.
    const stored = await eventually(
      async () => (await api('GET', '/api/v2/logs?sort=date:-1&per_page=100')).body as { type: string; log_id: string }[],
      (logs) => logs.some((l) => l.type === 'sepft') && logs.some((l) => l.type === 'fepft' || l.type === 'fp'),
      5_000,
    );
    const failedType = stored.find((l) => l.type === 'fepft' || l.type === 'fp')!.type;
    await withPage(
      browser,
      'dashboard-logs',
      async (page, context) => {
        // The malformed search below is answered 400 on purpose.
        const problems = await watchPage(page, (url) => gravatar(url) || url.includes('q=type%3A('));
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/logs`);
        await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
        const table = page.getByTestId('logs-table');
        await table.locator('tr[data-type="sepft"]').first().waitFor();
        await expect(table.locator('tr[data-type="sepft"]').first().innerText()).resolves.toContain(logTypeDescription('sepft'));
        await expect(table.locator('tbody tr').count()).resolves.toBe(stored.length);
        await shoot(page, 'logs');
        await expectAxeClean(page, 'logs (light)');

        // Search with Auth0's q syntax.
        await page.getByLabel('Search logs').fill(`type:${failedType}`);
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        const types = async () => {
          const rows = await table.locator('tbody tr').all();
          return [...new Set(await Promise.all(rows.map((row) => row.getAttribute('data-type'))))];
        };
        await expect.poll(types).toEqual([failedType]);
        const expectedFailed = stored.filter((l) => l.type === failedType).length;
        await expect(table.locator('tbody tr').count()).resolves.toBe(expectedFailed);
        // A malformed query is the server's 400, shown, not a crash.
        await page.getByLabel('Search logs').fill('type:(');
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        await page.getByTestId('query-error').waitFor();
        await page.getByRole('button', { name: 'Clear' }).click();
        await expect.poll(() => table.locator('tbody tr').count()).toBe(stored.length);

        // The detail drawer: the raw event as JSON.
        const first = table.locator('tbody tr').first();
        const logId = await first.getAttribute('data-log-id');
        await setScheme(page, 'dark');
        await first.getByRole('button').first().click();
        const drawer = page.getByRole('dialog');
        const json = JSON.parse(await drawer.getByTestId('log-json').innerText());
        expect(json.log_id).toBe(logId);
        expect(json).toEqual((await api('GET', `/api/v2/logs/${logId}`)).body);
        await shoot(page, 'log-detail');
        await expectAxeClean(page, 'log detail (dark)');
        await page.keyboard.press('Escape');
        await drawer.waitFor({ state: 'detached' });
        await shoot(page, 'logs');
        await expectAxeClean(page, 'logs (dark)');

        // Live tail: a login made now shows up at the top within a few seconds.
        await page.getByRole('switch', { name: 'Live tail' }).check();
        // Shown once the tail has taken its checkpoint: the login below comes after it.
        await page.getByRole('status').filter({ hasText: 'New events appear at the top' }).waitFor();
        expect((await login('ada@example.com', PASSWORD)).status).toBe(200);
        const fresh = table.locator('tr[data-fresh="true"][data-type="sepft"]');
        await fresh.first().waitFor({ timeout: 10_000 });
        expect(await table.locator('tbody tr').first().getAttribute('data-fresh')).toBe('true');
        await expect(fresh.count()).resolves.toBe(1);
        await shoot(page, 'logs-live');
        await expectAxeClean(page, 'logs live tail (dark)');

        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 120_000);
});
