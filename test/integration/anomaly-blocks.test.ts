/**
 * `/api/v2/anomaly/blocks/ips/{id}` over real TLS (raw HTTP and the v7 SDK): an IP throttled by
 * suspicious IP throttling (at login and at signup) shows as blocked, DELETE gives it its allowance
 * back, either spelling of an IPv6 address names the same block, malformed ids are 400, scopes are
 * enforced and tenants are kept apart. Also: a password change through `PATCH /api/v2/users/{id}`
 * lifts the user's brute-force blocks (every IP) and logs `ublkdu`.
 *
 * The server trusts X-Forwarded-For (TRUST_PROXY); each test speaks from its own documentation
 * addresses (RFC 5737, RFC 3849), so no test's counters reach another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { eventually } from '../support/eventually.js';

const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const PASSWORD = 'Xk9#mTq2!vLp';
const NEW_PASSWORD = 'Vb7$wQz4@nRt';
const SUSPICIOUS = { error: 'too_many_attempts', error_description: 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.' };
const NOT_BLOCKED = { statusCode: 404, error: 'Not Found', message: 'IP address specified is not currently blocked.', errorCode: 'not_found' };

type Json = Record<string, any>;

let tls: TlsTestServer;
let token: string;
let acmeToken: string;
let base: string;
let app: { client_id: string; client_secret: string };

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme'], { env: { TRUST_PROXY: 'true' } });
  await tls.server.createTenant('acme');
  token = await tls.tokenFor('dev');
  acmeToken = await tls.tokenFor('acme');
  base = `https://${tls.hostOf('dev')}`;
  const res = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Backend', app_type: 'regular_web', grant_types: ['password', REALM_GRANT], jwt_configuration: { alg: 'HS256' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  app = res.body;
});
afterAll(async () => tls?.close());

async function patch(feature: string, body: Json): Promise<void> {
  const res = await tls.api('dev', token, 'PATCH', `/api/v2/attack-protection/${feature}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function createUser(email: string): Promise<string> {
  const res = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: REALM, email, password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.user_id;
}

/** A fetch that says it comes from `ip` (the server trusts X-Forwarded-For). */
function fromIp(ip: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-forwarded-for', ip);
    return tls.caFetch(input, { ...init, headers });
  };
}

