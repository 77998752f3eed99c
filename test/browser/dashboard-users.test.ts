/**
 * Users in Chromium against a real spawned server (tenant acme, signed in as its Admin): the list,
 * search with Auth0's `q` syntax, create, the profile, the metadata JSON editors (invalid JSON is
 * refused with a message before anything is sent), roles (assign, remove), block/unblock, and delete by typing the email.
 * Writes are checked through the Management API; axe, light and dark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { WALKTHROUGH_TIMEOUT, ensureDashboardBuild, shoot, watchPage } from '../support/dashboard.js';
import { dashboardOrigin, expectAxeClean, expectedFailedLoads, managementApi, setScheme, signIn, startAdminServer } from '../support/dashboard-session.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;
let mgmt: Awaited<ReturnType<typeof managementApi>>;
const PASSWORD = 'Long-Enough-Passw0rd!';

beforeAll(async () => {
  await ensureDashboardBuild();
  [server, browser] = await Promise.all([startAdminServer('acme'), launchBrowser()]);
  mgmt = await managementApi(server, 'acme');
  for (const email of ['ada@example.com', 'alan@example.com']) {
    const created = await mgmt('/users', { body: { connection: 'Username-Password-Authentication', email, password: PASSWORD } });
    expect(created.status, created.text).toBe(201);
  }
  const role = await mgmt('/roles', { body: { name: 'support', description: 'Answers tickets' } });
  expect(role.status, role.text).toBe(200);
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await server?.stop();
});

describe('dashboard users', () => {
  it('searches, creates, edits profile and metadata, blocks, unblocks and deletes a user', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    await withPage(
      browser,
      'dashboard-users',
      async (page) => {
        page.setDefaultTimeout(10_000);
        const problems = await watchPage(page, expectedFailedLoads);
        await signIn(page, server, '/t/acme/users');
        const table = page.getByRole('table', { name: 'Users' });
        await table.getByRole('link', { name: 'ada@example.com' }).waitFor();
        await table.getByRole('link', { name: 'alan@example.com' }).waitFor();
        await shoot(page, 'users-list');
        await expectAxeClean(page, 'users list');

        // Search: the q syntax goes to GET /api/v2/users?q=&search_engine=v3.
        const searched = page.waitForRequest((r) => r.url().includes('/api/v2/users?') && new URL(r.url()).searchParams.get('search_engine') === 'v3');
        await page.getByLabel('Search users').fill('email:"ada@example.com"');
        await page.getByRole('button', { name: 'Search' }).click();
        expect(new URL((await searched).url()).searchParams.get('q')).toBe('email:"ada@example.com"');
        await expect.poll(() => table.getByRole('row').count()).toBe(2);
        await table.getByRole('link', { name: 'ada@example.com' }).waitFor();
        await page.getByLabel('Search users').fill('email:"nobody@example.com"');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.getByText('No users match this search.').waitFor();

        // Create.
        await page.getByRole('button', { name: 'Create User' }).click();
        const dialog = page.getByRole('dialog', { name: 'Create user' });
        await dialog.getByLabel('Email').fill('grace@example.com');
        await dialog.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
        await shoot(page, 'users-create');
        await expectAxeClean(page, 'create user');
        await dialog.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('heading', { name: 'grace@example.com' }).waitFor();
        const userId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
        const user = async () => (await mgmt(`/users/${encodeURIComponent(userId)}`)).body;
        expect(await user()).toMatchObject({ email: 'grace@example.com' });

        // Profile.
        await page.getByLabel('Given name').fill('Grace');
        await page.getByRole('button', { name: 'Save profile' }).click();
        await expect.poll(async () => (await user()).given_name).toBe('Grace');

        // Metadata: invalid JSON is refused on the spot; valid JSON is saved.
        const userMetadata = page.getByLabel('user_metadata');
        await userMetadata.fill('{"theme": ');
        await page.getByText(/^Invalid JSON/).waitFor();
        expect(await page.getByRole('button', { name: 'Save metadata' }).isDisabled()).toBe(true);
        await userMetadata.fill('["not", "an", "object"]');
        await page.getByText('The value must be a JSON object ({ ... }).').waitFor();
        await shoot(page, 'users-metadata-error');
        await expectAxeClean(page, 'user metadata error');
        await userMetadata.fill('{"theme": "dark"}');
        await page.getByLabel('app_metadata').fill('{"plan": "pro"}');
        await page.getByRole('button', { name: 'Save metadata' }).click();
        await expect
          .poll(async () => {
            const u = await user();
            return [u.user_metadata, u.app_metadata];
          })
          .toEqual([{ theme: 'dark' }, { plan: 'pro' }]);
        // A key removed in the editor is removed from the stored metadata (sent as null under the merge).
        await userMetadata.fill('{"locale": "en"}');
        await page.getByRole('button', { name: 'Save metadata' }).click();
        await expect.poll(async () => (await user()).user_metadata).toEqual({ locale: 'en' });

        // Roles: assign one, then remove it.
        const roles = async () => ((await mgmt(`/users/${encodeURIComponent(userId)}/roles`)).body as { name: string }[]).map((r) => r.name);
        await page.getByPlaceholder('Select roles').click();
        await page.getByRole('option', { name: 'support' }).click();
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Assign', exact: true }).click();
        await page.getByRole('cell', { name: 'Answers tickets' }).waitFor();
        expect(await roles()).toEqual(['support']);
        await page.getByRole('button', { name: 'Remove role support' }).click();
        await page.getByText('No roles assigned.').waitFor();
        expect(await roles()).toEqual([]);

        // Block, then unblock.
        await page.getByRole('button', { name: 'Block', exact: true }).click();
        await page.getByRole('dialog', { name: 'Block user?' }).getByRole('button', { name: 'Block' }).click();
        await page.getByText('Blocked', { exact: true }).waitFor();
        expect((await user()).blocked).toBe(true);
        await setScheme(page, 'dark');
        await shoot(page, 'users-user');
        await expectAxeClean(page, 'user page (dark)');
        await page.getByRole('button', { name: 'Unblock', exact: true }).click();
        await page.getByRole('dialog', { name: 'Unblock user?' }).getByRole('button', { name: 'Unblock' }).click();
        await expect.poll(async () => (await user()).blocked).toBe(false);

        // Delete by typing the email.
        await page.getByRole('button', { name: 'Delete', exact: true }).click();
        const confirm = page.getByRole('dialog', { name: 'Delete user' });
        const button = confirm.getByRole('button', { name: 'Delete user' });
        await confirm.getByRole('textbox').fill('grace@example');
        expect(await button.isDisabled()).toBe(true);
        await confirm.getByRole('textbox').fill('grace@example.com');
        await shoot(page, 'users-delete');
        await expectAxeClean(page, 'delete user (dark)');
        await button.click();
        await page.waitForURL(`${dashboardOrigin(server)}/t/acme/users`);
        expect((await mgmt(`/users/${encodeURIComponent(userId)}`)).status).toBe(404);
        await table.getByRole('link', { name: 'ada@example.com' }).waitFor();
        await shoot(page, 'users-list');
        await expectAxeClean(page, 'users list (dark)');
        await setScheme(page, 'light');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });
});
