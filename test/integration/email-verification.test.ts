/**
 * Email verification over real TLS: the verification email after a database sign-up (hosted page and
 * `/dbconnections/signup`), its one-time link to `/u/email-verification` that marks the address
 * verified, `POST /api/v2/users` with `verify_email`, `POST /api/v2/jobs/verification-email` and
 * `POST /api/v2/tickets/email-verification` through the official v7 SDK (`result_url` redirects with
 * Auth0's parameters), bad input, scopes, logs, and tenant isolation. The expiry of `ttl_sec` runs
 * in-process on a TestClock (test/in-process/expiry.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationClient } from 'auth0-v4';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser, inputValue, openHostedPage } from '../support/form-browser.js';
import { eventually } from '../support/eventually.js';

const DB = 'Username-Password-Authentication';
const PASSWORD = 'Xk9#mTq2!vLp';
const CALLBACK = 'https://app.example.com/callback';
const RESULT_URL = 'https://app.example.com/verified?from=email';
const VERIFIED = 'Your email was verified. You can continue using the application.';
const USED_ONCE = 'This URL can be used only once';

let tls: TlsTestServer;
let token: string;
let acmeToken: string;
let base: string;
let web: { client_id: string; name: string };

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  token = await tls.tokenFor('dev');
  acmeToken = await tls.tokenFor('acme');
  base = `https://${tls.hostOf('dev')}`;
  web = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK], initiate_login_uri: 'https://app.example.com/login' })).body;
});
afterAll(async () => tls?.close());

async function createUser(email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: DB, email, password: PASSWORD, ...extra });
  expect(res.status).toBe(201);
  return res.body.user_id;
}

async function outbox(to: string, expected = 1, tenant = 'dev', mgmt = token): Promise<any[]> {
  return eventually(
    async () => (await tls.api(tenant, mgmt, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`)).body as any[],
    (messages) => messages.length >= expected,
    5_000,
  );
}

async function logs(type: string, predicate: (entry: any) => boolean): Promise<any[]> {
  return eventually(
    async () => ((await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(`type:${type}`)}`)).body as any[]).filter(predicate),
    (entries) => entries.length >= 1,
  );
}

const linkIn = (message: { text: string }): string => /https:\/\/\S+\/u\/email-verification\?ticket=\S+/.exec(message.text)![0];
const verifiedFlag = async (userId: string, tenant = 'dev', mgmt = token): Promise<boolean> =>
  (await tls.api(tenant, mgmt, 'GET', `/api/v2/users/${encodeURIComponent(userId)}`)).body.email_verified;

describe('the verification email after sign-up', () => {
  it('goes out after /dbconnections/signup; its link verifies the address once, with sv/svr logs', async () => {
    const auth = new AuthenticationClient({ domain: tls.hostOf('dev'), clientId: web.client_id, fetch: tls.caFetch });
    const { data } = await auth.database.signUp({ connection: DB, email: 'Grace@Example.com', password: PASSWORD });
    expect(data.email_verified).toBe(false);
    const [message] = await outbox('grace@example.com');
    expect(message).toMatchObject({ to: 'grace@example.com', subject: 'Verify your email for dev' });
    const link = linkIn(message);
    expect(link.startsWith(`${base}/u/email-verification?ticket=`)).toBe(true);
    expect(message.html).toContain(link.replace(/&/g, '&amp;'));

    const userId = `auth0|${data.id}`;
    expect(await verifiedFlag(userId)).toBe(false);
    const page = await new FormBrowser(tls).get(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(VERIFIED);
    expect(html).toContain('href="https://app.example.com/login"'); // back to the application signed up to
    expect(await verifiedFlag(userId)).toBe(true);

    const again = await new FormBrowser(tls).get(link);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain(USED_ONCE);
    expect(await logs('svr', (e) => e.user_id === userId)).toEqual([expect.objectContaining({ client_id: web.client_id })]);
    expect(await logs('sv', (e) => e.user_id === userId)).toHaveLength(1);
    expect((await logs('fv', (e) => e.user_id === userId))[0]).toMatchObject({ description: USED_ONCE });
  });

  it('goes out after the hosted signup page, with a link to the same host', async () => {
    const browser = new FormBrowser(tls);
    const authorize = `${base}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', screen_hint: 'signup' })}`;
    const { url, html, state } = await openHostedPage(browser, authorize);
    expect(url.pathname).toBe('/u/signup');
    const done = await browser.post(`${base}/u/signup`, { state, _csrf: inputValue(html, '_csrf'), email: 'hopper@example.com', password: PASSWORD });
    expect(done.status).toBe(302);
    const [message] = await outbox('hopper@example.com');
    expect(linkIn(message).startsWith(`${base}/u/email-verification?ticket=`)).toBe(true);
  });

  it('is not sent for a refused sign-up, and an unknown or missing ticket shows an error page', async () => {
    const auth = new AuthenticationClient({ domain: tls.hostOf('dev'), clientId: web.client_id, fetch: tls.caFetch });
    await expect(auth.database.signUp({ connection: DB, email: 'weak@example.com', password: 'password' })).rejects.toThrow();
    for (const path of ['/u/email-verification', '/u/email-verification?ticket=', '/u/email-verification?ticket=not-a-ticket']) {
      const res = await tls.caFetch(`${base}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This link has expired or has already been used.');
    }
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=weak@example.com')).body).toEqual([]);
  });
});

describe('POST /api/v2/users verify_email', () => {
  it('sends the email with verify_email: true, and nothing with verify_email: false', async () => {
    await createUser('quiet@example.com', { verify_email: false });
    const userId = await createUser('asked@example.com', { verify_email: true });
    const [message] = await outbox('asked@example.com');
    expect((await new FormBrowser(tls).get(linkIn(message))).status).toBe(200);
    expect(await verifiedFlag(userId)).toBe(true);
    // The asked-for email has arrived, so one for quiet@ would have too.
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=quiet@example.com')).body).toEqual([]);
  });

  it("without verify_email follows email_verified, as Auth0 does: an unverified address gets the email, a verified one nothing", async () => {
    await createUser('already@example.com', { email_verified: true });
    const userId = await createUser('default@example.com');
    const [message] = await outbox('default@example.com');
    expect((await new FormBrowser(tls).get(linkIn(message))).status).toBe(200);
    expect(await verifiedFlag(userId)).toBe(true);
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=already@example.com')).body).toEqual([]);
  });
});

describe('POST /api/v2/jobs/verification-email', () => {
  it('sends the email (v7 SDK) and answers a completed verification_email job', async () => {
    const userId = await createUser('job@example.com', { verify_email: false });
    const job = await tls.v7('dev').jobs.verificationEmail.create({ user_id: userId, client_id: web.client_id });
    expect(job).toEqual({ type: 'verification_email', status: 'completed', created_at: expect.any(String), id: expect.stringMatching(/^job_[A-Za-z0-9]{16}$/) });
    const [message] = await outbox('job@example.com');
    const page = await new FormBrowser(tls).get(linkIn(message));
    expect(page.status).toBe(200);
    // The job named the application, which offers the way back to its login.
    expect(await page.text()).toContain('href="https://app.example.com/login"');
    expect(await verifiedFlag(userId)).toBe(true);
  });

  it('answers bad input with 400 and unknown users or applications with 404', async () => {
    const userId = await createUser('job-bad@example.com', { verify_email: false });
    const post = (body: unknown) => tls.api('dev', token, 'POST', '/api/v2/jobs/verification-email', body);
    for (const body of [{}, { user_id: '' }, { user_id: 42 }, { user_id: userId, extra: true }, { user_id: userId, identity: { provider: 'auth0' } }]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect((await post({ user_id: userId, identity: { user_id: 'someone-else', provider: 'auth0' } })).status).toBe(400);
    expect((await post({ user_id: 'auth0|000000000000000000000000' })).body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_user' });
    expect((await post({ user_id: userId, client_id: 'nope' })).body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_client' });
    // A user without an email address has nothing to verify.
    expect((await tls.api('dev', token, 'POST', '/api/v2/connections', { name: 'sms', strategy: 'sms' })).status).toBe(201);
    const phoneUser = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'sms', phone_number: '+15551230000' });
    expect((await post({ user_id: phoneUser.body.user_id })).status).toBe(400);
    // The identity may be named with or without its provider prefix.
    expect((await post({ user_id: userId, identity: { user_id: userId.slice('auth0|'.length), provider: 'auth0' } })).status).toBe(201);
    expect(await outbox('job-bad@example.com')).toHaveLength(1);
  });
});

describe('POST /api/v2/tickets/email-verification', () => {
  it('answers a ticket URL (v7 SDK) whose use redirects to result_url with success, message and email', async () => {
    const userId = await createUser('ticket@example.com', { verify_email: false });
    const { ticket } = await tls.v7('dev').tickets.verifyEmail({ user_id: userId, result_url: RESULT_URL, includeEmailInRedirect: true });
    expect(ticket.startsWith(`${base}/u/email-verification?ticket=`)).toBe(true);
    const used = await new FormBrowser(tls).get(ticket);
    expect(used.status).toBe(302);
    const target = new URL(used.headers.get('location')!);
    expect(`${target.origin}${target.pathname}`).toBe('https://app.example.com/verified');
    expect(Object.fromEntries(target.searchParams)).toEqual({ from: 'email', email: 'ticket@example.com', success: 'true', message: VERIFIED });
    expect(await verifiedFlag(userId)).toBe(true);

    const again = new URL((await new FormBrowser(tls).get(ticket)).headers.get('location')!);
    expect(Object.fromEntries(again.searchParams)).toEqual({ from: 'email', email: 'ticket@example.com', success: 'false', message: USED_ONCE });
    // A ticket is handed to the caller, not emailed.
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=ticket@example.com')).body).toEqual([]);
  });

  it('leaves the email out of the redirect by default, and reports an already verified account', async () => {
    const userId = await createUser('twice@example.com', { verify_email: false });
    const first = (await tls.api('dev', token, 'POST', '/api/v2/tickets/email-verification', { user_id: userId, result_url: RESULT_URL })).body.ticket;
    const second = (await tls.api('dev', token, 'POST', '/api/v2/tickets/email-verification', { user_id: userId, result_url: RESULT_URL })).body.ticket;
    expect(Object.fromEntries(new URL((await tls.caFetch(first, { redirect: 'manual' })).headers.get('location')!).searchParams)).toEqual({ from: 'email', success: 'true', message: VERIFIED });
    expect(new URL((await tls.caFetch(second, { redirect: 'manual' })).headers.get('location')!).searchParams.get('message')).toBe('This account is already verified.');
  });

  it('answers bad input with 400, unknown users with 404', async () => {
    const userId = await createUser('ticket-bad@example.com', { verify_email: false });
    const post = (body: unknown) => tls.api('dev', token, 'POST', '/api/v2/tickets/email-verification', body);
    for (const body of [
      {},
      { user_id: userId, ttl_sec: -1 },
      { user_id: userId, ttl_sec: 1.5 },
      { user_id: userId, ttl_sec: '60' },
      { user_id: userId, result_url: 'not a url' },
      { user_id: userId, result_url: 'javascript:alert(1)' },
      { user_id: userId, result_url: RESULT_URL, client_id: web.client_id },
      { user_id: userId, includeEmailInRedirect: 'yes' },
      { user_id: userId, organization_id: 'org_1' },
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect((await post({ user_id: 'auth0|000000000000000000000000' })).body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_user' });
    expect((await post({ user_id: userId, ttl_sec: 0, client_id: web.client_id })).status).toBe(201);
  });
});

describe('scopes and tenants', () => {
  it('needs create:user_tickets for tickets and update:users for jobs', async () => {
    const userId = await createUser('scoped@example.com', { verify_email: false });
    const tickets = await tls.tokenFor('dev', { scope: 'create:user_tickets' });
    const users = await tls.tokenFor('dev', { scope: 'update:users' });
    expect((await tls.api('dev', users, 'POST', '/api/v2/tickets/email-verification', { user_id: userId })).status).toBe(403);
    expect((await tls.api('dev', tickets, 'POST', '/api/v2/jobs/verification-email', { user_id: userId })).status).toBe(403);
    expect((await tls.api('dev', tickets, 'POST', '/api/v2/tickets/email-verification', { user_id: userId })).status).toBe(201);
    expect((await tls.api('dev', users, 'POST', '/api/v2/jobs/verification-email', { user_id: userId })).status).toBe(201);
    expect((await tls.api('dev', 'not-a-token', 'POST', '/api/v2/jobs/verification-email', { user_id: userId })).status).toBe(401);
  });

  it("keeps dev's users and tickets away from acme", async () => {
    const userId = await createUser('isolated@example.com', { verify_email: false });
    expect((await tls.api('acme', acmeToken, 'POST', '/api/v2/tickets/email-verification', { user_id: userId })).status).toBe(404);
    expect((await tls.api('acme', acmeToken, 'POST', '/api/v2/jobs/verification-email', { user_id: userId })).status).toBe(404);
    expect((await tls.api('acme', acmeToken, 'GET', '/api/v2/tessera/outbox?to=isolated@example.com')).body).toEqual([]);

    const { ticket } = (await tls.api('dev', token, 'POST', '/api/v2/tickets/email-verification', { user_id: userId })).body;
    const onAcme = new URL(ticket);
    onAcme.host = tls.hostOf('acme');
    const refused = await tls.caFetch(onAcme.toString(), { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(await verifiedFlag(userId)).toBe(false);
    // Refused on acme, the ticket is still good where it was issued.
    expect((await tls.caFetch(ticket, { redirect: 'manual' })).status).toBe(200);
    expect(await verifiedFlag(userId)).toBe(true);
  });
});
