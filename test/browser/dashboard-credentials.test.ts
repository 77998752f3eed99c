/**
 * An application's Credentials tab in Chromium against a real spawned server (tenant acme, signed in
 * as its Admin), as Auth0's "Configure Private Key JWT Authentication" and "Rotate Credentials" walk
 * it: add a public key by pasting its PEM (a malformed one is refused inline with the API's 400, a
 * private key in the browser), switch the application to Private Key JWT with it, and prove it by
 * getting a client_credentials token with an assertion signed by its private key (jose); rotate (add
 * key 2 from a file, enable it, disable key 1, delete key 1: refused while enabled, the limit of two
 * shown; edit key 2's expiry); revert to Client Secret (Post) and get a token with the secret; then
 * self-signed mTLS, its certificate added within the switch. Every write is checked through the
 * Management API and the token endpoint. Axe in light and dark. A public (SPA) application has no
 * Credentials tab.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SignJWT } from 'jose';
import { createSelfSignedCertificate } from '../../src/crypto/x509.js';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { WALKTHROUGH_TIMEOUT, ensureDashboardBuild, shoot, watchPage } from '../support/dashboard.js';
import { dashboardOrigin, expectedFailedLoads, expectAxeClean, managementApi, setScheme, signIn, startAdminServer } from '../support/dashboard-session.js';
import { call, type TestServer } from '../support/server.js';

const AUDIENCE = 'https://orders.acme.test';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let server: TestServer;
let browser: Browser;
let mgmt: Awaited<ReturnType<typeof managementApi>>;
let clientId: string;
let spaId: string;
let tokenEndpoint: string;

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const pemOf = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

beforeAll(async () => {
  await ensureDashboardBuild();
  [server, browser] = await Promise.all([startAdminServer('acme'), launchBrowser()]);
  mgmt = await managementApi(server, 'acme');
  expect((await mgmt('/resource-servers', { body: { name: 'Orders', identifier: AUDIENCE, scopes: [{ value: 'read:orders', description: 'Read orders' }] } })).status).toBe(201);
  const app = await mgmt('/clients', { body: { name: 'Order Sync', app_type: 'non_interactive', grant_types: ['client_credentials'] } });
  expect(app.status).toBe(201);
  clientId = app.body.client_id;
  expect((await mgmt('/client-grants', { body: { client_id: clientId, audience: AUDIENCE, scope: ['read:orders'] } })).status).toBe(201);
  spaId = (await mgmt('/clients', { body: { name: 'Storefront', app_type: 'spa' } })).body.client_id;
  tokenEndpoint = (await call(server, '/.well-known/openid-configuration', { host: 'acme.localhost' })).body.token_endpoint;
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await server?.stop();
});

/** A client_credentials token request for Orders, authenticated by `form` (an assertion or the secret). */
const tokenWith = (form: Record<string, string>) =>
  call(server, '/oauth/token', { host: 'acme.localhost', form: { grant_type: 'client_credentials', audience: AUDIENCE, client_id: clientId, ...form } });

/** RFC 7523 client assertion: iss = sub = the client, aud = the token endpoint, one-use jti, one minute. */
async function assertionWith(key: KeyObject, kid: string): Promise<Record<string, string>> {
  const jwt = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenEndpoint)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key);
  return { client_assertion_type: JWT_BEARER, client_assertion: jwt };
}

interface Credential {
  id: string;
  name: string;
  kid: string;
  expires_at?: string;
  thumbprint_sha256?: string;
}
const credentials = async () => (await mgmt(`/clients/${clientId}/credentials`)).body as Credential[];
const methodIds = async () => {
  const client = (await mgmt(`/clients/${clientId}`)).body;
  return { tokenEndpointAuthMethod: client.token_endpoint_auth_method, ids: (client.client_authentication_methods?.private_key_jwt?.credentials ?? []).map((c: { id: string }) => c.id) };
};

