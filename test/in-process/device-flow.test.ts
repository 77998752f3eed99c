/**
 * The device authorization flow (RFC 8628, issue 18 items 1–3) on the in-process server and its
 * TestClock: `POST /oauth/device/code`, the hosted `/activate` page (code entry, login, confirmation,
 * cancel, SSO reuse, wrong codes counted and limited, CSRF), and the token endpoint's device code
 * grant (authorization_pending, slow_down and its growing interval, expired_token, access_denied,
 * one-time redemption, refresh and ID tokens). openid-client with a real Chromium is in
 * test/integration/device-flow-browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue, locationOf } from '../support/form-browser.js';
import { DeviceCodeSpaceExhausted, startDeviceAuthorization, type IssuedDeviceCodes } from '../../src/domain/oidc/device-authorization.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const API = 'https://tv.example.com/';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const BASE20 = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

type Json = Record<string, any>;

let server: InProcessServer;
let token: string;
let tv: { client_id: string };
let base: string;
let userId: string;

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  base = server.originOf('dev');
  const api = await server.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: API, scopes: [{ value: 'watch:shows' }], allow_offline_access: true });
  expect(api.status).toBe(201);
  const user = await server.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'ada@example.com', password: PASSWORD, email_verified: true });
  expect(user.status).toBe(201);
  userId = user.body.user_id;
  tv = await createTv({ name: 'TV' });
});
afterAll(async () => server?.close());

async function createTv(fields: Json): Promise<{ client_id: string }> {
  const res = await server.api('dev', token, 'POST', '/api/v2/clients', { app_type: 'native', grant_types: [DEVICE_GRANT, 'refresh_token'], ...fields });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const deviceCode = (form: Record<string, string>) => server.postForm('dev', '/oauth/device/code', form);
const poll = (code: string, clientId = tv.client_id) => server.postForm('dev', '/oauth/token', { grant_type: DEVICE_GRANT, device_code: code, client_id: clientId });
const advance = (seconds: number) => server.clock.advance(seconds * 1000);

async function start(form: Record<string, string> = {}): Promise<Json> {
  const res = await deviceCode({ client_id: tv.client_id, scope: 'openid profile offline_access watch:shows', audience: API, ...form });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Enters `code` on /activate in `browser`: the response of the POST. */
