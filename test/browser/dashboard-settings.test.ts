/**
 * Settings and the global search against a real spawned server (SQLite), as the tenant's administrator:
 * - General: a bad logo URL is refused by the API and shown on its field; the fixed settings are
 *   read back through GET /api/v2/tenants/settings, the environment tag through the control API.
 * - Advanced: the session limits (minutes), the passwordless migration and "Allow Pushed Authorization
 *   Requests (PAR)" and the device flow's user code mask read back; then an application's "Require Pushed Authorization Requests (PAR)".
 * - Signing keys: rotate in the UI, the API's current kid is the former next one; revoke the previous
 *   key by typing its kid; the PEM and CER downloads equal the API's certificate.
 * - Search: `/` focuses the header search; a user found by email and an application by name open
 *   their pages with Enter.
 * axe (no serious/critical violations) and light/dark screenshots per screen.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { shoot, watchPage, expectAxeClean, setScheme } from '../support/dashboard.js';
import { managementCall, signInContext, startWithAdmin, type AdminServer } from '../support/dashboard-admin.js';
import { call, managementToken } from '../support/server.js';

const REALM = 'Username-Password-Authentication';

let admin: AdminServer;
let browser: Browser;
let token: string;
let userId: string;
let clientId: string;

const api = (method: string, path: string, body?: object) => managementCall(admin.server, token, method, path, body);
const controlTenant = () => call(admin.server, '/api/control/v1/tenants/dev', { host: 'manage.localhost', headers: { cookie: `tessera_dash=${admin.session}` } });
const gravatar = (url: string) => url.startsWith('https://s.gravatar.com/');

beforeAll(async () => {
  admin = await startWithAdmin();
  token = await managementToken(admin.server, 'dev');
  const user = await api('POST', '/api/v2/users', { connection: REALM, email: 'ada.search@example.com', password: 'Xk9#mTq2!vLp', name: 'Ada Lovelace' });
  expect(user.status, user.text).toBe(201);
  userId = user.body.user_id;
  const client = await api('POST', '/api/v2/clients', { name: 'Orders Portal', app_type: 'spa' });
  expect(client.status, client.text).toBe(201);
  clientId = client.body.client_id;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await closeBrowser(browser);
  await admin?.server.stop();
});

describe('Settings', () => {
  it('saves General and Advanced settings and the environment tag, and rotates and revokes signing keys', async () => {
    await withPage(
      browser,
      'dashboard-settings',
      async (page, context) => {
        // The bad logo URL below is answered 400 on purpose.
        const problems = await watchPage(page, (url) => gravatar(url) || url.endsWith('/api/v2/tenants/settings'));
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/settings`);
        await page.waitForURL(`${admin.dashboard}/t/dev/settings/general`);
        await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();

        // General: the API's 400 lands on the field it names.
        await page.getByLabel('Friendly Name').fill('Acme Identity');
        await page.getByLabel('Support Email').fill('help@acme.test');
        await page.getByLabel('Logo URL').fill('logo.png');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        const logo = page.getByLabel('Logo URL');
        await expect.poll(() => logo.getAttribute('aria-invalid')).toBe('true');
        await expect(page.getByText(/on property picture_url/).count()).resolves.toBe(1);
        expect((await api('GET', '/api/v2/tenants/settings')).body.friendly_name).toBeUndefined();
        await logo.fill('https://cdn.acme.test/logo.png');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expect.poll(async () => (await api('GET', '/api/v2/tenants/settings')).body).toMatchObject({
          friendly_name: 'Acme Identity',
          support_email: 'help@acme.test',
          picture_url: 'https://cdn.acme.test/logo.png',
        });
        await expect.poll(() => logo.getAttribute('aria-invalid')).not.toBe('true');

        // The environment tag, through the control API.
        expect((await controlTenant()).body.environment_tag).toBe('development');
        await page.getByRole('radio', { name: 'Staging' }).check();
        await page.getByRole('button', { name: 'Save environment tag' }).click();
        await expect.poll(async () => (await controlTenant()).body.environment_tag).toBe('staging');
        await shoot(page, 'settings-general');
        await expectAxeClean(page, 'settings general (light)');

        // Advanced: the session limits in minutes and the passwordless migration.
        await page.getByRole('tab', { name: 'Advanced' }).click();
        await page.waitForURL(`${admin.dashboard}/t/dev/settings/advanced`);
        await page.getByLabel('Inactivity timeout (minutes)').fill('720');
        await page.getByLabel('Require log in after (minutes)').fill('1440');
        await page.getByRole('switch', { name: 'Enforce client authentication for passwordless connections' }).check();
        await page.getByRole('switch', { name: 'Allow Pushed Authorization Requests (PAR)' }).check();
        await page.getByRole('switch', { name: 'Return the Issuer in Authorization Responses' }).check();
        await page.getByLabel('User Code Mask').fill('***-***-***');
        await page.getByRole('switch', { name: 'Dynamic Client Registration (DCR)' }).check();
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expect.poll(async () => (await api('GET', '/api/v2/tenants/settings')).body).toMatchObject({
          idle_session_lifetime_in_minutes: 720,
          session_lifetime_in_minutes: 1440,
          idle_session_lifetime: 12,
          session_lifetime: 24,
          pushed_authorization_requests_supported: true,
          authorization_response_iss_parameter_supported: true,
          device_flow: { charset: 'base20', mask: '***-***-***' },
          flags: { enforce_client_authentication_on_passwordless_start: true, enable_client_connections: true, enable_dynamic_client_registration: true },
        });
        await setScheme(page, 'dark');
        await shoot(page, 'settings-advanced');
        await expectAxeClean(page, 'settings advanced (dark)');

        // With PAR allowed, an application may require it (Settings › Authorization Requests).
        await page.goto(`${admin.dashboard}/t/dev/applications/${clientId}`);
        await page.getByRole('switch', { name: 'Require Pushed Authorization Requests (PAR)' }).check();
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await expect.poll(async () => (await api('GET', `/api/v2/clients/${clientId}`)).body.require_pushed_authorization_requests).toBe(true);
        await page.goto(`${admin.dashboard}/t/dev/settings/advanced`);
        await page.getByRole('switch', { name: 'Allow Pushed Authorization Requests (PAR)' }).waitFor();

        // Signing keys: rotate.
        const before = (await api('GET', '/api/v2/keys/signing')).body as { kid: string; current: boolean; next: boolean; alg?: string }[];
        const rsa = before.filter((k) => !k.alg);
        const oldCurrent = rsa.find((k) => k.current)!.kid;
        const oldNext = rsa.find((k) => k.next)!.kid;
        // Tenant members (the existing screen) is one of the tabs.
        await page.getByRole('tab', { name: 'Tenant members' }).click();
        await page.getByTestId('members-table').getByTestId('member-admin@example.com').waitFor();
        await page.getByRole('tab', { name: 'Signing Keys' }).click();
        await page.waitForURL(`${admin.dashboard}/t/dev/settings/signing-keys`);
        const valid = page.getByRole('table', { name: 'Valid signing keys' });
        await valid.getByText(oldCurrent).waitFor();
        await page.getByRole('button', { name: 'Rotate key' }).click();
        const rotateDialog = page.getByRole('dialog', { name: 'Rotate signing key' });
        await shoot(page, 'signing-keys-rotate');
        await rotateDialog.getByRole('button', { name: 'Rotate', exact: true }).click();
        await rotateDialog.waitFor({ state: 'detached' });
        const after = (await api('GET', '/api/v2/keys/signing')).body as { kid: string; current: boolean; previous: boolean; alg?: string; cert: string }[];
        expect(after.find((k) => !k.alg && k.current)!.kid).toBe(oldNext);
        expect(after.find((k) => !k.alg && k.previous)!.kid).toBe(oldCurrent);
        await valid.getByTestId('signing-key-current').filter({ hasText: oldNext }).waitFor();

        // Revoke the previous key, confirmed by typing its kid.
        await page.getByRole('button', { name: `Revoke ${oldCurrent}` }).click();
        const revokeDialog = page.getByRole('dialog', { name: 'Revoke signing key' });
        const confirm = revokeDialog.getByRole('button', { name: 'Revoke', exact: true });
        await expect(confirm.isDisabled()).resolves.toBe(true);
        await revokeDialog.getByRole('textbox').fill(oldCurrent);
        await expectAxeClean(page, 'revoke dialog (dark)');
        await confirm.click();
        await revokeDialog.waitFor({ state: 'detached' });
        // The test's own token was signed with the key just revoked.
        token = await managementToken(admin.server, 'dev');
        const revoked = (await api('GET', `/api/v2/keys/signing/${oldCurrent}`)).body;
        expect(revoked).toMatchObject({ kid: oldCurrent, revoked: true, previous: false });
        await page.getByRole('table', { name: 'Revoked signing keys' }).getByText(oldCurrent).waitFor();
        await shoot(page, 'settings-signing-keys');
        await expectAxeClean(page, 'signing keys (dark)');

        // The current key's certificate, downloaded as PEM and CER.
        const current = (await api('GET', `/api/v2/keys/signing/${oldNext}`)).body as { cert: string };
        await setScheme(page, 'light');
        await page.getByRole('button', { name: `Certificate of ${oldNext}` }).click();
        const certDialog = page.getByRole('dialog', { name: 'Signing certificate' });
        expect((await certDialog.getByTestId('certificate-pem').innerText()).trim()).toBe(current.cert.trim());
        const [pem] = await Promise.all([page.waitForEvent('download'), certDialog.getByRole('button', { name: 'Download PEM' }).click()]);
        expect(pem.suggestedFilename()).toBe(`${oldNext}.pem`);
        expect(readFileSync(await pem.path()).toString('utf8')).toBe(current.cert);
        const [cer] = await Promise.all([page.waitForEvent('download'), certDialog.getByRole('button', { name: 'Download CER' }).click()]);
        expect(readFileSync(await cer.path()).equals(Buffer.from(new X509Certificate(current.cert).raw))).toBe(true);
        await shoot(page, 'settings-certificate');
        await expectAxeClean(page, 'certificate (light)');
        await page.keyboard.press('Escape');
        await shoot(page, 'settings-signing-keys');

        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce', acceptDownloads: true },
    );
  }, 120_000);
});

describe('Global search', () => {
  it('finds a user by email and an application by name, and Enter opens them', async () => {
    await withPage(
      browser,
      'dashboard-search',
      async (page, context) => {
        const problems = await watchPage(page, gravatar);
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev/overview`);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.keyboard.press('/');
        const search = page.getByRole('combobox', { name: 'Search dev' });
        await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Search dev');
        await page.keyboard.type('ada.search@');
        const results = page.getByRole('listbox', { name: 'Results in dev' });
        await results.getByRole('group', { name: 'Users' }).getByRole('option', { name: /Ada Lovelace/ }).waitFor();
        await shoot(page, 'search');
        await expectAxeClean(page, 'search (light)');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${admin.dashboard}/t/dev/users/${encodeURIComponent(userId)}`);
        await expect(search.inputValue()).resolves.toBe('');

        await setScheme(page, 'dark');
        await search.click();
        await page.keyboard.type('orders po');
        await results.getByRole('group', { name: 'Applications' }).getByRole('option', { name: /Orders Portal/ }).waitFor();
        expect(await results.getByRole('group', { name: 'Users' }).count()).toBe(0);
        await shoot(page, 'search');
        await expectAxeClean(page, 'search (dark)');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${admin.dashboard}/t/dev/applications/${encodeURIComponent(clientId)}`);

        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  }, 120_000);
});
