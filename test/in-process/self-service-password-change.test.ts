/**
 * A database connection's `disable_self_service_change_password` (Auth0's "Disable Self-Service
 * Change Password"): with it on, users cannot ask for a reset link themselves —
 * `/dbconnections/change_password` answers a 400 `invalid_request`, the hosted login page has no
 * "Forgot password?" link, its request page sends nothing, Lock's client script says
 * `showForgot: false` — while an administrator's reset (a Management API ticket, the Tessera
 * extension that emails one) and a link issued before keep working. With it off (the default
 * Tessera writes), everything answers as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue, openHostedPage } from '../support/form-browser.js';

const CALLBACK = 'https://app.example.com/callback';
const PASSWORD = 'Correct-Horse-Battery-9';
const NEW_PASSWORD = 'A-New-Password-42!';
const LOCKED = 'locked-db';
const OPEN = 'open-db';
const DISABLED_MESSAGE = 'Self-service password change is disabled for this connection.';

let server: InProcessServer;
let token: string;
let web: { client_id: string };
const connectionIds: Record<string, string> = {};

const api = (method: string, path: string, body?: unknown) => server.api('dev', token, method, path, body);

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  web = (await api('POST', '/api/v2/clients', { name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
  for (const [name, disabled] of [
    [LOCKED, true],
    [OPEN, undefined],
  ] as const) {
    const created = await api('POST', '/api/v2/connections', { name, strategy: 'auth0', enabled_clients: [web.client_id], options: disabled === undefined ? {} : { disable_self_service_change_password: disabled } });
    expect(created.status).toBe(201);
    connectionIds[name] = created.body.id;
  }
});
afterAll(async () => server?.close());

const createUser = async (connection: string, email: string) => {
  const created = await api('POST', '/api/v2/users', { connection, email, password: PASSWORD, email_verified: true });
  expect(created.status).toBe(201);
  return created.body as { user_id: string; email: string };
};

/** `POST /dbconnections/change_password` as auth0.js sends it (JSON): status, content type and body text. */
async function changePassword(connection: string, email: string): Promise<{ status: number; type: string; text: string }> {
  const res = await server.fetch(`${server.originOf('dev')}/dbconnections/change_password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: web.client_id, connection, email }),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The password reset emails the dev outbox holds for `to`. */
async function resetEmails(to: string): Promise<Array<{ subject: string; text: string }>> {
  await server.drain();
  const outbox = await api('GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`);
  expect(outbox.status).toBe(200);
  return (outbox.body as Array<{ subject: string; text: string }>).filter((message) => /Reset your .* password/.test(message.subject));
}

const linkIn = (message: { text: string }): string => /https:\/\/dev\.localhost\/u\/reset-password\?ticket=[^\s]+/.exec(message.text)![0];

/** Opens a reset link in a fresh browser and sets `password` with it: the final status. */
async function resetWith(link: string, password: string): Promise<number> {
  const browser = new FormBrowser({ caFetch: server.fetch });
  const page = await browser.get(link);
  const html = await page.text();
  if (page.status !== 200) return page.status;
  const posted = await browser.post(link.split('?')[0]!, { ticket: inputValue(html, 'ticket'), _csrf: inputValue(html, '_csrf'), password, password_confirmation: password });
  return posted.status;
}

/** The hosted login page of an `/authorize` request for `connection`, in a fresh browser. */
async function loginPage(connection: string): Promise<{ browser: FormBrowser; html: string; state: string }> {
  const browser = new FormBrowser({ caFetch: server.fetch });
  const authorize = `${server.originOf('dev')}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', connection })}`;
  const page = await openHostedPage(browser, authorize);
  expect(page.url.pathname).toBe('/u/login');
  return { browser, html: page.html, state: page.state };
}

describe('new database connections', () => {
  it('get disable_self_service_change_password: false unless given, on creation and when options are replaced', async () => {
    expect((await api('GET', `/api/v2/connections/${connectionIds[OPEN]}`)).body.options).toMatchObject({ disable_self_service_change_password: false });
    expect((await api('GET', `/api/v2/connections/${connectionIds[LOCKED]}`)).body.options).toMatchObject({ disable_self_service_change_password: true });
    const byDefault = (await api('GET', '/api/v2/connections?name=Username-Password-Authentication')).body[0];
    expect(byDefault.options).toEqual({ passwordPolicy: 'good', brute_force_protection: true, disable_self_service_change_password: false });
  });
});