async function enterCode(browser: FormBrowser, code: string, prefill = ''): Promise<Response> {
  const page = await browser.get(`${base}/activate${prefill ? `?user_code=${encodeURIComponent(prefill)}` : ''}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  return browser.post(`${base}/activate`, { _csrf: inputValue(html, '_csrf'), user_code: code });
}

/** From a redirect to /u/login: logs Ada in; returns the consent (confirmation) page's URL. */
async function logIn(browser: FormBrowser, loginRedirect: Response): Promise<URL> {
  const loginUrl = locationOf(loginRedirect, base);
  expect(loginUrl.pathname).toBe('/u/login');
  const html = await (await browser.get(loginUrl.toString())).text();
  const done = await browser.post(`${base}/u/login`, { state: loginUrl.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username: 'ada@example.com', password: PASSWORD });
  const consent = locationOf(done, base);
  expect(consent.pathname).toBe('/u/consent');
  return consent;
}

/** Answers the confirmation page; returns the final page. */
async function confirm(browser: FormBrowser, consentUrl: URL, action: 'accept' | 'deny'): Promise<{ status: number; html: string; code: string }> {
  const html = await (await browser.get(consentUrl.toString())).text();
  const code = /class="user-code">([^<]+)</.exec(html)?.[1] ?? '';
  const answered = await browser.post(`${base}/u/consent`, { state: consentUrl.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), action });
  return { status: answered.status, html: await answered.text(), code };
}

describe('POST /oauth/device/code', () => {
  it('answers the codes as RFC 8628 §3.2 and Auth0 name them; the user code follows the tenant mask', async () => {
    const body = await start();
    expect(Object.keys(body).sort()).toEqual(['device_code', 'expires_in', 'interval', 'user_code', 'verification_uri', 'verification_uri_complete']);
    expect(body).toMatchObject({ expires_in: 900, interval: 5, verification_uri: `${base}/activate` });
    expect(body.user_code).toMatch(BASE20);
    expect(body.verification_uri_complete).toBe(`${base}/activate?user_code=${body.user_code}`);
    expect(body.device_code.length).toBeGreaterThanOrEqual(43);
  });

  it('an application may start 100 authorizations an hour per address', async () => {
    const from = async (ip: string) => {
      const res = await server.fetch(`${base}/oauth/device/code`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
        body: new URLSearchParams({ client_id: tv.client_id, scope: 'openid' }),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Json };
    };
    for (let i = 0; i < 100; i += 1) expect((await from('192.0.2.50')).status).toBe(200);
    const limited = await from('192.0.2.50');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_requests');
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect((await from('192.0.2.51')).status).toBe(200);
  });

  it('refuses applications without the grant, unknown audiences and unknown clients (logged fdeaz)', async () => {
    const web = await server.api('dev', token, 'POST', '/api/v2/clients', { name: 'No device', app_type: 'native' });
    const refused = await deviceCode({ client_id: web.body.client_id });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'unauthorized_client', error_description: `Grant type '${DEVICE_GRANT}' not allowed for the client.` });
    const unknownApi = await deviceCode({ client_id: tv.client_id, audience: 'https://nope.example/' });
    expect(unknownApi.status).toBe(403);
    expect(unknownApi.body).toEqual({ error: 'access_denied', error_description: 'Service not found: https://nope.example/' });
    expect((await deviceCode({ client_id: 'unknown-client' })).status).toBe(401);
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:fdeaz')}`);
    expect(logs.body.length).toBeGreaterThanOrEqual(3);
  });

  it('takes the digits charset and the mask from tenant settings, and refuses masks the Management API does not accept', async () => {
    const patched = await server.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { device_flow: { charset: 'digits', mask: '***  ***-***' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    try {
      const body = await start();
      expect(body.user_code).toMatch(/^\d{3} {2}\d{3}-\d{3}$/);
      for (const mask of ['ABCD', '----', '*'.repeat(21)]) {
        const bad = await server.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { device_flow: { mask } });
        expect(bad.status, mask).toBe(400);
      }
    } finally {
      await server.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { device_flow: { charset: 'base20', mask: '****-****' } });
    }
  });
});

describe('user code masks: at least 10^9 codes for the charset', () => {
  const patch = (device_flow: Json) => server.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { device_flow });

  it('refuses masks with too few `*` for the charset, naming device_flow.mask', async () => {
    try {
      // base20: 7 `*` (20^7 ≈ 1.28·10^9) is the least; digits: 9.
      for (const mask of ['*', '****', '***-***']) {
        const bad = await patch({ charset: 'base20', mask });
        expect(bad.status, mask).toBe(400);
        expect(bad.body.message, mask).toContain('device_flow.mask');
      }
      expect((await patch({ charset: 'base20', mask: '****-***' })).status).toBe(200);
      for (const mask of ['****-****', '********']) expect((await patch({ charset: 'digits', mask })).status, mask).toBe(400);
      expect((await patch({ charset: 'digits', mask: '***-***-***' })).status).toBe(200);
    } finally {
      await patch({ charset: 'base20', mask: '****-****' });
    }
  });

  it('checks the charset against the stored mask when only the charset is patched', async () => {
    try {
      expect((await patch({ mask: '****-***' })).status).toBe(200);
      // 10^7 digit codes: refused although the PATCH names only the charset.
      const bad = await patch({ charset: 'digits' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('device_flow.mask');
      const stored = await server.api('dev', token, 'GET', '/api/v2/tenants/settings');
      expect(stored.body.device_flow).toEqual({ charset: 'base20', mask: '****-***' });
    } finally {
      await patch({ charset: 'base20', mask: '****-****' });
    }
  });

  it('a weak mask stored before the floor never yields weak codes: the charset\'s strong mask replaces it', async () => {
    // Written around the Management API (as a mask stored before the 10^9 floor would be).
    const tenant = (await server.services.tenants.findByName('dev'))!;
    const store = async (deviceFlow: Json) => {
      const record = (await server.services.storage.repos.tenants.findActiveById<Json>(tenant.id))!;
      await server.services.storage.repos.tenants.updateSettings(tenant.id, { ...record.settings, device_flow: deviceFlow });
      // Any PATCH that does not name device_flow drops the cached settings.
      expect((await server.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { friendly_name: 'Dev' })).status).toBe(200);
    };
    try {
      await store({ charset: 'digits', mask: '*' });
      for (let i = 0; i < 3; i += 1) expect((await start()).user_code).toMatch(/^\d{3}-\d{3}-\d{3}$/);
      await store({ charset: 'base20', mask: '**-**' });
      expect((await start()).user_code).toMatch(BASE20);
      // The stored value is what the Management API shows (and refuses on the next device_flow PATCH).
      expect((await server.api('dev', token, 'GET', '/api/v2/tenants/settings')).body.device_flow).toEqual({ charset: 'base20', mask: '**-**' });
    } finally {
      await patch({ charset: 'base20', mask: '****-****' });
    }
  });
});

