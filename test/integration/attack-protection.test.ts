/**
 * Attack protection over real TLS: the Management API settings (Auth0's shapes, defaults,
 * validation, scopes; v7 SDK), brute-force protection through the password-realm grant and the
 * hosted login page (block after N failures, per identifier and IP or per identifier, allowlists,
 * the blocked-account email and its one-time unblock link, `/api/v2/user-blocks`, counters reset by
 * a successful login and by a password reset), suspicious IP throttling for logins and signups,
 * breached password detection at login, signup and password reset, administrator blocks, log
 * events, `auth0-forwarded-for` from trusted applications, and tenant isolation. The cases about time
 * (a block that begins after an unblock link, the hourly breached-password email) run on the
 * in-process tier's clock: test/in-process/attack-protection-time.test.ts.
 *
 * The server trusts X-Forwarded-For (TRUST_PROXY), so each test speaks from its own documentation
 * IP addresses (RFC 5737) and counters of one test never reach another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationClient } from 'auth0-v4';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';
import { FormBrowser, inputValue, locationOf, openHostedPage } from '../support/form-browser.js';
import { eventually } from '../support/eventually.js';
import { escapeHtml } from '../../src/pages/html.js';

const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const PASSWORD = 'Xk9#mTq2!vLp';
const NEW_PASSWORD = 'Vb7$wQz4@nRt';
/** On the bundled breached list (as `password1`), and strong enough for the connection's "good" policy. */
const BREACHED = 'Password1';
const CALLBACK = 'https://app.example.com/callback';

const BLOCKED_MESSAGE = "Your account has been blocked after multiple consecutive login attempts. We've sent you an email with instructions on how to unblock it.";
const SUSPICIOUS_MESSAGE = 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.';
const WRONG = { error: 'invalid_grant', error_description: 'Wrong email or password.' };
const TOO_MANY = { error: 'too_many_attempts', error_description: BLOCKED_MESSAGE };
const SUSPICIOUS = { error: 'too_many_attempts', error_description: SUSPICIOUS_MESSAGE };

type Json = Record<string, any>;

let tls: TlsTestServer;
let token: string;
let acmeToken: string;
let base: string;
let app: { client_id: string; client_secret: string };
let web: { client_id: string; client_secret: string };

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme'], { env: { TRUST_PROXY: 'true' } });
  await tls.server.createTenant('acme');
  token = await tls.tokenFor('dev');
  acmeToken = await tls.tokenFor('acme');
  base = `https://${tls.hostOf('dev')}`;
  app = await createClient({ name: 'Backend', app_type: 'regular_web', grant_types: ['password', REALM_GRANT], jwt_configuration: { alg: 'HS256' } });
  web = await createClient({ name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK] });
});
afterAll(async () => tls?.close());