describe('dashboard application credentials', () => {
  it('switches an application to Private Key JWT, rotates its key, reverts to the client secret, then picks self-signed mTLS', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    const key1 = rsa();
    const key2 = rsa();
    await withPage(
      browser,
      'dashboard-credentials',
      async (page) => {
        page.setDefaultTimeout(10_000);
        // The one failed load the test provokes: the malformed PEM's 400.
        const problems = await watchPage(page, (url) => expectedFailedLoads(url) || url.endsWith(`/clients/${clientId}/credentials`));
        // A public application has no Credentials tab (Auth0: "may not be visible ... if you have a public application").
        await signIn(page, server, `/t/acme/applications/${spaId}?tab=credentials`);
        await page.getByRole('heading', { name: 'Storefront' }).waitFor();
        await page.getByRole('tab', { name: 'Settings' }).waitFor();
        expect(await page.getByRole('tab', { name: 'Credentials' }).count()).toBe(0);

        await page.goto(`${dashboardOrigin(server)}/t/acme/applications/${clientId}?tab=credentials`);
        await page.getByRole('heading', { name: 'Order Sync' }).waitFor();
        await page.getByTestId('client-secret').waitFor();
        await page.getByText('No credentials yet.').waitFor();
        expect(await page.getByRole('radio', { name: 'Client Secret (Post)' }).getAttribute('aria-checked')).toBe('true');
        await expectAxeClean(page, 'credentials tab (empty)');

        // Add key 1 by pasting; a malformed PEM first: the API's 400 shows in the dialog.
        await page.getByRole('button', { name: 'Add New Credential' }).click();
        let dialog = page.getByRole('dialog', { name: 'Add New Credential' });
        await dialog.getByLabel('Name').fill('key 1');
        await dialog.getByLabel('Public Key or Certificate (PEM)').fill('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
        await dialog.getByRole('button', { name: 'Add Credential' }).click();
        await dialog.getByRole('alert').getByText(/invalid certificate or public key/).waitFor();
        // A private key is refused before it leaves the browser.
        await dialog.getByLabel('Public Key or Certificate (PEM)').fill(key1.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
        await dialog.getByText('This is a private key.', { exact: false }).waitFor();
        await dialog.getByLabel('Public Key or Certificate (PEM)').fill(pemOf(key1.publicKey));
        await shoot(page, 'application-credentials-add');
        await expectAxeClean(page, 'add credential');
        await dialog.getByRole('button', { name: 'Add Credential' }).click();
        await page.getByRole('table', { name: 'Available Credentials' }).getByText('key 1').waitFor();
        const [first] = await credentials();
        expect(first).toMatchObject({ name: 'key 1', credential_type: 'public_key', alg: 'RS256' });
        await page.getByText(first!.kid).waitFor();

        // Switch to Private Key JWT with key 1: the secret stops working, a signed assertion works.
        const oldSecret = (await mgmt(`/clients/${clientId}`)).body.client_secret as string;
        await page.getByRole('radio', { name: 'Private Key JWT' }).click();
        await page.getByRole('checkbox', { name: 'key 1' }).check();
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await expect.poll(methodIds).toEqual({ tokenEndpointAuthMethod: null, ids: [first!.id] });
        await page.getByRole('row', { name: /key 1/ }).getByText('Enabled', { exact: true }).waitFor();
        expect(await page.getByTestId('client-secret').count()).toBe(0);
        const signed = await tokenWith(await assertionWith(key1.privateKey, first!.kid));
        expect(signed.status, signed.text).toBe(200);
        expect(signed.body.token_type).toBe('Bearer');
        expect((await tokenWith({ client_secret: oldSecret })).status).toBe(401);

        // Rotate: add key 2 from a file; the limit of two is reached.
        await page.getByRole('button', { name: 'Add New Credential' }).click();
        dialog = page.getByRole('dialog', { name: 'Add New Credential' });
        await dialog.getByLabel('Name').fill('key 2');
        await dialog.locator('input[type=file]').setInputFiles({ name: 'key2.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(pemOf(key2.publicKey)) });
        await expect.poll(() => dialog.getByLabel('Public Key or Certificate (PEM)').inputValue()).toBe(pemOf(key2.publicKey));
        await dialog.getByRole('button', { name: 'Add Credential' }).click();
        await page.getByRole('table', { name: 'Available Credentials' }).getByText('key 2').waitFor();
        await page.getByText('2 of 2 credentials').waitFor();
        expect(await page.getByRole('button', { name: 'Add New Credential' }).isDisabled()).toBe(true);
        const second = (await credentials()).find((c) => c.name === 'key 2')!;

        // Enable key 2, then disable key 1: each step keeps the application working.
        await page.getByRole('button', { name: 'Actions for key 2' }).click();
        await page.getByRole('menuitem', { name: 'Enable for Private Key JWT use' }).click();
        await expect.poll(methodIds).toEqual({ tokenEndpointAuthMethod: null, ids: [first!.id, second.id] });
        expect((await tokenWith(await assertionWith(key2.privateKey, second.kid))).status).toBe(200);
        // key 1 is enabled: its delete is disabled, with the reason.
        await page.getByRole('button', { name: 'Actions for key 1' }).click();
        expect(await page.getByRole('menuitem', { name: /^Delete Credential/ }).isDisabled()).toBe(true);
        await page.getByText('It is enabled for Private Key JWT: disable it first.').waitFor();
        await shoot(page, 'application-credentials-menu');
        await page.getByRole('menuitem', { name: 'Disable for Private Key JWT use' }).click();
        await expect.poll(methodIds).toEqual({ tokenEndpointAuthMethod: null, ids: [second.id] });
        const stale = await tokenWith(await assertionWith(key1.privateKey, first!.kid));
        expect(stale.status).toBe(401);
        expect(stale.body.error).toBe('invalid_client');
        // Delete key 1.
        await page.getByRole('button', { name: 'Actions for key 1' }).click();
        await page.getByRole('menuitem', { name: 'Delete Credential', exact: true }).click();
        await page.getByRole('dialog', { name: 'Delete credential?' }).getByRole('button', { name: 'Delete' }).click();
        await page.getByText('1 of 2 credentials').waitFor();
        expect((await credentials()).map((c) => c.name)).toEqual(['key 2']);
        // Edit Credential: the expiry (in the browser's time zone) is the one field that changes.
        await page.getByRole('button', { name: 'Actions for key 2' }).click();
        await page.getByRole('menuitem', { name: 'Edit Credential' }).click();
        const edit = page.getByRole('dialog', { name: 'Edit Credential' });
        await edit.getByRole('checkbox', { name: 'Set an explicit expiry date for this credential' }).check();
        await edit.getByLabel('Expires at').fill('2030-01-02T03:04');
        await edit.getByRole('button', { name: 'Update Credential' }).click();
        const expected = await page.evaluate(() => new Date('2030-01-02T03:04').toISOString());
        await expect.poll(async () => (await credentials())[0]!.expires_at).toBe(expected);
        await edit.waitFor({ state: 'hidden' });
        await shoot(page, 'application-credentials');
        await expectAxeClean(page, 'credentials tab (private key jwt)');
        await setScheme(page, 'dark');
        await shoot(page, 'application-credentials');
        await expectAxeClean(page, 'credentials tab (private key jwt, dark)');

        // Revert to Client Secret (Post): the secret is shown again and authenticates.
        await page.getByRole('radio', { name: 'Client Secret (Post)' }).click();
        await page.getByRole('button', { name: 'Save Changes' }).click();
        await expect.poll(methodIds).toEqual({ tokenEndpointAuthMethod: 'client_secret_post', ids: [] });
        const secret = (await mgmt(`/clients/${clientId}`)).body.client_secret as string;
        await expect.poll(() => page.getByTestId('client-secret').inputValue()).toBe(secret);
        expect((await tokenWith({ client_secret: secret })).status).toBe(200);
        expect((await tokenWith(await assertionWith(key2.privateKey, second.kid))).status).toBe(401);
        await expectAxeClean(page, 'credentials tab (client secret, dark)');

        // mTLS with a self-signed certificate: the certificate is added within the switch, and picked for it.
        const certificate = await createSelfSignedCertificate({ privateKey: key1.privateKey, publicKey: key1.publicKey, commonName: 'order-sync.acme.test', validDays: 30 });
        await page.getByRole('radio', { name: 'mTLS with a self-signed certificate' }).click();
        await page.getByRole('button', { name: 'Add a credential for mTLS (self-signed)' }).click();
        dialog = page.getByRole('dialog', { name: 'Add New Credential' });
        await dialog.getByLabel('Name').fill('worker cert');
        await dialog.getByLabel('Certificate (PEM)').fill(certificate.pem);
        await dialog.getByRole('button', { name: 'Add Credential' }).click();
        await expect.poll(() => page.getByRole('checkbox', { name: 'worker cert' }).isChecked()).toBe(true);
        await page.getByRole('button', { name: 'Save Changes' }).click();
        const cert = (await credentials()).find((c) => c.name === 'worker cert')!;
        await expect
          .poll(async () => {
            const client = (await mgmt(`/clients/${clientId}`)).body;
            return [client.token_endpoint_auth_method, client.client_authentication_methods];
          })
          .toEqual([null, { self_signed_tls_client_auth: { credentials: [{ id: cert.id }] } }]);
        await page.getByText(cert.thumbprint_sha256!).waitFor();
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });

  it('requires JWT-secured authorization requests from Settings, with a credential assigned on the spot', { timeout: WALKTHROUGH_TIMEOUT }, async () => {
    const key = rsa();
    const callback = 'https://portal.acme.test/callback';
    const portal = await mgmt('/clients', { body: { name: 'Web Portal', app_type: 'regular_web', callbacks: [callback] } });
    expect(portal.status).toBe(201);
    const portalId = portal.body.client_id as string;
    const issuer = (await call(server, '/.well-known/openid-configuration', { host: 'acme.localhost' })).body.issuer as string;
    const authorize = (params: Record<string, string>) => call(server, `/authorize?${new URLSearchParams({ client_id: portalId, ...params })}`, { host: 'acme.localhost' });
    await withPage(
      browser,
      'dashboard-jar',
      async (page) => {
        page.setDefaultTimeout(10_000);
        const problems = await watchPage(page, expectedFailedLoads);
        await signIn(page, server, `/t/acme/applications/${portalId}`);
        await page.getByRole('heading', { name: 'Web Portal' }).waitFor();
        const card = page.locator('form', { has: page.getByRole('heading', { name: 'JWT-Secured Authorization Requests (JAR)' }) });
        await card.getByTestId('jar-no-credentials').waitFor();
        await card.getByRole('button', { name: 'Assign New Credential' }).click();
        const dialog = page.getByRole('dialog', { name: 'Add New Credential' });
        await dialog.getByLabel('Name').fill('jar key');
        await dialog.getByLabel('Public Key or Certificate (PEM)').fill(pemOf(key.publicKey));
        await dialog.getByRole('button', { name: 'Add Credential' }).click();
        await expect.poll(() => card.getByRole('checkbox', { name: /jar key/ }).isChecked()).toBe(true);
        await card.getByRole('switch', { name: 'Require JWT-Secured Authorization Requests' }).check();
        await card.getByRole('button', { name: 'Save Authorization Requests' }).click();
        const credential = (await mgmt(`/clients/${portalId}/credentials`)).body[0] as Credential;
        await expect.poll(async () => (await mgmt(`/clients/${portalId}`)).body.signed_request_object).toEqual({ required: true, credentials: [{ id: credential.id }] });
        await expectAxeClean(page, 'settings (authorization requests)');

        // It takes effect: a plain request gets an error page (its redirect_uri was not signed), a signed one starts the login.
        const plain = await authorize({ redirect_uri: callback, response_type: 'code', scope: 'openid', state: 'p' });
        expect(plain.status).toBe(400);
        expect(plain.headers.get('location')).toBeNull();
        expect(plain.text).toContain('requires JWT-Secured Authorization Requests');
        const now = Math.floor(Date.now() / 1000);
        const request = await new SignJWT({ iss: portalId, aud: issuer, client_id: portalId, response_type: 'code', redirect_uri: callback, scope: 'openid', exp: now + 60, jti: randomUUID() })
          .setProtectedHeader({ alg: 'RS256', typ: 'oauth-authz-req+jwt', kid: credential.kid })
          .sign(key.privateKey);
        const signed = await authorize({ request });
        expect(signed.status, signed.text).toBe(302);
        expect(new URL(signed.headers.get('location')!, issuer).pathname).toBe('/u/login');
        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce' },
    );
  });
});