describe('activation and polling', () => {
  it('pending while the user logs in, slow_down when polled too fast (the interval grows by 5 s), then tokens once', async () => {
    const codes = await start();
    expect((await poll(codes.device_code)).body).toMatchObject({ error: 'authorization_pending' });
    const tooFast = await poll(codes.device_code);
    expect(tooFast.status).toBe(429);
    expect(tooFast.body.error).toBe('slow_down');
    // The interval is now 10 s: 6 s later is still too fast (and makes it 15 s), 15 s after that is fine.
    advance(6);
    expect((await poll(codes.device_code)).body.error).toBe('slow_down');
    advance(15);
    expect((await poll(codes.device_code)).body.error).toBe('authorization_pending');

    const browser = new FormBrowser({ caFetch: server.fetch });
    // Typed in lower case without the separator: found all the same.
    const entered = await enterCode(browser, codes.user_code.replace('-', '').toLowerCase(), codes.user_code);
    const consent = await logIn(browser, entered);
    const answer = await confirm(browser, consent, 'accept');
    expect(answer.code).toBe(codes.user_code);
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('Device connected');

    advance(15);
    const tokens = await poll(codes.device_code);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile offline_access watch:shows' });
    expect(tokens.body.refresh_token).toBeTruthy();
    expect(decodeJwt(tokens.body.id_token)).toMatchObject({ sub: userId, aud: tv.client_id, iss: `${base}/` });
    expect(decodeJwt(tokens.body.access_token)).toMatchObject({ sub: userId, azp: tv.client_id, scope: 'openid profile offline_access watch:shows' });

    advance(15);
    const again = await poll(codes.device_code);
    expect(again.status).toBe(403);
    expect(again.body.error).toBe('invalid_grant');
    // The code is spent: /activate no longer knows it.
    expect((await enterCode(browser, codes.user_code)).status).toBe(400);
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(`client_id:"${tv.client_id}"`)}&per_page=100`);
    const types = logs.body.map((entry: Json) => entry.type);
    expect(types).toContain('sede');
    expect(types).toContain('fede');
    // Waiting answers are not failures: one fede (the replay), none per pending poll.
    expect(types.filter((t: string) => t === 'fede')).toHaveLength(1);
  });

  it('records the confirmation as consent for a third-party application only', async () => {
    const thirdParty = await createTv({ name: 'Partner TV', is_first_party: false });
    // Third-party applications log in with domain connections only.
    const connections = await server.api('dev', token, 'GET', '/api/v2/connections?name=Username-Password-Authentication');
    expect((await server.api('dev', token, 'PATCH', `/api/v2/connections/${connections.body[0].id}`, { is_domain_connection: true })).status).toBe(200);
    const browser = new FormBrowser({ caFetch: server.fetch });
    for (const app of [thirdParty, tv]) {
      const codes = await start({ client_id: app.client_id });
      const entered = await enterCode(browser, codes.user_code);
      const consent = browser.cookieNames().includes('tessera_session') ? locationOf(entered, base) : await logIn(browser, entered);
      expect((await confirm(browser, consent, 'accept')).html).toContain('Device connected');
      expect((await poll(codes.device_code, app.client_id)).status).toBe(200);
    }
    const grants = await server.api('dev', token, 'GET', `/api/v2/grants?user_id=${encodeURIComponent(userId)}`);
    expect(grants.body.map((g: Json) => g.clientID ?? g.client_id)).toEqual([thirdParty.client_id]);
  });

  it('confirming a code that expired meanwhile records no consent', async () => {
    const partner = await createTv({ name: 'Late Partner TV', is_first_party: false });
    const codes = await start({ client_id: partner.client_id });
    const browser = new FormBrowser({ caFetch: server.fetch });
    const consent = await logIn(browser, await enterCode(browser, codes.user_code));
    advance(901);
    expect((await confirm(browser, consent, 'accept')).html).not.toContain('Device connected');
    const grants = await server.api('dev', token, 'GET', `/api/v2/grants?user_id=${encodeURIComponent(userId)}`);
    expect(grants.body.map((g: Json) => g.clientID ?? g.client_id)).not.toContain(partner.client_id);
  });

  it('a user code whose authorization expired is drawn again (the old device code stays expired)', async () => {
    // A code space of 10 (a draw over the digits, as the domain lets tests pass): the tenant's
    // format would never give one (a weak stored mask falls back to a strong one).
    const tenant = (await server.services.tenants.findByName('dev'))!;
    const request = { clientId: tv.client_id, scope: ['openid'], issuer: `${base}/` };
    const format = { charset: 'digits' as const, mask: '*' };
    const tiny = () => String(Math.floor(Math.random() * 10));
    const startTiny = () => startDeviceAuthorization(server.services.ttl, tenant.id, format, request, tiny);
    const taken: IssuedDeviceCodes[] = [];
    for (let i = 0; i < 60 && taken.length < 10; i += 1) {
      try {
        taken.push(await startTiny());
      } catch (error) {
        expect(error).toBeInstanceOf(DeviceCodeSpaceExhausted);
      }
    }
    expect(new Set(taken.map((c) => c.userCode)).size).toBe(10);
    // Every code live: none is free.
    await expect(startTiny()).rejects.toBeInstanceOf(DeviceCodeSpaceExhausted);
    advance(901);
    // All expired (kept 7 days for the sweeper): their codes are free again.
    const again = await startTiny();
    expect(again.userCode).toMatch(/^\d$/);
    const holder = taken.find((c) => c.userCode === again.userCode)!;
    const browser = new FormBrowser({ caFetch: server.fetch });
    expect((await confirm(browser, await logIn(browser, await enterCode(browser, again.userCode)), 'accept')).html).toContain('Device connected');
    expect((await poll(holder.deviceCode, tv.client_id)).body.error).toBe('expired_token');
    expect((await poll(again.deviceCode)).status).toBe(200);
  });

  it('of two concurrent polls after the approval, exactly one gets the tokens', async () => {
    const codes = await start();
    const browser = new FormBrowser({ caFetch: server.fetch });
    const entered = await enterCode(browser, codes.user_code);
    const consent = browser.cookieNames().includes('tessera_session') ? locationOf(entered, base) : await logIn(browser, entered);
    expect((await confirm(browser, consent, 'accept')).html).toContain('Device connected');
    const answers = await Promise.all([poll(codes.device_code), poll(codes.device_code)]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200)[0]!.status).toBeGreaterThanOrEqual(400);
  });

  it('two concurrent takeovers of one expired user code: exactly one wins', async () => {
    const tenant = (await server.services.tenants.findByName('dev'))!;
    const ttl = server.services.ttl;
    expect(await ttl.putUnder(tenant.id, 'device_user_code', 'RACE1', { n: 0 }, 10)).toBe(true);
    expect(await ttl.putUnder(tenant.id, 'device_user_code', 'RACE1', { n: 1 }, 10)).toBe(false);
    advance(11);
    const won = await Promise.all([1, 2, 3].map((n) => ttl.putUnder(tenant.id, 'device_user_code', 'RACE1', { n }, 10)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = won.indexOf(true) + 1;
    expect(await ttl.get(tenant.id, 'device_user_code', 'RACE1')).toEqual({ n: winner });
  });

  it("another tenant's /activate does not know the code", async () => {
    await server.createTenant('elsewhere');
    const other = server.originOf('elsewhere');
    const codes = await start();
    const browser = new FormBrowser({ caFetch: server.fetch });
    const html = await (await browser.get(`${other}/activate`)).text();
    const res = await browser.post(`${other}/activate`, { _csrf: inputValue(html, '_csrf'), user_code: codes.user_code });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Invalid or expired code');
    // Still pending at home.
    expect((await poll(codes.device_code)).body.error).toBe('authorization_pending');
  });

  it('a confidential application must authenticate to ask for device codes', async () => {
    const confidential = await createTv({ name: 'Confidential TV', token_endpoint_auth_method: 'client_secret_post' });
    const unauthenticated = await deviceCode({ client_id: confidential.client_id });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error).toBe('invalid_client');
    const secret = (confidential as { client_secret?: string }).client_secret!;
    expect((await deviceCode({ client_id: confidential.client_id, client_secret: secret })).status).toBe(200);
  });

  it('another application cannot redeem the device code', async () => {
    const other = await createTv({ name: 'Other TV' });
    const codes = await start();
    const res = await poll(codes.device_code, other.client_id);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('reuses the SSO session: the confirmation comes straight after the code', async () => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    const first = await start();
    await confirm(browser, await logIn(browser, await enterCode(browser, first.user_code)), 'accept');
    const second = await start();
    const entered = await enterCode(browser, second.user_code);
    const consent = locationOf(entered, base);
    expect(consent.pathname).toBe('/u/consent');
    expect((await confirm(browser, consent, 'accept')).html).toContain('Device connected');
    expect((await poll(second.device_code)).status).toBe(200);
  });

  it("does not reuse an SSO session whose connection is not enabled for the device's application: the user logs in", async () => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    const first = await start();
    await confirm(browser, await logIn(browser, await enterCode(browser, first.user_code)), 'accept');
    const other = await createTv({ name: 'Other TV' });
    const connections = await server.api('dev', token, 'GET', `/api/v2/connections?name=Username-Password-Authentication`);
    const database = (connections.body as Json[])[0]!;
    const enabled = (database.enabled_clients as string[]).filter((id) => id !== other.client_id);
    expect((await server.api('dev', token, 'PATCH', `/api/v2/connections/${database.id}`, { enabled_clients: enabled })).status).toBe(200);
    const res = await deviceCode({ client_id: other.client_id, scope: 'openid' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const entered = locationOf(await enterCode(browser, res.body.user_code), base);
    expect(entered.pathname).toBe('/u/login');
  });

  it('a cancelled confirmation is access_denied at the next poll (logged fdecc)', async () => {
    const codes = await start();
    const browser = new FormBrowser({ caFetch: server.fetch });
    const answer = await confirm(browser, await logIn(browser, await enterCode(browser, codes.user_code)), 'deny');
    expect(answer.html).toContain('not connected');
    const denied = await poll(codes.device_code);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error: 'access_denied', error_description: 'User has denied access.' });
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:fdecc')}`);
    expect(logs.body.length).toBe(1);
  });

  it('expires after 900 s: expired_token to the device, an unknown code at /activate', async () => {
    const codes = await start();
    advance(901);
    const expired = await poll(codes.device_code);
    expect(expired.status).toBe(403);
    expect(expired.body.error).toBe('expired_token');
    const browser = new FormBrowser({ caFetch: server.fetch });
    const entered = await enterCode(browser, codes.user_code);
    expect(entered.status).toBe(400);
    expect(await entered.text()).toContain('Invalid or expired code');
  });

  it('a code answered after it expired is refused, and the device is told expired_token', async () => {
    const codes = await start();
    const browser = new FormBrowser({ caFetch: server.fetch });
    const consent = await logIn(browser, await enterCode(browser, codes.user_code));
    advance(901);
    const answer = await confirm(browser, consent, 'accept');
    expect(answer.html).not.toContain('Device connected');
    expect((await poll(codes.device_code)).body.error).toBe('expired_token');
  });
  it('an API that refuses the user denies the device, logged fdecc with the reason', async () => {
    const closed = 'https://closed.example.com/';
    const api = await server.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: closed, subject_type_authorization: { user: { policy: 'deny_all' } } });
    expect(api.status, JSON.stringify(api.body)).toBe(201);
    const codes = await start({ audience: closed, scope: 'openid' });
    const browser = new FormBrowser({ caFetch: server.fetch });
    const loginUrl = locationOf(await enterCode(browser, codes.user_code), base);
    const html = await (await browser.get(loginUrl.toString())).text();
    const refused = await browser.post(`${base}/u/login`, { state: loginUrl.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username: 'ada@example.com', password: PASSWORD });
    expect(refused.status).toBe(403);
    advance(15);
    expect((await poll(codes.device_code)).body.error).toBe('access_denied');
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:fdecc')}&per_page=100`);
    expect(logs.body.some((entry: Json) => entry.details?.reason === 'api_access_denied' && entry.details?.audience === closed)).toBe(true);
  });
});