async function login(username: string, password: string, ip: string): Promise<{ status: number; body: Json }> {
  const res = await fromIp(ip)(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: REALM_GRANT, realm: REALM, username, password, client_id: app.client_id, client_secret: app.client_secret }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function signup(email: string, ip: string): Promise<number> {
  const res = await fromIp(ip)(`${base}/dbconnections/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: app.client_id, connection: REALM, email, password: PASSWORD }),
  });
  return res.status;
}

/** Failed logins for `n` different (unknown) accounts: the IP loses a token each time, no identifier is blocked. */
async function sprayFrom(ip: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await login(`spray-${i}-${ip}@example.com`, 'guess', ip)).status).toBe(403);
}

const path = (ip: string) => `/api/v2/anomaly/blocks/ips/${encodeURIComponent(ip)}`;
const check = (ip: string, tenant = 'dev', bearer = token) => tls.api(tenant, bearer, 'GET', path(ip));
const unblock = (ip: string, tenant = 'dev', bearer = token) => tls.api(tenant, bearer, 'DELETE', path(ip));

describe('/api/v2/anomaly/blocks/ips/{id}', () => {
  it('shows an IP throttled at login as blocked until DELETE gives it its allowance back (v7 SDK too)', async () => {
    await patch('suspicious-ip-throttling', { enabled: true, shields: ['block'], allowlist: [], stage: { 'pre-login': { max_attempts: 2, rate: 864000 } } });
    await createUser('anomaly-victim@example.com');
    const ip = '203.0.113.20';
    expect(await check(ip)).toEqual({ status: 404, body: NOT_BLOCKED });
    await sprayFrom(ip, 2);
    expect(await login('anomaly-victim@example.com', PASSWORD, ip)).toEqual({ status: 429, body: SUSPICIOUS });

    const blocked = await check(ip);
    expect(blocked.status).toBe(200);
    const management = tls.v7('dev');
    await expect(management.anomaly.blocks.checkIp(ip)).resolves.toBeUndefined();
    // Another address is not blocked; the SDK surfaces the 404 as NotFoundError.
    expect(await check('203.0.113.21')).toEqual({ status: 404, body: NOT_BLOCKED });
    await expect(management.anomaly.blocks.checkIp('203.0.113.21')).rejects.toMatchObject({ statusCode: 404 });

    // Only refusing counts as blocked: with the block shield off the IP is merely reported.
    await patch('suspicious-ip-throttling', { shields: ['admin_notification'] });
    expect((await check(ip)).status).toBe(404);
    await patch('suspicious-ip-throttling', { shields: ['block'] });
    expect((await check(ip)).status).toBe(200);

    await expect(management.anomaly.blocks.unblockIp(ip)).resolves.toBeUndefined();
    expect(await check(ip)).toEqual({ status: 404, body: NOT_BLOCKED });
    expect((await login('anomaly-victim@example.com', PASSWORD, ip)).status).toBe(200);
    // The allowance is whole again: two more failures to block it, not one.
    await sprayFrom(ip, 1);
    expect((await check(ip)).status).toBe(404);
    await sprayFrom(ip, 1);
    expect((await check(ip)).status).toBe(200);
    // DELETE of an address that is not blocked is a no-op 204, as on Auth0.
    expect((await unblock('203.0.113.22')).status).toBe(204);
    expect((await unblock(ip)).status).toBe(204);
    await patch('suspicious-ip-throttling', { stage: { 'pre-login': { max_attempts: 100 } } });
  });

  it('covers signup throttling too, either spelling of an IPv6 address, and its whole /64', async () => {
    await patch('suspicious-ip-throttling', { enabled: true, shields: ['block'], allowlist: [], stage: { 'pre-user-registration': { max_attempts: 1, rate: 1728000 } } });
    const ip = '2001:db8:0:0::20';
    expect(await signup('anomaly-signup-1@example.com', ip)).toBe(200);
    expect(await signup('anomaly-signup-2@example.com', ip)).toBe(429);
    expect((await check('2001:DB8::20')).status).toBe(200);
    // IPv6 clients are counted by their /64: another address of it is throttled too, another /64 is not.
    expect((await check('2001:db8::21')).status).toBe(200);
    expect(await signup('anomaly-signup-3@example.com', '2001:db8::ffff:21')).toBe(429);
    expect((await check('2001:db8:0:1::20')).status).toBe(404);
    expect((await unblock('2001:0db8:0000:0000:0000:0000:0000:0020')).status).toBe(204);
    expect((await check('2001:db8::20')).status).toBe(404);
    expect((await check('2001:db8::21')).status).toBe(404);
    expect(await signup('anomaly-signup-2@example.com', ip)).toBe(200);
    await patch('suspicious-ip-throttling', { stage: { 'pre-user-registration': { max_attempts: 50 } } });
  });

  it('answers 400 for an id that is not an IPv4 or IPv6 address', async () => {
    for (const bad of ['1.2.3', '1.2.3.256', '1.2.3.4.5', 'not-an-ip', '203.0.113.0/24', 'fe80::1%eth0', '2001:db8:::1', ' 1.2.3.4']) {
      for (const [method, purpose] of [['GET', 'check'], ['DELETE', 'unblock']] as const) {
        const res = await tls.api('dev', token, method, path(bad));
        expect(res, `${method} ${bad}`).toEqual({
          status: 400,
          body: { statusCode: 400, error: 'Bad Request', message: `Path validation error: 'String is not an IPv4 or IPv6 address' on property id (IP address to ${purpose}).`, errorCode: 'invalid_uri' },
        });
      }
    }
  });

  it('needs read:anomaly_blocks to check and delete:anomaly_blocks to unblock', async () => {
    const reader = await tls.tokenFor('dev', { scope: 'read:anomaly_blocks' });
    const deleter = await tls.tokenFor('dev', { scope: 'delete:anomaly_blocks' });
    const other = await tls.tokenFor('dev', { scope: 'read:users update:users read:attack_protection' });
    const ip = '198.51.100.30';
    expect((await check(ip, 'dev', reader)).status).toBe(404);
    expect((await check(ip, 'dev', deleter)).body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
    expect((await check(ip, 'dev', other)).status).toBe(403);
    expect((await unblock(ip, 'dev', reader)).body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
    expect((await unblock(ip, 'dev', other)).status).toBe(403);
    expect((await unblock(ip, 'dev', deleter)).status).toBe(204);
    expect((await tls.caFetch(`${base}${path(ip)}`)).status).toBe(401);
  });

  it("keeps tenants apart: acme can neither see nor lift dev's IP block", async () => {
    await patch('suspicious-ip-throttling', { enabled: true, shields: ['block'], allowlist: [], stage: { 'pre-login': { max_attempts: 1, rate: 864000 } } });
    const ip = '198.51.100.40';
    await sprayFrom(ip, 1);
    expect((await check(ip)).status).toBe(200);
    expect(await check(ip, 'acme', acmeToken)).toEqual({ status: 404, body: NOT_BLOCKED });
    expect((await unblock(ip, 'acme', acmeToken)).status).toBe(204);
    expect((await check(ip)).status).toBe(200);
    expect(await login('anyone@example.com', PASSWORD, ip)).toEqual({ status: 429, body: SUSPICIOUS });
    expect((await unblock(ip)).status).toBe(204);
    await patch('suspicious-ip-throttling', { stage: { 'pre-login': { max_attempts: 100 } } });
  });
});

describe('password change through the Management API', () => {
  it("lifts the user's brute-force blocks from every IP and logs ublkdu; other changes do not", async () => {
    await patch('brute-force-protection', { enabled: true, shields: ['block'], mode: 'count_per_identifier_and_ip', allowlist: [], max_attempts: 2 });
    const userId = await createUser('pwchange-blocked@example.com');
    const user = `/api/v2/users/${encodeURIComponent(userId)}`;
    // A user with failures but no block: its password change releases nothing, so no ublkdu.
    const unblockedId = await createUser('pwchange-failures@example.com');
    expect((await login('pwchange-failures@example.com', 'wrong', '192.0.2.60')).status).toBe(403);
    expect((await tls.api('dev', token, 'PATCH', `/api/v2/users/${encodeURIComponent(unblockedId)}`, { password: NEW_PASSWORD })).status).toBe(200);

    for (const ip of ['192.0.2.61', '192.0.2.62']) {
      for (let i = 0; i < 2; i++) expect((await login('pwchange-blocked@example.com', 'wrong', ip)).status).toBe(403);
      expect((await login('pwchange-blocked@example.com', PASSWORD, ip)).body.error).toBe('too_many_attempts');
    }
    expect((await tls.api('dev', token, 'GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).body.blocked_for).toHaveLength(2);
    // Changing anything but the password leaves the blocks in place.
    expect((await tls.api('dev', token, 'PATCH', user, { given_name: 'Ada' })).status).toBe(200);
    expect((await login('pwchange-blocked@example.com', PASSWORD, '192.0.2.61')).status).toBe(429);

    const changed = await tls.api('dev', token, 'PATCH', user, { password: NEW_PASSWORD });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.user_id).toBe(userId);
    expect((await tls.api('dev', token, 'GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).body).toEqual({ blocked_for: [] });
    for (const ip of ['192.0.2.61', '192.0.2.62']) expect((await login('pwchange-blocked@example.com', NEW_PASSWORD, ip)).status).toBe(200);

    const entries = await eventually(
      async () => (await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:ublkdu')}`)).body as any[],
      (e) => e.some((x) => x.user_id === userId),
      5_000,
    );
    expect(entries.find((x) => x.user_id === userId)).toMatchObject({ type: 'ublkdu', description: 'User block released: password changed' });
    expect(entries.some((x) => x.user_id === unblockedId)).toBe(false);
    await patch('brute-force-protection', { shields: ['block', 'user_notification'], max_attempts: 10 });
  });
});
