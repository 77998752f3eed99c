/**
 * Attack protection cases about time, on the in-process server and its TestClock: where the spawned
 * tier (test/integration/attack-protection.test.ts, which keeps the rest of the feature) slept, the
 * clock is advanced or the emails and logs handed off the request path are awaited (`drain`).
 *  - an unblock link lifts the block it was sent for, not one that began after it (the new block
 *    begins strictly later: the clock is moved on instead of sleeping 5 ms);
 *  - a breached password emails the user at most once an hour (no second email: the sends are
 *    awaited instead of sleeping 300 ms; and a second one an hour later, the clock moved on).
 *
 * The server trusts X-Forwarded-For (TRUST_PROXY), so each test speaks from its own documentation
 * IP addresses (RFC 5737) and counters of one test never reach another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue } from '../support/form-browser.js';

const REALM = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const PASSWORD = 'Xk9#mTq2!vLp';
/** On the bundled breached list (as `password1`), and strong enough for the connection's "good" policy. */
const BREACHED = 'Password1';

const BLOCKED_MESSAGE = "Your account has been blocked after multiple consecutive login attempts. We've sent you an email with instructions on how to unblock it.";
const WRONG = { error: 'invalid_grant', error_description: 'Wrong email or password.' };
const TOO_MANY = { error: 'too_many_attempts', error_description: BLOCKED_MESSAGE };

type Json = Record<string, any>;

let server: InProcessServer;
let token: string;
let base: string;
let app: { client_id: string; client_secret: string };

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  base = server.originOf('dev');
  const created = await server.api('dev', token, 'POST', '/api/v2/clients', { name: 'Backend', app_type: 'regular_web', grant_types: ['password', REALM_GRANT], jwt_configuration: { alg: 'HS256' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  app = created.body;
});
afterAll(async () => server?.close());

async function createUser(email: string, extra: Json = {}): Promise<string> {
  const res = await server.api('dev', token, 'POST', '/api/v2/users', { connection: REALM, email, password: PASSWORD, email_verified: true, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.user_id;
}

async function patch(feature: string, body: Json): Promise<Json> {
  const res = await server.api('dev', token, 'PATCH', `/api/v2/attack-protection/${feature}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Brute-force protection blocking after `max` failures per identifier and IP. */
async function bruteForce(max: number, extra: Json = {}): Promise<void> {
  await patch('brute-force-protection', { enabled: true, shields: ['block', 'user_notification'], mode: 'count_per_identifier_and_ip', allowlist: [], max_attempts: max, ...extra });
}

/** A fetch that says it comes from `ip` (the server trusts X-Forwarded-For). */
function fromIp(ip: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-forwarded-for', ip);
    return server.fetch(input, { ...init, headers });
  };
}

async function realmLogin(username: string, password: string, ip: string): Promise<{ status: number; body: Json }> {
  const res = await fromIp(ip)(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: REALM_GRANT, realm: REALM, username, password, client_id: app.client_id, client_secret: app.client_secret }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function failTimes(n: number, username: string, ip: string): Promise<void> {
  for (let i = 0; i < n; i++) expect(await realmLogin(username, 'wrong password', ip)).toEqual({ status: 403, body: WRONG });
}

/** The log entries `q` finds once every event recorded so far is written. */
async function logs(q: string): Promise<any[]> {
  await server.drain();
  return (await server.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(q)}`)).body as any[];
}

/** The messages to `to`, newest first, once every email sent so far is stored. */
async function outbox(to: string): Promise<any[]> {
  await server.drain();
  return (await server.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`)).body as any[];
}

const linkIn = (message: { text: string }, path: string): string => new RegExp(`https://\\S+${path.replace('/', '\\/')}\\?ticket=\\S+`).exec(message.text)![0];

/** A browser for the hosted pages, served in process. */
const browser = () => new FormBrowser({ caFetch: server.fetch });

describe('brute-force protection', () => {
  it('an unblock link lifts the block it was sent for, not one that began after it', async () => {
    await bruteForce(3);
    const userId = await createUser('bf-relink@example.com');
    await failTimes(3, 'bf-relink@example.com', '192.0.2.92');
    const sent = await outbox('bf-relink@example.com');
    expect(sent).toHaveLength(1);
    const oldLink = linkIn(sent[0], '/u/unblock');
    // An administrator lifts that block; later the account is blocked again.
    expect((await server.api('dev', token, 'DELETE', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).status).toBe(204);
    server.clock.advance(5); // the new block begins strictly after the link was sent
    await failTimes(3, 'bf-relink@example.com', '192.0.2.92');
    const resent = await outbox('bf-relink@example.com');
    expect(resent.length).toBeGreaterThanOrEqual(2);
    const newLink = linkIn(resent[0], '/u/unblock');
    expect(newLink).not.toBe(oldLink);

    const unblock = async (link: string) => {
      const reader = browser();
      const page = await (await reader.get(link)).text();
      return reader.post(`${base}/u/unblock`, { ticket: inputValue(page, 'ticket') });
    };
    expect((await unblock(oldLink)).status).toBe(200);
    expect(await realmLogin('bf-relink@example.com', PASSWORD, '192.0.2.92')).toEqual({ status: 429, body: TOO_MANY });
    expect((await unblock(newLink)).status).toBe(200);
    expect((await realmLogin('bf-relink@example.com', PASSWORD, '192.0.2.92')).status).toBe(200);
  });
});

describe('breached password detection', () => {
  it('lets the login through but emails the user a reset link (user_notification shield), at most once an hour', async () => {
    await patch('breached-password-detection', { enabled: true, shields: ['user_notification'] });
    await createUser('leaked-notify@example.com', { password: BREACHED });
    expect((await realmLogin('leaked-notify@example.com', BREACHED, '192.0.2.110')).status).toBe(200);
    expect((await realmLogin('leaked-notify@example.com', BREACHED, '192.0.2.110')).status).toBe(200);
    const [message] = await outbox('leaked-notify@example.com');
    expect(message.subject).toContain('data breach');
    const reset = await browser().get(linkIn(message, '/u/reset-password'));
    expect(reset.status).toBe(200);
    expect(await reset.text()).toContain('leaked-notify@example.com');
    expect(await outbox('leaked-notify@example.com')).toHaveLength(1);
    // Each breached login is logged, emailed or not (the spawned tier counted a third, from its previous case).
    expect((await logs('type:pwd_leak')).filter((entry) => entry.ip === '192.0.2.110')).toHaveLength(2);
    // An hour on, the next breached login emails again.
    server.clock.advance(3600 * 1000 + 1_000);
    expect((await realmLogin('leaked-notify@example.com', BREACHED, '192.0.2.110')).status).toBe(200);
    expect(await outbox('leaked-notify@example.com')).toHaveLength(2);
    await patch('breached-password-detection', { enabled: false });
  });
});