describe('/activate', () => {
  it('refuses a form without its CSRF cookie, or posted from another origin', async () => {
    const codes = await start();
    const browser = new FormBrowser({ caFetch: server.fetch });
    const html = await (await browser.get(`${base}/activate`)).text();
    const csrf = inputValue(html, '_csrf');
    const stranger = new FormBrowser({ caFetch: server.fetch });
    expect((await stranger.post(`${base}/activate`, { _csrf: csrf, user_code: codes.user_code })).status).toBe(403);
    const foreign = await server.fetch(`${base}/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', cookie: `tessera_activate=${browser.cookie('tessera_activate')}` },
      body: new URLSearchParams({ _csrf: csrf, user_code: codes.user_code }),
    });
    expect(foreign.status).toBe(403);
    // Browsers name our origin only under a referrer policy that lets them (no-referrer posts `Origin: null`).
    const page = await browser.get(`${base}/activate`);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    const own = await server.fetch(`${base}/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: `tessera_activate=${browser.cookie('tessera_activate')}` },
      body: new URLSearchParams({ _csrf: csrf, user_code: codes.user_code }),
    });
    expect(own.status).toBe(302);
  });

  it('escapes what it echoes', async () => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    const html = await (await browser.get(`${base}/activate?user_code=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('counts wrong codes (logged fdeac) and refuses an address after 10 attempts a minute', async () => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    // Earlier cases spent some of this address's attempts: move to a fresh window.
    advance(61);
    const fresh = await start();
    for (let i = 0; i < 10; i += 1) expect((await enterCode(browser, `BBBB-BBB${i}`)).status).toBe(400);
    const limited = await enterCode(browser, fresh.user_code);
    expect(limited.status).toBe(429);
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:fdeac')}&per_page=100`);
    expect(logs.body.length).toBeGreaterThanOrEqual(10);
  });

  it("tells a limited address when its window ends, on the services' clock (Retry-After)", async () => {
    advance(61);
    const browser = new FormBrowser({ caFetch: server.fetch });
    for (let i = 0; i < 10; i += 1) expect((await enterCode(browser, `CCCC-CCC${i}`)).status).toBe(400);
    // 30 s into the minute window (the clock is well ahead of the wall clock by now).
    advance(30);
    const limited = await enterCode(browser, 'CCCC-CCCC');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(29);
    expect(retryAfter).toBeLessThanOrEqual(31);
  });

  it('logs a wrong code by its length only', async () => {
    advance(61);
    const browser = new FormBrowser({ caFetch: server.fetch });
    expect((await enterCode(browser, 'QWXZ-KLMN')).status).toBe(400);
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:fdeac')}&per_page=100&sort=date:-1`);
    expect(JSON.stringify(logs.body)).not.toContain('QWXZ');
    expect(logs.body[0].details).toMatchObject({ user_code_length: 9 });
  });

  it('refuses everyone in the tenant once 100 wrong codes a minute came from any addresses (logged api_limit)', async () => {
    advance(61);
    const fresh = await start();
    /** /activate as seen from `ip` (the in-process server trusts x-forwarded-for). */
    const enterFrom = async (ip: string, code: string) => {
      const page = await server.fetch(`${base}/activate`, { headers: { 'x-forwarded-for': ip } });
      const cookie = /tessera_activate=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1];
      return server.fetch(`${base}/activate`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: `tessera_activate=${cookie}`, 'x-forwarded-for': ip },
        body: new URLSearchParams({ _csrf: inputValue(await page.text(), '_csrf'), user_code: code }),
      });
    };
    // 10 addresses, each within its own limit of 10 a minute.
    for (let a = 0; a < 10; a += 1) {
      for (let i = 0; i < 10; i += 1) expect((await enterFrom(`198.51.100.${a + 1}`, `BBBB-BB${a}${i}`)).status).toBe(400);
    }
    // The right code, from an address never seen: refused like any other guess.
    const refused = await enterFrom('203.0.113.7', fresh.user_code);
    expect(refused.status).toBe(429);
    advance(61);
    expect((await enterFrom('203.0.113.7', fresh.user_code)).status).toBe(302);
    await server.drain();
    const logs = await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:api_limit')}&per_page=100`);
    expect(logs.body.filter((entry: Json) => entry.details?.bucket === 'activate')).toHaveLength(1);
  });
});