async function createClient(body: Json): Promise<{ client_id: string; client_secret: string }> {
  const res = await tls.api('dev', token, 'POST', '/api/v2/clients', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function createUser(email: string, extra: Json = {}, tenant = 'dev', mgmt = token): Promise<string> {
  const res = await tls.api(tenant, mgmt, 'POST', '/api/v2/users', { connection: REALM, email, password: PASSWORD, email_verified: true, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.user_id;
}

async function patch(feature: string, body: Json): Promise<Json> {
  const res = await tls.api('dev', token, 'PATCH', `/api/v2/attack-protection/${feature}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Brute-force protection blocking after `max` failures per identifier and IP; suspicious IP throttling back to its defaults. */
async function bruteForce(max: number, extra: Json = {}): Promise<void> {
  await patch('brute-force-protection', { enabled: true, shields: ['block', 'user_notification'], mode: 'count_per_identifier_and_ip', allowlist: [], max_attempts: max, ...extra });
}

/** A fetch that says it comes from `ip` (the server trusts X-Forwarded-For). */
function fromIp(ip: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-forwarded-for', ip);
    return tls.caFetch(input, { ...init, headers });
  };
}

async function realmLogin(username: string, password: string, ip: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await fromIp(ip)(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ grant_type: REALM_GRANT, realm: REALM, username, password, client_id: app.client_id, client_secret: app.client_secret, ...extra }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function failTimes(n: number, username: string, ip: string): Promise<void> {
  for (let i = 0; i < n; i++) expect(await realmLogin(username, 'wrong password', ip)).toEqual({ status: 403, body: WRONG });
}

async function logs(q: string, accept: (entries: any[]) => boolean = (e) => e.length > 0): Promise<any[]> {
  return eventually(async () => (await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(q)}`)).body as any[], accept, 5_000);
}

async function outbox(to: string, expected = 1): Promise<any[]> {
  return eventually(async () => (await tls.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`)).body as any[], (m) => m.length >= expected, 5_000);
}

const linkIn = (message: { text: string }, path: string): string => new RegExp(`https://\\S+${path.replace('/', '\\/')}\\?ticket=\\S+`).exec(message.text)![0];

/** A browser for the hosted pages that speaks from `ip`. */
const browserAt = (ip: string) => new FormBrowser({ ...tls, caFetch: fromIp(ip) });

async function hostedPage(browser: FormBrowser, params: Record<string, string> = {}): Promise<{ html: string; state: string }> {
  const authorize = `${base}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 's', ...params })}`;
  return openHostedPage(browser, authorize);
}

async function formLogin(browser: FormBrowser, username: string, password: string): Promise<Response> {
  const page = await hostedPage(browser);
  return browser.post(`${base}/u/login`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), username, password });
}

describe('Management API: /api/v2/attack-protection', () => {
  it("answers Auth0's defaults for a new tenant, through the v7 SDK too", async () => {
    const management = tls.v7('acme');
    expect((await management.attackProtection.bruteForceProtection.get())).toEqual({
      enabled: true,
      shields: ['block', 'user_notification'],
      mode: 'count_per_identifier_and_ip',
      allowlist: [],
      max_attempts: 10,
    });
    expect(await management.attackProtection.suspiciousIpThrottling.get()).toEqual({
      enabled: true,
      shields: ['admin_notification', 'block'],
      allowlist: [],
      stage: { 'pre-login': { max_attempts: 100, rate: 864000 }, 'pre-user-registration': { max_attempts: 50, rate: 1728000 } },
    });
    expect(await management.attackProtection.breachedPasswordDetection.get()).toEqual({
      enabled: false,
      shields: [],
      admin_notification_frequency: [],
      method: 'standard',
      stage: { 'pre-user-registration': { shields: [] }, 'pre-change-password': { shields: [] } },
    });
  });

  it('PATCH changes only what is sent (stages merge) and answers the whole object', async () => {
    const management = tls.v7('acme');
    const updated = await management.attackProtection.suspiciousIpThrottling.update({ allowlist: ['198.51.100.0/24', '2001:db8::1'], stage: { 'pre-login': { max_attempts: 20 } } });
    expect(updated).toEqual({
      enabled: true,
      shields: ['admin_notification', 'block'],
      allowlist: ['198.51.100.0/24', '2001:db8::1'],
      stage: { 'pre-login': { max_attempts: 20, rate: 864000 }, 'pre-user-registration': { max_attempts: 50, rate: 1728000 } },
    });
    expect(await management.attackProtection.suspiciousIpThrottling.get()).toEqual(updated);
    const breached = await management.attackProtection.breachedPasswordDetection.update({ enabled: true, shields: ['block', 'admin_notification'], admin_notification_frequency: ['immediately'], stage: { 'pre-change-password': { shields: ['block'] } } });
    expect(breached).toEqual({
      enabled: true,
      shields: ['block', 'admin_notification'],
      admin_notification_frequency: ['immediately'],
      method: 'standard',
      stage: { 'pre-user-registration': { shields: [] }, 'pre-change-password': { shields: ['block'] } },
    });
    const brute = await tls.api('acme', acmeToken, 'PATCH', '/api/v2/attack-protection/brute-force-protection', { mode: 'count_per_identifier', max_attempts: 5 });
    expect(brute).toEqual({ status: 200, body: { enabled: true, shields: ['block', 'user_notification'], mode: 'count_per_identifier', allowlist: [], max_attempts: 5 } });
    // The other tenant is untouched.
    expect((await tls.api('dev', token, 'GET', '/api/v2/attack-protection/brute-force-protection', undefined)).body.max_attempts).toBe(10);
  });

  it('keeps every change of concurrent PATCHes to different features (one settings document per tenant)', async () => {
    const mgmt = (feature: string, body: Json) => tls.api('acme', acmeToken, 'PATCH', `/api/v2/attack-protection/${feature}`, body);
    for (let round = 1; round <= 5; round++) {
      const answers = await Promise.all([
        mgmt('brute-force-protection', { max_attempts: 20 + round }),
        mgmt('suspicious-ip-throttling', { stage: { 'pre-login': { max_attempts: 40 + round } } }),
        mgmt('breached-password-detection', { enabled: round % 2 === 0 }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const read = async (feature: string) => (await tls.api('acme', acmeToken, 'GET', `/api/v2/attack-protection/${feature}`, undefined)).body;
      expect((await read('brute-force-protection')).max_attempts).toBe(20 + round);
      expect((await read('suspicious-ip-throttling')).stage['pre-login'].max_attempts).toBe(40 + round);
      expect((await read('breached-password-detection')).enabled).toBe(round % 2 === 0);
    }
  });

  it('refuses bad values with 400s that name the field', async () => {
    const bad: Array<[string, Json, string]> = [
      ['brute-force-protection', { max_attempts: 0 }, 'max_attempts'],
      ['brute-force-protection', { max_attempts: 101 }, 'max_attempts'],
      ['brute-force-protection', { max_attempts: 2.5 }, 'max_attempts'],
      ['brute-force-protection', { mode: 'count_per_ip' }, 'mode'],
      ['brute-force-protection', { shields: ['admin_notification'] }, 'shields'],
      ['brute-force-protection', { allowlist: ['10.0.0.1', 'not-an-ip'] }, 'allowlist[1]'],
      ['brute-force-protection', { allowlist: ['10.0.0.0/33'] }, 'allowlist[0]'],
      ['brute-force-protection', { enabled: 'yes' }, 'enabled'],
      ['brute-force-protection', { unknown: true }, 'unknown'],
      ['suspicious-ip-throttling', { stage: { 'pre-login': { rate: 1000 } } }, 'rate'],
      ['suspicious-ip-throttling', { stage: { 'pre-user-registration': { max_attempts: 72001 } } }, 'max_attempts'],
      ['suspicious-ip-throttling', { stage: { 'pre-signup': {} } }, 'pre-signup'],
      ['suspicious-ip-throttling', { shields: ['user_notification'] }, 'shields'],
      ['breached-password-detection', { method: 'premium' }, 'method'],
      // Accepted by Auth0's schema, but Tessera has only the standard check: refused rather than silently weaker.
      ['breached-password-detection', { method: 'enhanced' }, 'method'],
      ['breached-password-detection', { admin_notification_frequency: ['hourly'] }, 'admin_notification_frequency'],
      // Digests are not sent: asking for one would leave administrators with no email at all.
      ['breached-password-detection', { admin_notification_frequency: ['daily'] }, 'admin_notification_frequency is not supported'],
      ['breached-password-detection', { admin_notification_frequency: ['immediately', 'weekly'] }, 'admin_notification_frequency is not supported'],
      ['breached-password-detection', { admin_notification_frequency: ['monthly'] }, 'admin_notification_frequency is not supported'],
      ['breached-password-detection', { stage: { 'pre-change-password': { shields: ['user_notification'] } } }, 'shields'],
    ];
    for (const [feature, body, field] of bad) {
      const res = await tls.api('dev', token, 'PATCH', `/api/v2/attack-protection/${feature}`, body);
      expect(res.status, `${feature} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message, JSON.stringify(res.body)).toContain(field);
    }
    // Nothing was changed by the refused requests.
    expect((await tls.api('dev', token, 'GET', '/api/v2/attack-protection/brute-force-protection')).body).toMatchObject({ max_attempts: 10, allowlist: [] });
    // The frequencies that need no digest are still accepted.
    for (const frequencies of [[], ['immediately']]) {
      const res = await tls.api('dev', token, 'PATCH', '/api/v2/attack-protection/breached-password-detection', { admin_notification_frequency: frequencies });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.admin_notification_frequency).toEqual(frequencies);
    }
  });

  it('needs read:attack_protection to read and update:attack_protection to change', async () => {
    const readOnly = await tls.tokenFor('dev', { scope: 'read:attack_protection' });
    const other = await tls.tokenFor('dev', { scope: 'read:users update:users' });
    for (const feature of ['brute-force-protection', 'suspicious-ip-throttling', 'breached-password-detection']) {
      expect((await tls.api('dev', readOnly, 'GET', `/api/v2/attack-protection/${feature}`)).status).toBe(200);
      expect((await tls.api('dev', other, 'GET', `/api/v2/attack-protection/${feature}`)).status).toBe(403);
      const refused = await tls.api('dev', readOnly, 'PATCH', `/api/v2/attack-protection/${feature}`, { enabled: true });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
    }
    const writer = await tls.tokenFor('dev', { scope: 'update:attack_protection' });
    expect((await tls.api('dev', writer, 'PATCH', '/api/v2/attack-protection/brute-force-protection', { enabled: true })).status).toBe(200);
    expect((await tls.api('dev', writer, 'GET', '/api/v2/attack-protection/brute-force-protection')).status).toBe(403);
  });
});

describe('brute-force protection', () => {
  it('blocks the identifier from that IP after max_attempts failures, with the email, logs and user-blocks to show for it', async () => {
    await bruteForce(3);
    const userId = await createUser('bf-one@example.com', { email_verified: true });
    await failTimes(3, 'bf-one@example.com', '192.0.2.10');
    // Blocked: even the right password is refused, before it is checked.
    expect(await realmLogin('bf-one@example.com', PASSWORD, '192.0.2.10')).toEqual({ status: 429, body: TOO_MANY });
    expect(await realmLogin('BF-One@Example.com', PASSWORD, '192.0.2.10')).toEqual({ status: 429, body: TOO_MANY });
    // count_per_identifier_and_ip: the same account from another IP is fine.
    expect((await realmLogin('bf-one@example.com', PASSWORD, '192.0.2.11')).status).toBe(200);

    const [blocked] = await logs('type:limit_wc');
    expect(blocked).toMatchObject({ type: 'limit_wc', ip: '192.0.2.10', user_id: userId, client_id: app.client_id });
    expect(await logs('type:fepft', (e) => e.some((x) => x.description === BLOCKED_MESSAGE))).not.toEqual([]);

    const expected = { blocked_for: [{ identifier: 'bf-one@example.com', ip: '192.0.2.10', connection: REALM }] };
    expect(await tls.api('dev', token, 'GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).toEqual({ status: 200, body: expected });
    expect(await tls.api('dev', token, 'GET', '/api/v2/user-blocks?identifier=BF-ONE@example.com')).toEqual({ status: 200, body: expected });
    const management = tls.v7('dev');
    expect(await management.userBlocks.list(userId)).toEqual(expected);
    expect(await management.userBlocks.listByIdentifier({ identifier: 'bf-one@example.com', consider_brute_force_enablement: true })).toEqual(expected);

    // The email: one message with a one-time unblock link.
    const [message] = await outbox('bf-one@example.com');
    expect(message.subject).toContain('blocked');
    expect(message.text).toContain('192.0.2.10');
    const link = linkIn(message, '/u/unblock');
    expect(message.html).toContain(escapeHtml(link));

    // Opening the link only asks; the button unblocks; the link works once.
    const reader = new FormBrowser(tls);
    const page = await reader.get(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Unblock my account');
    expect(await realmLogin('bf-one@example.com', PASSWORD, '192.0.2.10')).toEqual({ status: 429, body: TOO_MANY });
    const ticket = inputValue(html, 'ticket');
    const done = await reader.post(`${base}/u/unblock`, { ticket });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your account has been unblocked.');
    expect((await reader.post(`${base}/u/unblock`, { ticket })).status).toBe(400);
    expect((await reader.get(link)).status).toBe(400);
    expect((await reader.post(`${base}/u/unblock`, { ticket: 'forged' })).status).toBe(400);

    expect((await realmLogin('bf-one@example.com', PASSWORD, '192.0.2.10')).status).toBe(200);
    expect(await tls.api('dev', token, 'GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).toEqual({ status: 200, body: { blocked_for: [] } });
    expect((await logs('type:ublkdu'))[0]).toMatchObject({ user_id: userId });
  });

  it('counts consecutive failures only: a successful login starts again from zero', async () => {
    await bruteForce(3);
    await createUser('bf-reset@example.com');
    await failTimes(2, 'bf-reset@example.com', '192.0.2.20');
    expect((await realmLogin('bf-reset@example.com', PASSWORD, '192.0.2.20')).status).toBe(200);
    await failTimes(2, 'bf-reset@example.com', '192.0.2.20');
    expect((await realmLogin('bf-reset@example.com', PASSWORD, '192.0.2.20')).status).toBe(200);
    // Unknown identifiers are counted like any other, so a block does not reveal which accounts exist.
    await failTimes(3, 'nobody-here@example.com', '192.0.2.20');
    expect(await realmLogin('nobody-here@example.com', PASSWORD, '192.0.2.20')).toEqual({ status: 429, body: TOO_MANY });
  });

  it('lets no more than max_attempts concurrent guesses reach the password check', async () => {
    await bruteForce(3);
    await createUser('bf-race@example.com');
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => realmLogin('bf-race@example.com', i === 10 ? PASSWORD : `wrong ${i}`, '192.0.2.90')));
    const statuses = guesses.map((g) => g.status);
    // Each attempt takes its own place in the counter first: three were checked (the right password
    // may be among them, and then succeeded), every other one was refused unchecked.
    expect(statuses.filter((status) => status !== 429).length, JSON.stringify(statuses)).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(17);
    expect(guesses.filter((g) => g.status === 429).every((g) => g.body.error === 'too_many_attempts')).toBe(true);
  });

  it('blocks on completed failures only: correct logins in flight beside a wrong one do not count as failures', async () => {
    await bruteForce(5);
    await createUser('bf-busy@example.com');
    // Five at once is as many as max_attempts admits in flight; one of them is wrong.
    const answers = await Promise.all([0, 1, 2, 3, 4].map((i) => realmLogin('bf-busy@example.com', i === 2 ? 'wrong password' : PASSWORD, '192.0.2.91')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 403]);
    // One failure is on record, not five: no block, no email, and the next logins go through.
    await failTimes(3, 'bf-busy@example.com', '192.0.2.91');
    expect((await realmLogin('bf-busy@example.com', PASSWORD, '192.0.2.91')).status).toBe(200);
    expect((await tls.api('dev', token, 'GET', '/api/v2/user-blocks?identifier=bf-busy@example.com')).body).toEqual({ blocked_for: [] });
    expect((await tls.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent('bf-busy@example.com')}`)).body).toEqual([]);
  });

  it('counts IPv6 clients by their /64, as the rate limits do', async () => {
    await bruteForce(3);
    await createUser('bf-ipv6@example.com');
    for (const ip of ['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:ffff::1']) {
      expect(await realmLogin('bf-ipv6@example.com', 'wrong password', ip)).toEqual({ status: 403, body: WRONG });
    }
    // Another address of the same /64 is the same client; another /64 is not.
    expect(await realmLogin('bf-ipv6@example.com', PASSWORD, '2001:db8:5:6:aaaa:bbbb:cccc:dddd')).toEqual({ status: 429, body: TOO_MANY });
    expect((await realmLogin('bf-ipv6@example.com', PASSWORD, '2001:db8:5:7::1')).status).toBe(200);
    const blocks = await tls.api('dev', token, 'GET', '/api/v2/user-blocks?identifier=bf-ipv6@example.com');
    expect(blocks.body).toEqual({ blocked_for: [{ identifier: 'bf-ipv6@example.com', ip: '2001:db8:5:6:ffff::1', connection: REALM }] });
  });

  it('refuses identifiers longer than any account can have as wrong credentials', async () => {
    await bruteForce(3);
    const long = `${'x'.repeat(3000)}@example.com`;
    expect(await realmLogin(long, 'wrong password', '192.0.2.95')).toEqual({ status: 403, body: WRONG });
    // Padding a real identifier does not get guesses past its counter.
    await createUser('bf-padded@example.com');
    await failTimes(3, `${' '.repeat(600)}bf-padded@example.com`, '192.0.2.95');
    expect(await realmLogin('bf-padded@example.com', PASSWORD, '192.0.2.95')).toEqual({ status: 429, body: TOO_MANY });
  });

  it('is lifted by DELETE /user-blocks/{id} and DELETE /user-blocks?identifier=, and by raising max_attempts', async () => {
    await bruteForce(2);
    const userId = await createUser('bf-delete@example.com');
    await failTimes(2, 'bf-delete@example.com', '192.0.2.30');
    expect((await realmLogin('bf-delete@example.com', PASSWORD, '192.0.2.30')).status).toBe(429);
    expect((await tls.api('dev', await tls.tokenFor('dev', { scope: 'read:users' }), 'DELETE', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).status).toBe(403);
    expect(await tls.api('dev', token, 'DELETE', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).toEqual({ status: 204, body: undefined });
    expect((await realmLogin('bf-delete@example.com', PASSWORD, '192.0.2.30')).status).toBe(200);

    await failTimes(2, 'bf-delete@example.com', '192.0.2.30');
    expect((await realmLogin('bf-delete@example.com', PASSWORD, '192.0.2.30')).status).toBe(429);
    await tls.v7('dev').userBlocks.deleteByIdentifier({ identifier: 'BF-DELETE@example.com' });
    expect((await realmLogin('bf-delete@example.com', PASSWORD, '192.0.2.30')).status).toBe(200);

    await failTimes(2, 'bf-delete@example.com', '192.0.2.30');
    expect((await realmLogin('bf-delete@example.com', PASSWORD, '192.0.2.30')).status).toBe(429);
    await bruteForce(5);
    expect((await realmLogin('bf-delete@example.com', PASSWORD, '192.0.2.30')).status).toBe(200);

    expect((await tls.api('dev', token, 'GET', '/api/v2/user-blocks/auth0%7Cnope')).status).toBe(404);
    expect((await tls.api('dev', token, 'GET', '/api/v2/user-blocks')).status).toBe(400);
    expect((await tls.api('dev', token, 'DELETE', '/api/v2/user-blocks')).status).toBe(400);
    expect((await tls.api('dev', token, 'GET', '/api/v2/user-blocks?identifier=x&consider_brute_force_enablement=maybe')).status).toBe(400);
  });

  it('counts per identifier across IPs in mode count_per_identifier; consider_brute_force_enablement follows the settings', async () => {
    await bruteForce(3, { mode: 'count_per_identifier' });
    const userId = await createUser('bf-any@example.com');
    await failTimes(1, 'bf-any@example.com', '192.0.2.40');
    await failTimes(1, 'bf-any@example.com', '192.0.2.41');
    await failTimes(1, 'bf-any@example.com', '192.0.2.42');
    expect(await realmLogin('bf-any@example.com', PASSWORD, '192.0.2.43')).toEqual({ status: 429, body: TOO_MANY });
    const blocks = await tls.api('dev', token, 'GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}`);
    expect(blocks.body).toEqual({ blocked_for: [{ identifier: 'bf-any@example.com', ip: '192.0.2.42', connection: REALM }] });

    await patch('brute-force-protection', { enabled: false });
    expect((await realmLogin('bf-any@example.com', PASSWORD, '192.0.2.43')).status).toBe(200);
    const considered = await tls.api('dev', token, 'GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}?consider_brute_force_enablement=true`);
    expect(considered.body).toEqual({ blocked_for: [] });
    // Without the flag, the block on record is listed although protection is off.
    expect((await tls.api('dev', token, 'GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).body.blocked_for).toHaveLength(1);
    await tls.api('dev', token, 'DELETE', `/api/v2/user-blocks/${encodeURIComponent(userId)}`);
  });

  it('never counts allowlisted addresses or ranges, nor connections with brute_force_protection off', async () => {
    await bruteForce(2, { allowlist: ['198.51.100.0/24', '2001:db8::/32'] });
    await createUser('bf-allow@example.com');
    await failTimes(4, 'bf-allow@example.com', '198.51.100.77');
    await failTimes(4, 'bf-allow@example.com', '2001:db8::5');
    expect((await realmLogin('bf-allow@example.com', PASSWORD, '198.51.100.77')).status).toBe(200);

    await bruteForce(2);
    const connection = await tls.api('dev', token, 'POST', '/api/v2/connections', { name: 'no-bfp', strategy: 'auth0', enabled_clients: [app.client_id], options: { brute_force_protection: false } });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'no-bfp', email: 'bf-off@example.com', password: PASSWORD });
    expect(user.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await realmLogin('bf-off@example.com', 'wrong', '192.0.2.50', { realm: 'no-bfp' })).status).toBe(403);
    expect((await realmLogin('bf-off@example.com', PASSWORD, '192.0.2.50', { realm: 'no-bfp' })).status).toBe(200);
  });

  it('shows the block on the hosted login page and lets a password reset lift it', async () => {
    await bruteForce(2);
    await createUser('bf-page@example.com');
    const browser = browserAt('192.0.2.60');
    for (let i = 0; i < 2; i++) {
      const wrong = await formLogin(browser, 'bf-page@example.com', 'not it');
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('Wrong email or password.');
    }
    const blocked = await formLogin(browser, 'bf-page@example.com', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain(escapeHtml(BLOCKED_MESSAGE));
    const failures = await logs('type:f', (e) => e.some((x) => x.description === BLOCKED_MESSAGE));
    expect(failures.find((x) => x.description === BLOCKED_MESSAGE)).toMatchObject({ ip: '192.0.2.60', details: { error: 'too_many_attempts' } });

    // Forgot password → reset → the block is gone.
    const page = await hostedPage(browser);
    const forgot = await (await browser.get(`${base}/u/reset-password/request?state=${page.state}`)).text();
    await browser.post(`${base}/u/reset-password/request`, { state: page.state, _csrf: inputValue(forgot, '_csrf'), email: 'bf-page@example.com' });
    const reset = (await outbox('bf-page@example.com', 2)).find((m) => m.text.includes('/u/reset-password?ticket='))!;
    const reader = new FormBrowser(tls);
    const form = await (await reader.get(linkIn(reset, '/u/reset-password'))).text();
    const changed = await reader.post(`${base}/u/reset-password`, { ticket: inputValue(form, 'ticket'), _csrf: inputValue(form, '_csrf'), password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    const loggedIn = await formLogin(browser, 'bf-page@example.com', NEW_PASSWORD);
    expect(loggedIn.status).toBe(302);
    expect(locationOf(loggedIn, base).searchParams.get('code')).toBeTruthy();
  });

  it('counts against auth0-forwarded-for only from a trusted confidential application', async () => {
    await bruteForce(2);
    await createUser('bf-forwarded@example.com');
    const forwardedFrom = (ip: string) => ({ 'auth0-forwarded-for': ip });
    // Not trusted yet: the header is ignored and the caller's address counts.
    for (let i = 0; i < 2; i++) expect((await realmLogin('bf-forwarded@example.com', 'wrong', '192.0.2.70', {}, forwardedFrom('203.0.113.1'))).status).toBe(403);
    expect((await realmLogin('bf-forwarded@example.com', PASSWORD, '192.0.2.70', {}, forwardedFrom('203.0.113.2'))).status).toBe(429);
    await tls.api('dev', token, 'DELETE', '/api/v2/user-blocks?identifier=bf-forwarded@example.com');

    expect((await tls.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { is_token_endpoint_ip_header_trusted: true })).status).toBe(200);
    try {
      for (let i = 0; i < 2; i++) expect((await realmLogin('bf-forwarded@example.com', 'wrong', '192.0.2.70', {}, forwardedFrom('203.0.113.5'))).status).toBe(403);
      // The end user at 203.0.113.5 is blocked; the backend's own address and other users are not.
      expect((await realmLogin('bf-forwarded@example.com', PASSWORD, '192.0.2.70', {}, forwardedFrom('203.0.113.5'))).status).toBe(429);
      expect((await realmLogin('bf-forwarded@example.com', PASSWORD, '192.0.2.70', {}, forwardedFrom('203.0.113.6'))).status).toBe(200);
      expect((await tls.api('dev', token, 'GET', '/api/v2/user-blocks?identifier=bf-forwarded@example.com')).body.blocked_for).toEqual([
        { identifier: 'bf-forwarded@example.com', ip: '203.0.113.5', connection: REALM },
      ]);
    } finally {
      await tls.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { is_token_endpoint_ip_header_trusted: false });
    }
  });

  it("keeps tenants apart: acme can neither see nor lift dev's blocks", async () => {
    await bruteForce(2);
    const userId = await createUser('bf-tenant@example.com');
    await failTimes(2, 'bf-tenant@example.com', '192.0.2.80');
    expect((await tls.api('acme', acmeToken, 'GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).status).toBe(404);
    expect((await tls.api('acme', acmeToken, 'DELETE', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).status).toBe(404);
    expect(await tls.api('acme', acmeToken, 'GET', '/api/v2/user-blocks?identifier=bf-tenant@example.com')).toEqual({ status: 200, body: { blocked_for: [] } });
    expect((await tls.api('acme', acmeToken, 'DELETE', '/api/v2/user-blocks?identifier=bf-tenant@example.com')).status).toBe(204);
    expect((await realmLogin('bf-tenant@example.com', PASSWORD, '192.0.2.80')).status).toBe(429);
    expect((await tls.api('dev', token, 'GET', '/api/v2/user-blocks?identifier=bf-tenant@example.com')).body.blocked_for).toHaveLength(1);
    // An unblock link of dev does nothing on acme's host.
    const link = linkIn((await outbox('bf-tenant@example.com'))[0]!, '/u/unblock');
    const acmeLink = link.replace(tls.hostOf('dev'), tls.hostOf('acme'));
    expect((await new FormBrowser(tls).get(acmeLink)).status).toBe(400);
    expect((await new FormBrowser(tls).post(`https://${tls.hostOf('acme')}/u/unblock`, { ticket: new URL(link).searchParams.get('ticket')! })).status).toBe(400);
    expect((await realmLogin('bf-tenant@example.com', PASSWORD, '192.0.2.80')).status).toBe(429);
  });

  it('answers blocked_user for an administrator block, which the user-blocks API does not lift', async () => {
    await bruteForce(3);
    const userId = await createUser('admin-blocked@example.com', { blocked: true });
    expect(await realmLogin('admin-blocked@example.com', PASSWORD, '192.0.2.90')).toEqual({ status: 401, body: { error: 'unauthorized', error_description: 'user is blocked' } });
    expect(await realmLogin('admin-blocked@example.com', 'wrong', '192.0.2.90')).toEqual({ status: 403, body: WRONG });
    await tls.api('dev', token, 'DELETE', `/api/v2/user-blocks/${encodeURIComponent(userId)}`);
    expect((await realmLogin('admin-blocked@example.com', PASSWORD, '192.0.2.90')).status).toBe(401);
    const page = await formLogin(browserAt('192.0.2.90'), 'admin-blocked@example.com', PASSWORD);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('Your account has been blocked.');
  });
});

describe('suspicious IP throttling', () => {
  it('refuses an IP after max_attempts failed logins across accounts, except allowlisted ones', async () => {
    await bruteForce(10);
    await patch('suspicious-ip-throttling', { enabled: true, shields: ['block', 'admin_notification'], allowlist: ['203.0.113.128/25'], stage: { 'pre-login': { max_attempts: 3, rate: 864000 } } });
    // Administrators are notified at the tenant's support address.
    expect((await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { support_email: 'security@example.com' })).status).toBe(200);
    await createUser('sit-victim@example.com');
    for (const name of ['a', 'b', 'c']) expect((await realmLogin(`sit-${name}@example.com`, 'guess', '203.0.113.10')).status).toBe(403);
    // The IP is throttled: every login from it is refused, the right password included.
    expect(await realmLogin('sit-victim@example.com', PASSWORD, '203.0.113.10')).toEqual({ status: 429, body: SUSPICIOUS });
    const page = await formLogin(browserAt('203.0.113.10'), 'sit-victim@example.com', PASSWORD);
    expect(page.status).toBe(429);
    expect(await page.text()).toContain(escapeHtml(SUSPICIOUS_MESSAGE));
    // Other IPs are not, and neither is an allowlisted one however often it fails.
    expect((await realmLogin('sit-victim@example.com', PASSWORD, '203.0.113.11')).status).toBe(200);
    for (const name of ['d', 'e', 'f', 'g']) expect((await realmLogin(`sit-${name}@example.com`, 'guess', '203.0.113.200')).status).toBe(403);
    expect((await realmLogin('sit-victim@example.com', PASSWORD, '203.0.113.200')).status).toBe(200);

    const [event] = await logs('type:limit_mu');
    expect(event).toMatchObject({ type: 'limit_mu', ip: '203.0.113.10' });
    expect(event.details).toMatchObject({ stage: 'pre-login', max_attempts: 3 });
    const [notice] = await outbox('security@example.com');
    expect(notice.subject).toContain('Suspicious activity from 203.0.113.10');
    expect(notice.text).toContain('3 failed login attempts');

    // Without the block shield the IP is only reported.
    await patch('suspicious-ip-throttling', { shields: ['admin_notification'] });
    expect((await realmLogin('sit-victim@example.com', PASSWORD, '203.0.113.10')).status).toBe(200);
    await patch('suspicious-ip-throttling', { shields: ['admin_notification', 'block'], allowlist: [], stage: { 'pre-login': { max_attempts: 100 } } });
    // Raising max_attempts gives the IP its allowance back.
    expect((await realmLogin('sit-victim@example.com', PASSWORD, '203.0.113.10')).status).toBe(200);
  });

  it('refuses signups from an IP beyond the pre-user-registration allowance', async () => {
    await patch('suspicious-ip-throttling', { enabled: true, shields: ['block'], allowlist: [], stage: { 'pre-user-registration': { max_attempts: 2, rate: 1728000 } } });
    const signup = async (browser: FormBrowser, email: string) => {
      const page = await hostedPage(browser, { screen_hint: 'signup' });
      expect(page.html).toContain('action="/u/signup"');
      return browser.post(`${base}/u/signup`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), email, password: PASSWORD });
    };
    const browser = browserAt('203.0.113.30');
    expect((await signup(browser, 'sit-signup-1@example.com')).status).toBe(302);
    expect((await signup(browserAt('203.0.113.30'), 'sit-signup-2@example.com')).status).toBe(302);
    const refused = await signup(browserAt('203.0.113.30'), 'sit-signup-3@example.com');
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain(escapeHtml(SUSPICIOUS_MESSAGE));
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=sit-signup-3@example.com')).body).toEqual([]);
    expect((await signup(browserAt('203.0.113.31'), 'sit-signup-3@example.com')).status).toBe(302);
    expect((await logs('type:limit_mu', (e) => e.some((x) => x.ip === '203.0.113.30'))).find((x) => x.ip === '203.0.113.30')!.details).toMatchObject({ stage: 'pre-user-registration' });
    await patch('suspicious-ip-throttling', { stage: { 'pre-user-registration': { max_attempts: 50 } } });
  });
});

describe('breached password detection', () => {
  it('blocks a login with a breached password (block shield), on the token endpoint and the hosted page', async () => {
    await patch('breached-password-detection', { enabled: true, shields: ['block'], stage: { 'pre-user-registration': { shields: [] }, 'pre-change-password': { shields: [] } } });
    const userId = await createUser('leaked@example.com', { password: BREACHED });
    const res = await realmLogin('leaked@example.com', BREACHED, '192.0.2.100');
    expect(res).toEqual({
      status: 401,
      body: { error: 'password_leaked', error_description: 'This login has been blocked because your password has been leaked in another website. We’ve sent you an email with instructions on how to unblock it.' },
    });
    const page = await formLogin(browserAt('192.0.2.100'), 'leaked@example.com', BREACHED);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('We have detected a potential security issue with this account.');
    // A wrong password is just wrong (and says nothing about the breach).
    expect(await realmLogin('leaked@example.com', 'Password2', '192.0.2.100')).toEqual({ status: 403, body: WRONG });
    expect((await logs('type:pwd_leak'))[0]).toMatchObject({ user_id: userId, ip: '192.0.2.100' });
    // No notification shield, no email.
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=leaked@example.com')).body).toEqual([]);
    // Off again: the same password logs in.
    await patch('breached-password-detection', { enabled: false });
    expect((await realmLogin('leaked@example.com', BREACHED, '192.0.2.100')).status).toBe(200);
  });

  it('refuses a breached password at signup and at password reset when the stage blocks', async () => {
    await patch('breached-password-detection', { enabled: true, shields: [], stage: { 'pre-user-registration': { shields: ['block'] }, 'pre-change-password': { shields: ['block'] } } });
    const browser = browserAt('192.0.2.120');
    const page = await hostedPage(browser, { screen_hint: 'signup' });
    const refused = await browser.post(`${base}/u/signup`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), email: 'leaked-signup@example.com', password: BREACHED });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('This combination of credentials was detected in a public data breach on another website.');
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=leaked-signup@example.com')).body).toEqual([]);
    expect((await logs('type:signup_pwd_leak'))[0]).toMatchObject({ ip: '192.0.2.120' });
    const again = await hostedPage(browser, { screen_hint: 'signup' });
    expect((await browser.post(`${base}/u/signup`, { state: again.state, _csrf: inputValue(again.html, '_csrf'), email: 'leaked-signup@example.com', password: PASSWORD })).status).toBe(302);

    const userId = await createUser('leaked-reset@example.com');
    const requester = browserAt('192.0.2.121');
    const login = await hostedPage(requester);
    const forgot = await (await requester.get(`${base}/u/reset-password/request?state=${login.state}`)).text();
    await requester.post(`${base}/u/reset-password/request`, { state: login.state, _csrf: inputValue(forgot, '_csrf'), email: 'leaked-reset@example.com' });
    const [message] = await outbox('leaked-reset@example.com');
    const reader = new FormBrowser(tls);
    const form = await (await reader.get(linkIn(message, '/u/reset-password'))).text();
    const fields = { ticket: inputValue(form, 'ticket'), _csrf: inputValue(form, '_csrf') };
    const breached = await reader.post(`${base}/u/reset-password`, { ...fields, password: BREACHED, password_confirmation: BREACHED });
    expect(breached.status).toBe(400);
    expect(await breached.text()).toContain('This password was detected in a public data breach on another website.');
    expect((await logs('type:reset_pwd_leak'))[0]).toMatchObject({ user_id: userId });
    // The ticket still works for a good password.
    expect((await reader.post(`${base}/u/reset-password`, { ...fields, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })).status).toBe(200);

    // A stage without `block` only logs.
    await patch('breached-password-detection', { stage: { 'pre-user-registration': { shields: ['admin_notification'] } } });
    const newcomer = browserAt('192.0.2.122');
    const third = await hostedPage(newcomer, { screen_hint: 'signup' });
    expect((await newcomer.post(`${base}/u/signup`, { state: third.state, _csrf: inputValue(third.html, '_csrf'), email: 'leaked-allowed@example.com', password: BREACHED })).status).toBe(302);
    expect((await logs('type:signup_pwd_leak', (e) => e.length >= 2))[0]).toMatchObject({ details: { blocked: false } });
    await patch('breached-password-detection', { enabled: false });
  });

  it("reaches the SDK as Auth0's password_leaked error (v4 AuthenticationClient)", async () => {
    await patch('breached-password-detection', { enabled: true, shields: ['block'] });
    await createUser('leaked-sdk@example.com', { password: BREACHED });
    const auth = new AuthenticationClient({ domain: tls.hostOf('dev'), clientId: app.client_id, clientSecret: app.client_secret, fetch: tls.caFetch });
    const error = await thrown(auth.oauth.passwordGrant({ username: 'leaked-sdk@example.com', password: BREACHED, realm: REALM }));
    expect(error).toMatchObject({ error: 'password_leaked', statusCode: 401 });
    await patch('breached-password-detection', { enabled: false });
  });
});
