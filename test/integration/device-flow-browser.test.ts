/**
 * The device authorization flow end to end (issue 18, done-means): `openid-client` v6 starts it
 * (`initiateDeviceAuthorization`) and polls (`pollDeviceAuthorizationGrant`) over real TLS while a
 * headless Chromium opens `verification_uri_complete`, confirms the prefilled code, logs in on the
 * hosted page and confirms the device. The protocol's time cases (slow_down, expiry) are in
 * test/in-process/device-flow.test.ts, on the TestClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { devCertFiles } from '../support/apps/index.js';
import { closeBrowser, launchBrowser, submitHostedLogin, withPage } from '../support/browser.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const API = 'https://tv.example.com/';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

let tls: TlsTestServer;
let browser: Browser;
let tv: { client_id: string };

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  const token = await tls.tokenFor('dev');
  expect((await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: API, scopes: [{ value: 'watch:shows' }], allow_offline_access: true })).status).toBe(201);
  const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'grace@example.com', password: PASSWORD, email_verified: true });
  expect(user.status).toBe(201);
  const created = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Living-room TV', app_type: 'native', grant_types: [DEVICE_GRANT, 'refresh_token'] });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  tv = created.body;
  browser = await launchBrowser({ trustCertificates: [devCertFiles(tls.server).certFile] });
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await tls?.close();
});

describe('device authorization flow with openid-client v6 and Chromium', () => {
  it('polls to tokens while the user enters the code on /activate, logs in and confirms', async () => {
    const config = await oidc.discovery(new URL(`https://${tls.hostOf('dev')}/`), tv.client_id, undefined, oidc.None(), {
      [oidc.customFetch]: tls.caFetch as oidc.CustomFetch,
    });
    expect(config.serverMetadata().device_authorization_endpoint).toBe(`https://${tls.hostOf('dev')}/oauth/device/code`);
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email offline_access watch:shows', audience: API });
    expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(started.verification_uri).toBe(`https://${tls.hostOf('dev')}/activate`);

    const polling = oidc.pollDeviceAuthorizationGrant(config, started);
    await withPage(browser, 'device activation', async (page) => {
      await page.goto(started.verification_uri_complete!);
      expect(await page.inputValue('input[name=user_code]')).toBe(started.user_code);
      await page.click('button[type=submit]');
      await submitHostedLogin(page, { username: 'grace@example.com', password: PASSWORD });
      await page.waitForURL(/\/u\/consent\?/);
      expect(await page.locator('.user-code').innerText()).toBe(started.user_code);
      await Promise.all([page.waitForURL((url) => url.pathname === '/u/consent' && !url.search), page.click('button[value=accept]')]);
      expect(await page.locator('h1').innerText()).toBe('Device connected');
    });

    const tokens = await polling;
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.claims()).toMatchObject({ email: 'grace@example.com', aud: tv.client_id, iss: `https://${tls.hostOf('dev')}/` });
    expect(tokens.scope).toBe('openid email offline_access watch:shows');

    // The refresh token works with openid-client too.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();
  }, 120_000);

  it('a cancelled confirmation ends the polling with access_denied', async () => {
    const config = await oidc.discovery(new URL(`https://${tls.hostOf('dev')}/`), tv.client_id, undefined, oidc.None(), {
      [oidc.customFetch]: tls.caFetch as oidc.CustomFetch,
    });
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const polling = oidc.pollDeviceAuthorizationGrant(config, started).then(
      () => undefined,
      (error: unknown) => error,
    );
    await withPage(browser, 'device cancel', async (page) => {
      await page.goto(started.verification_uri);
      await page.fill('input[name=user_code]', started.user_code.toLowerCase().replace('-', ' '));
      await page.click('button[type=submit]');
      await submitHostedLogin(page, { username: 'grace@example.com', password: PASSWORD });
      await page.waitForURL(/\/u\/consent\?/);
      await Promise.all([page.waitForURL((url) => !url.search), page.click('button[value=deny]')]);
      expect(await page.locator('h1').innerText()).toBe('Access denied');
    });
    const error = (await polling) as { error?: string } | undefined;
    expect(error?.error).toBe('access_denied');
  }, 120_000);
});
