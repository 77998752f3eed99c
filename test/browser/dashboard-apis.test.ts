/**
 * APIs in Chromium against a real spawned server (tenant acme, signed in as its Admin): the list
 * with the system Management API marked; create; Settings (lifetimes, RBAC with permissions in the
 * token, offline access; Token Settings' JWE key, shown by its thumbprint, turned off again); Permissions
 * (add, remove); Machine to Machine Applications (authorize, pick scopes, unauthorize); Test (the
 * client-credentials curl with the secret masked until revealed; a test token, encrypted for the API);
 * delete by typing the name. Writes are checked through the Management API; axe, light and dark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { WALKTHROUGH_TIMEOUT, ensureDashboardBuild, shoot, watchPage } from '../support/dashboard.js';
import { dashboardOrigin, expectAxeClean, expectedFailedLoads, managementApi, setScheme, signIn, startAdminServer } from '../support/dashboard-session.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;
let mgmt: Awaited<ReturnType<typeof managementApi>>;
let worker: { client_id: string; client_secret: string };

beforeAll(async () => {
  await ensureDashboardBuild();
  [server, browser] = await Promise.all([startAdminServer('acme'), launchBrowser()]);
  mgmt = await managementApi(server, 'acme');
  const created = await mgmt('/clients', { body: { name: 'Order Worker', app_type: 'non_interactive' } });
  expect(created.status).toBe(201);
  worker = created.body;
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await server?.stop();
});

describe('dashboard APIs', () => {
  it('creates an API, edits settings and permissions, authorizes an M2M app, shows the test curl, deletes it', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    await withPage(
      browser,
      'dashboard-apis',
      async (page) => {
        page.setDefaultTimeout(10_000);
        const problems = await watchPage(page, expectedFailedLoads);
        await signIn(page, server, '/t/acme/apis');
        const list = page.getByRole('table', { name: 'APIs' });
        await list.waitFor();
        await expect.poll(() => list.getByRole('row').filter({ hasText: 'System API' }).count()).toBe(1);
        await shoot(page, 'apis-list');
        await expectAxeClean(page, 'APIs list');

        await page.getByRole('button', { name: 'Create API' }).click();
        const dialog = page.getByRole('dialog', { name: 'New API' });
        await dialog.getByLabel('Name').fill('Orders');
        await dialog.getByLabel('Identifier').fill('https://orders.acme.test');
        await shoot(page, 'apis-create');
        await expectAxeClean(page, 'create API');
        await dialog.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('heading', { name: 'Orders' }).waitFor();
        const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
        const rs = async () => (await mgmt(`/resource-servers/${id}`)).body;
        expect(await rs()).toMatchObject({ name: 'Orders', identifier: 'https://orders.acme.test', signing_alg: 'RS256' });

        // Settings.
        // The implicit-flow lifetime may not exceed the maximum: said before saving.
        await page.getByLabel('Maximum Access Token Lifetime (seconds)').fill('3600');
        await page.getByText('Must not exceed the maximum access token lifetime.').waitFor();
        expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
        await page.getByLabel('Maximum Access Token Lifetime (seconds)').fill('36000');
        await page.getByRole('switch', { name: /Enable RBAC/ }).check();
        await page.getByRole('switch', { name: /Add Permissions in the Access Token/ }).check();
        await page.getByRole('switch', { name: /Allow Offline Access/ }).check();
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expect
          .poll(async () => {
            const r = await rs();
            return [r.token_lifetime, r.enforce_policies, r.token_dialect, r.allow_offline_access];
          })
          .toEqual([36000, true, 'access_token_authz', true]);
        await shoot(page, 'apis-settings');
        await expectAxeClean(page, 'API settings');

        // Token Settings: JWE. A private key is refused before it is sent; the saved key shows its thumbprint, never its PEM.
        const jweKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const jwePem = jweKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
        await page.getByRole('switch', { name: /JSON Web Encryption \(JWE\)/ }).click();
        const jweDialog = page.getByRole('dialog', { name: 'Add JSON Web Encryption (JWE) Key' });
        await jweDialog.getByLabel('Name').fill('Orders JWE');
        await jweDialog.getByLabel('Public Key or Certificate (PEM)').fill(jweKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
        await jweDialog.getByText('This is a private key.', { exact: false }).waitFor();
        expect(await jweDialog.getByRole('button', { name: 'Add', exact: true }).isDisabled()).toBe(true);
        await jweDialog.getByLabel('Public Key or Certificate (PEM)').fill(jwePem);
        await jweDialog.getByLabel('Encryption Algorithm', { exact: true }).click();
        await page.getByRole('option', { name: 'RSA-OAEP-384' }).click();
        await jweDialog.getByLabel('Key Identifier (optional)').fill('orders-jwe-1');
        await shoot(page, 'apis-jwe-key');
        await expectAxeClean(page, 'API JWE key dialog');
        await jweDialog.getByRole('button', { name: 'Add', exact: true }).click();
        const thumbprint = createHash('sha256').update(jweKey.publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
        await expect
          .poll(async () => (await rs()).token_encryption)
          .toEqual({ format: 'compact-nested-jwe', encryption_key: { name: 'Orders JWE', alg: 'RSA-OAEP-384', kid: 'orders-jwe-1', thumbprint_sha256: thumbprint } });
        await expect.poll(() => page.getByTestId('jwe-key').innerText()).toContain('orders-jwe-1');
        expect(await page.getByRole('textbox', { name: 'Thumbprint (SHA-256)' }).inputValue()).toBe(thumbprint);
        expect(await page.getByRole('switch', { name: /JSON Web Encryption \(JWE\)/ }).isChecked()).toBe(true);

        // Permissions: add two, remove one.
        await page.getByRole('tab', { name: 'Permissions' }).click();
        for (const [value, description] of [['read:orders', 'Read orders'], ['write:orders', 'Change orders']] as const) {
          await page.getByLabel('Permission', { exact: true }).fill(value);
          await page.getByLabel('Description').fill(description);
          await page.getByRole('button', { name: '+ Add' }).click();
          await page.getByRole('cell', { name: value, exact: true }).waitFor();
        }
        await page.getByRole('button', { name: 'Remove permission write:orders' }).click();
        await expect.poll(async () => (await rs()).scopes).toEqual([{ value: 'read:orders', description: 'Read orders' }]);
        // Rich authorization requests: register two types, remove one.
        for (const type of ['payment_initiation', 'money_transfer']) {
          await page.getByLabel('Add an Authorization Details type').fill(type);
          await page.getByRole('button', { name: 'Add authorization details type' }).click();
          await page.getByRole('cell', { name: type, exact: true }).waitFor();
        }
        await page.getByRole('button', { name: 'Remove authorization details type money_transfer' }).click();
        await expect.poll(async () => (await rs()).authorization_details).toEqual([{ type: 'payment_initiation' }]);
        // The pointer rests where the removed row was: over the remaining row's hovered Remove button.
        await page.mouse.move(0, 0);
        await shoot(page, 'apis-permissions');
        await expectAxeClean(page, 'API permissions');

        // Machine to Machine Applications: authorize the worker, give it read:orders.
        await page.getByRole('tab', { name: 'Machine to Machine Applications' }).click();
        await page.getByRole('switch', { name: 'Authorize Order Worker' }).click();
        await page.getByRole('button', { name: 'Edit permissions of Order Worker' }).click();
        await page.getByRole('dialog').getByRole('checkbox', { name: /read:orders/ }).check();
        await page.getByRole('button', { name: 'Update' }).click();
        const grants = async () => (await mgmt(`/client-grants?audience=${encodeURIComponent('https://orders.acme.test')}`)).body;
        await expect.poll(grants).toMatchObject([{ client_id: worker.client_id, scope: ['read:orders'] }]);
        await setScheme(page, 'dark');
        await shoot(page, 'apis-m2m');
        await expectAxeClean(page, 'API M2M applications (dark)');

        // Test: the curl names the app; the secret stays masked until revealed (the Admin holds read:client_keys).
        await page.getByRole('tab', { name: 'Test' }).click();
        const curl = page.getByTestId('test-curl');
        await expect.poll(() => curl.innerText()).toContain(`"client_id":"${worker.client_id}"`);
        expect(await curl.innerText()).toContain(`http://acme.localhost:${server.port}/oauth/token`);
        expect(await page.locator('body').innerText()).not.toContain(worker.client_secret);
        await shoot(page, 'apis-test');
        await expectAxeClean(page, 'API test (dark)');
        await page.getByRole('switch', { name: 'Show client secret' }).check();
        expect(await curl.innerText()).toContain(worker.client_secret);
        // The API has a JWE key: its test token is encrypted, and the page says why it shows no claims.
        await page.getByRole('button', { name: 'Get test token' }).click();
        await expect.poll(() => page.getByTestId('test-token-payload').innerText()).toContain('encrypted for this API (JWE)');

        // JWE off again from Token Settings.
        await page.getByRole('tab', { name: 'Settings' }).click();
        await page.getByRole('switch', { name: /JSON Web Encryption \(JWE\)/ }).click();
        await expect.poll(async () => (await rs()).token_encryption ?? null).toBeNull();
        await page.getByTestId('jwe-key').waitFor({ state: 'detached' });

        // Unauthorize, then delete the API by typing its name.
        await page.getByRole('tab', { name: 'Machine to Machine Applications' }).click();
        await page.getByRole('switch', { name: 'Authorize Order Worker' }).click();
        await expect.poll(grants).toEqual([]);
        await page.getByRole('tab', { name: 'Settings' }).click();
        await page.getByRole('button', { name: 'Delete', exact: true }).click();
        const confirm = page.getByRole('dialog', { name: 'Delete API Orders' });
        await confirm.getByRole('textbox').fill('Orders');
        await confirm.getByRole('button', { name: 'Delete API' }).click();
        await page.waitForURL(`${dashboardOrigin(server)}/t/acme/apis`);
        expect((await mgmt(`/resource-servers/${id}`)).status).toBe(404);
        await setScheme(page, 'light');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });
});
