/**
 * Applications in Chromium against a real spawned server (tenant acme, signed in as its Admin):
 * the list; creating a Machine to Machine application that picks an API and permissions (the client
 * grant); the APIs tab (edit, remove); Credentials (masked secret, reveal, rotate with a confirm);
 * Advanced (grant types, refresh token rotation, JWT algorithm); Settings (URIs); delete by typing the
 * name. Every write is checked through the Management API. Axe and screenshots in light and dark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { WALKTHROUGH_TIMEOUT, ensureDashboardBuild, shoot, watchPage } from '../support/dashboard.js';
import { dashboardOrigin, expectedFailedLoads, expectAxeClean, managementApi, setScheme, signIn, startAdminServer } from '../support/dashboard-session.js';
import { call, type TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;
let mgmt: Awaited<ReturnType<typeof managementApi>>;

beforeAll(async () => {
  await ensureDashboardBuild();
  [server, browser] = await Promise.all([startAdminServer('acme'), launchBrowser()]);
  mgmt = await managementApi(server, 'acme');
  const api = await mgmt('/resource-servers', {
    body: { name: 'Orders', identifier: 'https://orders.acme.test', scopes: [{ value: 'read:orders', description: 'Read orders' }, { value: 'write:orders', description: 'Change orders' }] },
  });
  expect(api.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await server?.stop();
});

describe('dashboard applications', () => {
  it('creates an M2M app with a grant, edits every tab, rotates the secret and deletes it', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    await withPage(
      browser,
      'dashboard-applications',
      async (page) => {
        page.setDefaultTimeout(10_000);
        const problems = await watchPage(page, expectedFailedLoads);
        await signIn(page, server, '/t/acme/applications');
        await page.getByRole('table', { name: 'Applications' }).waitFor();
        await shoot(page, 'applications-list');
        await expectAxeClean(page, 'applications list');

        // Create: Machine to Machine, authorized for Orders with read:orders.
        await page.getByRole('button', { name: 'Create Application' }).click();
        const dialog = page.getByRole('dialog', { name: 'Create application' });
        await dialog.getByLabel('Name').fill('Acme Worker');
        await dialog.getByRole('radio', { name: 'Machine to Machine Applications' }).click();
        await dialog.getByPlaceholder('Select an API').click();
        await page.getByRole('option', { name: /Orders/ }).click();
        await dialog.getByRole('checkbox', { name: /read:orders/ }).check();
        await shoot(page, 'applications-create-m2m');
        await expectAxeClean(page, 'create application');
        await dialog.getByRole('button', { name: 'Create' }).click();
        await page.getByRole('heading', { name: 'Acme Worker' }).waitFor();
        const clientId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
        const grants = async () => (await mgmt(`/client-grants?client_id=${clientId}`)).body as { id: string; audience: string; scope: string[] }[];
        expect(await grants()).toMatchObject([{ audience: 'https://orders.acme.test', scope: ['read:orders'] }]);

        // APIs tab: edit the permissions, then remove the grant.
        await page.getByRole('tab', { name: 'APIs' }).click();
        await page.getByRole('table', { name: 'Authorized APIs' }).waitFor();
        await page.getByRole('button', { name: 'Edit permissions for https://orders.acme.test' }).click();
        await page.getByRole('dialog', { name: 'Edit permissions' }).getByRole('checkbox', { name: /write:orders/ }).check();
        await page.getByRole('button', { name: 'Update' }).click();
        await page.getByRole('cell', { name: 'read:orders write:orders' }).waitFor();
        expect((await grants())[0]!.scope.sort()).toEqual(['read:orders', 'write:orders']);
        await shoot(page, 'applications-apis-tab');
        await expectAxeClean(page, 'application APIs tab');
        await page.getByRole('button', { name: 'Remove https://orders.acme.test' }).click();
        await page.getByRole('dialog', { name: 'Remove authorization?' }).getByRole('button', { name: 'Remove' }).click();
        await page.getByText('This application is not authorized for any API.').waitFor();
        expect(await grants()).toEqual([]);

        // Credentials: the secret is masked, revealed on demand, rotated after a confirm.
        await page.getByRole('tab', { name: 'Credentials' }).click();
        const secretInput = page.getByTestId('client-secret');
        await secretInput.waitFor();
        expect(await secretInput.getAttribute('type')).toBe('password');
        const before = (await mgmt(`/clients/${clientId}`)).body.client_secret as string;
        expect(await secretInput.inputValue()).toBe(before);
        await page.getByRole('button', { name: 'Rotate secret' }).click();
        await page.getByRole('dialog', { name: 'Rotate client secret?' }).getByRole('button', { name: 'Rotate' }).click();
        await page.getByText('The client secret was rotated.').waitFor();
        const after = (await mgmt(`/clients/${clientId}`)).body.client_secret as string;
        expect(after).not.toBe(before);
        await expect.poll(() => secretInput.inputValue()).toBe(after);
        await page.getByRole('radio', { name: 'Client Secret (Basic)' }).click();
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await expect.poll(async () => (await mgmt(`/clients/${clientId}`)).body.token_endpoint_auth_method).toBe('client_secret_basic');
        await shoot(page, 'applications-credentials');
        await expectAxeClean(page, 'application credentials');

        // Advanced: grant types, refresh token rotation, the JWT algorithm.
        await page.getByRole('tab', { name: 'Advanced' }).click();
        await page.getByRole('checkbox', { name: 'Password', exact: true }).check();
        // CIBA: its notification channels show once the grant is on; email only, push disabled.
        await page.getByRole('checkbox', { name: 'Client Initiated Backchannel Authentication (CIBA)' }).check();
        await page.getByRole('checkbox', { name: 'Email', exact: true }).check();
        await expect.poll(async () => page.getByRole('checkbox', { name: /Mobile push notification/ }).isDisabled()).toBe(true);
        await page.getByRole('switch', { name: /Allow Refresh Token Rotation/ }).check();
        await page.getByRole('combobox', { name: 'JSON Web Token (JWT) Signature Algorithm' }).click();
        await page.getByRole('option', { name: 'PS256' }).click();
        await page.getByLabel('ID Token Expiration (seconds)').fill('7200');
        await page.getByLabel('client_metadata').fill('{"team": "orders"}');
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await expect
          .poll(async () => {
            const c = (await mgmt(`/clients/${clientId}`)).body;
            return [c.grant_types.includes('password'), c.grant_types.includes('urn:openid:params:grant-type:ciba'), c.async_approval_notification_channels, c.refresh_token?.rotation_type, c.jwt_configuration?.alg, c.jwt_configuration?.lifetime_in_seconds, c.client_metadata];
          })
          .toEqual([true, true, ['email'], 'rotating', 'PS256', 7200, { team: 'orders' }]);
        // FAPI Compliance Enforcement Level: None, the two FAPI 1 Advanced and the two FAPI 2.0 profiles, with Auth0's labels.
        await page.getByRole('combobox', { name: 'FAPI Compliance Enforcement Level' }).click();
        await expect.poll(async () => page.getByRole('option').allInnerTexts()).toEqual([
          'None',
          'FAPI 1 Advanced profile using Private Key JWT and PAR',
          'FAPI 1 Advanced profile using mTLS and PAR',
          'FAPI 2.0 Security Profile with Private Key JWT and certificate binding',
          'FAPI 2.0 Security Profile with mTLS and certificate binding',
        ]);
        await page.getByRole('option', { name: 'None' }).click();
        // Endpoints are the discovery document's; the certificate is the current signing key's.
        const discovery = (await call(server, '/.well-known/openid-configuration', { host: 'acme.localhost' })).body;
        await expect(page.getByRole('textbox', { name: 'OAuth Token URL' }).inputValue()).resolves.toBe(discovery.token_endpoint);
        await expect(page.getByRole('textbox', { name: 'OAuth User Info URL' }).inputValue()).resolves.toBe(discovery.userinfo_endpoint);
        await expect(page.getByRole('textbox', { name: 'JSON Web Key Set' }).inputValue()).resolves.toBe(discovery.jwks_uri);
        const current = (await mgmt('/keys/signing')).body.find((key: { current: boolean }) => key.current);
        const flat = (pem: string) => pem.replace(/\s+/g, '');
        expect(flat(await page.getByTestId('certificate-pem').innerText())).toBe(flat(current.cert));
        await shoot(page, 'applications-advanced');
        await expectAxeClean(page, 'application advanced');

        // Settings: description and origins, in dark.
        await page.getByRole('tab', { name: 'Settings' }).click();
        // As on Auth0, a Machine to Machine application keeps its type.
        expect(await page.getByRole('combobox', { name: 'Application Type' }).isDisabled()).toBe(true);
        await page.getByLabel('Description').fill('Nightly order sync');
        await page.getByLabel('Allowed Origins (CORS)').fill('https://a.example.com, https://b.example.com');
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await expect
          .poll(async () => {
            const c = (await mgmt(`/clients/${clientId}`)).body;
            return [c.description, c.allowed_origins];
          })
          .toEqual(['Nightly order sync', ['https://a.example.com', 'https://b.example.com']]);
        await setScheme(page, 'dark');
        await shoot(page, 'applications-settings');
        await expectAxeClean(page, 'application settings (dark)');
        await page.goto(`${dashboardOrigin(server)}/t/acme/applications`);
        await page.getByRole('table', { name: 'Applications' }).waitFor();
        await shoot(page, 'applications-list');
        await expectAxeClean(page, 'applications list (dark)');

        // Delete, by keyboard: the button stays disabled until the name is typed.
        await page.getByRole('link', { name: 'Acme Worker' }).click();
        await page.getByRole('button', { name: 'Delete', exact: true }).focus();
        await page.keyboard.press('Enter');
        const confirm = page.getByRole('dialog', { name: 'Delete application Acme Worker' });
        const button = confirm.getByRole('button', { name: 'Delete application' });
        // The dialog moves the focus to its text field; type only once it is there.
        await expect.poll(() => page.evaluate("document.activeElement?.tagName === 'INPUT' && document.activeElement.closest('[role=dialog]') !== null")).toBe(true);
        await page.keyboard.type('Acme Worke');
        expect(await button.isDisabled()).toBe(true);
        await page.keyboard.type('r');
        await shoot(page, 'applications-delete');
        await expectAxeClean(page, 'delete application');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${dashboardOrigin(server)}/t/acme/applications`);
        expect((await mgmt(`/clients/${clientId}`)).status).toBe(404);
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });

  it('edits a native application’s Device Settings, which the tenant then publishes', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    const created = await mgmt('/clients', { body: { name: 'Acme Phone', app_type: 'native', callbacks: ['com.acme.phone://callback'] } });
    expect(created.status).toBe(201);
    const clientId = created.body.client_id as string;
    const fingerprint = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase().slice(-2)).join(':');
    await withPage(
      browser,
      'dashboard-device-settings',
      async (page) => {
        page.setDefaultTimeout(10_000);
        const problems = await watchPage(page, expectedFailedLoads);
        await signIn(page, server, `/t/acme/applications/${clientId}?tab=advanced`);
        await page.getByRole('heading', { name: 'Device Settings' }).waitFor();
        // A malformed Team ID: the server's 400 shows inline and nothing is stored.
        await page.getByLabel('Team ID').fill('abc');
        await page.getByLabel('App bundle identifier').fill('com.acme.phone');
        await page.getByRole('button', { name: 'Save Device Settings' }).click();
        await page.getByRole('alert').filter({ hasText: 'mobile.ios.team_id' }).waitFor();
        await page.getByLabel('Team ID').fill('ACME123456');
        await page.getByLabel('App Package Name').fill('com.acme.phone');
        await page.getByLabel(/Key Hashes/).fill(fingerprint);
        await shoot(page, 'applications-device-settings');
        await expectAxeClean(page, 'device settings');
        await page.getByRole('button', { name: 'Save Device Settings' }).click();
        await expect
          .poll(async () => (await mgmt(`/clients/${clientId}`)).body.mobile)
          .toEqual({ ios: { team_id: 'ACME123456', app_bundle_identifier: 'com.acme.phone' }, android: { app_package_name: 'com.acme.phone', sha256_cert_fingerprints: [fingerprint] } });
        const links = await call(server, '/.well-known/assetlinks.json', { host: 'acme.localhost' });
        expect(links.body).toEqual([{ relation: ['delegate_permission/common.handle_all_urls'], target: { namespace: 'android_app', package_name: 'com.acme.phone', sha256_cert_fingerprints: [fingerprint] } }]);
        expect(problems.pageErrors).toEqual([]);
        expect(problems.cspViolations).toEqual([]);
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });
});