describe('POST /dbconnections/change_password', () => {
  it('is refused with a 400 invalid_request for a connection with the option on, and sends nothing', async () => {
    const locked = await createUser(LOCKED, 'locked.api@example.com');
    const refused = await changePassword(LOCKED, locked.email);
    expect(refused.status).toBe(400);
    expect(refused.type).toMatch(/^application\/json/);
    expect(JSON.parse(refused.text)).toEqual({ error: 'invalid_request', error_description: DISABLED_MESSAGE });
    // The same answer for an address without an account: it says nothing about the address.
    const unknown = await changePassword(LOCKED, 'nobody.locked@example.com');
    expect({ status: unknown.status, body: JSON.parse(unknown.text) }).toEqual({ status: 400, body: { error: 'invalid_request', error_description: DISABLED_MESSAGE } });
    expect(await resetEmails(locked.email)).toEqual([]);
    const failures = (await api('GET', `/api/v2/logs?q=${encodeURIComponent('type:fcpr')}`)).body as any[];
    expect(failures.find((entry) => entry.details?.email === locked.email)).toMatchObject({ type: 'fcpr', description: DISABLED_MESSAGE, client_id: web.client_id, details: { connection: LOCKED } });
  });

  it('answers as always with the option off, and its link resets the password even after the option is turned on', async () => {
    const open = await createUser(OPEN, 'open.api@example.com');
    const answered = await changePassword(OPEN, open.email);
    expect(answered).toEqual({ status: 200, type: 'text/plain; charset=utf-8', text: "We've just sent you an email to reset your password." });
    const [email] = await resetEmails(open.email);
    expect(email).toBeDefined();

    // The option decides who may ask for a link, not what an issued link does.
    const patched = await api('PATCH', `/api/v2/connections/${connectionIds[OPEN]}`, { options: { disable_self_service_change_password: true } });
    expect(patched.status).toBe(200);
    expect((await changePassword(OPEN, open.email)).status).toBe(400);
    expect(await resetWith(linkIn(email!), NEW_PASSWORD)).toBe(200);
    expect((await api('GET', `/api/v2/users/${encodeURIComponent(open.user_id)}`)).body.last_password_reset).toEqual(expect.any(String));

    const reopened = await api('PATCH', `/api/v2/connections/${connectionIds[OPEN]}`, { options: {} });
    expect(reopened.body.options).toMatchObject({ disable_self_service_change_password: false });
    expect((await changePassword(OPEN, open.email)).status).toBe(200);
  });
});

describe('the hosted login pages', () => {
  it('show no "Forgot password?" link for the connection, and its request page neither shows the form nor sends', async () => {
    const locked = await createUser(LOCKED, 'locked.page@example.com');
    const { browser, html, state } = await loginPage(LOCKED);
    expect(html).toContain('name="password"');
    expect(html).not.toContain('Forgot password?');
    expect(html).not.toContain('/u/reset-password/request');

    // The page is still reachable by its URL: it refuses instead of offering the form.
    const requestUrl = `${server.originOf('dev')}/u/reset-password/request?state=${encodeURIComponent(state)}`;
    const shown = await browser.get(requestUrl);
    const shownHtml = await shown.text();
    expect(shown.status).toBe(400);
    expect(shownHtml).toContain(DISABLED_MESSAGE);
    expect(shownHtml).not.toContain('name="email"');
    expect(shownHtml).toContain(`/u/login?state=${encodeURIComponent(state)}`);

    const posted = await browser.post(`${server.originOf('dev')}/u/reset-password/request`, { state, _csrf: inputValue(html, '_csrf'), email: locked.email });
    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain(DISABLED_MESSAGE);
    expect(await resetEmails(locked.email)).toEqual([]);
  });

  it('keep the link and the reset by email for a connection with the option off', async () => {
    const open = await createUser(OPEN, 'open.page@example.com');
    const { browser, html, state } = await loginPage(OPEN);
    expect(html).toContain('Forgot password?');
    expect(html).toContain(`/u/reset-password/request?state=${encodeURIComponent(state)}`);

    const form = await browser.get(`${server.originOf('dev')}/u/reset-password/request?state=${encodeURIComponent(state)}`);
    const formHtml = await form.text();
    expect(form.status).toBe(200);
    expect(formHtml).toContain('name="email"');
    const posted = await browser.post(`${server.originOf('dev')}/u/reset-password/request`, { state, _csrf: inputValue(formHtml, '_csrf'), email: open.email });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('Check your email');
    expect(await resetEmails(open.email)).toHaveLength(1);
  });

  it("tell Lock (GET /client/{id}.js) showForgot: false for the connection, true for the others", async () => {
    const res = await server.fetch(`${server.originOf('dev')}/client/${web.client_id}.js`);
    expect(res.status).toBe(200);
    const script = await res.text();
    const settings = JSON.parse(/^Auth0\.setClient\((.*)\);\n$/s.exec(script)![1]!);
    const database = settings.strategies.find((strategy: any) => strategy.name === 'auth0').connections;
    const showForgot = Object.fromEntries(database.map((connection: any) => [connection.name, connection.showForgot]));
    expect(showForgot).toMatchObject({ [LOCKED]: false, [OPEN]: true });
  });
});

describe("an administrator's reset", () => {
  it('keeps working for a connection with the option on: a Management API ticket, and the Tessera extension that emails one', async () => {
    const ticketUser = await createUser(LOCKED, 'locked.ticket@example.com');
    const ticket = await api('POST', '/api/v2/tickets/password-change', { user_id: ticketUser.user_id });
    expect(ticket.status).toBe(201);
    expect(await resetWith(ticket.body.ticket, NEW_PASSWORD)).toBe(200);
    expect((await api('GET', `/api/v2/users/${encodeURIComponent(ticketUser.user_id)}`)).body.last_password_reset).toEqual(expect.any(String));

    const emailUser = await createUser(LOCKED, 'locked.email@example.com');
    const sent = await api('POST', `/api/v2/tessera/users/${encodeURIComponent(emailUser.user_id)}/password-reset-email`);
    expect(sent.status).toBe(204);
    const [email] = await resetEmails(emailUser.email);
    expect(email).toBeDefined();
    expect(await resetWith(linkIn(email!), NEW_PASSWORD)).toBe(200);
  });
});
