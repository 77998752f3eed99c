/**
 * The hosted signup and password reset pages over real TLS, driven as a browser would (cookie jar,
 * forms, redirects): signup (success, duplicate, weak password, username connections, disabled
 * signup), password reset by email link through the dev outbox (neutral answers, policy, one-time
 * links, sessions and refresh tokens ended), accessibility of the forms, and the CSRF token and
 * browser binding of every form. An expired reset link is refused on the in-process tier's clock:
 * test/in-process/expiry.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser, inputValue, locationOf, openHostedPage } from '../support/form-browser.js';
import { eventually } from '../support/eventually.js';
import { startSmtpSink } from '../support/smtp-sink.js';

const CALLBACK = 'https://app.example.com/callback';
const PASSWORD = 'Xk9#mTq2!vLp';
const NEW_PASSWORD = 'Nw7$rTz4!qPm';

let tls: TlsTestServer;
let token: string;
let web: { client_id: string; client_secret: string };
let base: string;

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  token = await tls.tokenFor('dev');
  base = `https://${tls.hostOf('dev')}`;
  web = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK], initiate_login_uri: 'https://app.example.com/login' })).body;
  const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'ada@example.com', password: PASSWORD, name: 'Ada Lovelace', email_verified: true });
  expect(user.status).toBe(201);
});
afterAll(async () => tls?.close());

const authorizeUrl = (params: Record<string, string> = {}) =>
  `${base}/authorize?${new URLSearchParams({ client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid profile email', state: 'app-state', ...params })}`;

/** Starts an authorization in `browser` and returns the hosted page it lands on (after any redirects within /u/). */
const start = (browser: FormBrowser, params: Record<string, string> = {}) => openHostedPage(browser, authorizeUrl(params));

async function logIn(browser: FormBrowser, email: string, password: string, params: Record<string, string> = {}): Promise<Response> {
  const page = await start(browser, params);
  return browser.post(`${base}/u/login`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: email, password });
}

async function logs(type: string, expected = 1): Promise<any[]> {
  return eventually(
    async () => (await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(`type:${type}`)}`)).body as any[],
    (entries) => entries.length >= expected,
  );
}

async function outbox(to: string, expected = 1): Promise<any[]> {
  return eventually(
    async () => (await tls.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`)).body as any[],
    (messages) => messages.length >= expected,
    5_000,
  );
}

/** A Management API token of the bootstrap application with only `scope`. */
const resetLinkOf = (message: { text: string }): string => /https:\/\/\S+\/u\/reset-password\?ticket=\S+/.exec(message.text)![0];

describe('signup', () => {
  it('is reached with screen_hint=signup, creates the user, logs ss and s, and completes the authorization', async () => {
    const browser = new FormBrowser(tls);
    const page = await start(browser, { screen_hint: 'signup' });
    expect(page.url.pathname).toBe('/u/signup');
    expect(page.html).toContain('<label for="email">Email address</label>');
    expect(page.html).toContain('aria-describedby="password-hint"');
    expect(page.html).toContain(`href="/u/login?state=${page.state}"`);

    const done = await browser.post(`${base}/u/signup`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), email: 'Grace@Example.com', password: PASSWORD });
    const callback = locationOf(done, base);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe('app-state');

    const users = await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=grace@example.com');
    expect(users.body).toHaveLength(1);
    expect(users.body[0]).toMatchObject({ email: 'grace@example.com', logins_count: 1 });
    const [signup] = await logs('ss');
    expect(signup).toMatchObject({ type: 'ss', client_id: web.client_id, user_id: users.body[0].user_id });
    expect((await logs('s')).some((e) => e.user_id === users.body[0].user_id)).toBe(true);

    // The session started by the signup logs the user in silently next time.
    const silent = locationOf(await browser.get(authorizeUrl({ prompt: 'none' })), base);
    expect(silent.searchParams.get('code')).toBeTruthy();
  });

  it('links login and signup pages both ways; the login page does not jump back to signup', async () => {
    const browser = new FormBrowser(tls);
    const page = await start(browser, { screen_hint: 'signup' });
    const login = await browser.get(`${base}/u/login?state=${page.state}`);
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain(`href="/u/signup?state=${page.state}"`);
    expect(html).toContain(`href="/u/reset-password/request?state=${page.state}"`);
  });

  it('reports an existing address as such, or generically when the tenant flag says so', async () => {
    const attempt = async () => {
      const browser = new FormBrowser(tls);
      const page = await start(browser, { screen_hint: 'signup' });
      return browser.post(`${base}/u/signup`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), email: 'ada@example.com', password: PASSWORD });
    };
    const exists = await attempt();
    expect(exists.status).toBe(400);
    const html = await exists.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('The user already exists.');
    expect(html).toContain('aria-invalid="true"');

    expect((await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { enable_public_signup_user_exists_error: false } })).status).toBe(200);
    try {
      const generic = await eventually(
        async () => (await attempt()).text(),
        (text) => text.includes('Something went wrong, please try again later.'),
      );
      expect(generic).toContain('Something went wrong, please try again later.');
      expect(generic).not.toContain('already exists');
    } finally {
      await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { enable_public_signup_user_exists_error: true } });
    }
    expect((await logs('fs')).some((e) => e.description === 'The user already exists.')).toBe(true);
  });

  it("refuses a password the connection's policy rejects, with Auth0's message and the policy as a hint", async () => {
    const browser = new FormBrowser(tls);
    const page = await start(browser, { screen_hint: 'signup' });
    const weak = await browser.post(`${base}/u/signup`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), email: 'weak@example.com', password: 'password' });
    expect(weak.status).toBe(400);
    const html = await weak.text();
    expect(html).toContain('Password is too weak.');
    expect(html).toContain('At least 8 characters, including 3 of');
    expect(html).toContain('value="weak@example.com"');
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=weak@example.com')).body).toEqual([]);

    const badEmail = await browser.post(`${base}/u/signup`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), email: 'not-an-email', password: PASSWORD });
    expect(badEmail.status).toBe(400);
    expect(await badEmail.text()).toContain('Email is not valid.');
  });

  it('asks for a username when the connection requires one', async () => {
    const connection = await tls.api('dev', token, 'POST', '/api/v2/connections', {
      name: 'With-Usernames',
      strategy: 'auth0',
      enabled_clients: [web.client_id],
      options: { requires_username: true },
    });
    expect(connection.status).toBe(201);
    const browser = new FormBrowser(tls);
    const page = await start(browser, { screen_hint: 'signup', connection: 'With-Usernames' });
    expect(page.html).toContain('<label for="username">Username</label>');
    const missing = await browser.post(`${base}/u/signup`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), email: 'ann@example.com', password: PASSWORD });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Username is required.');
    const done = await browser.post(`${base}/u/signup`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), email: 'ann@example.com', username: 'ann_j', password: PASSWORD });
    expect(locationOf(done, base).searchParams.get('code')).toBeTruthy();
    const users = await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=ann@example.com');
    expect(users.body[0]).toMatchObject({ username: 'ann_j', identities: [expect.objectContaining({ connection: 'With-Usernames' })] });
  });

  it('is refused, and not offered, when the connection has disable_signup', async () => {
    const closed = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Closed', app_type: 'regular_web', callbacks: [CALLBACK] });
    const connection = await tls.api('dev', token, 'POST', '/api/v2/connections', {
      name: 'Invite-Only',
      strategy: 'auth0',
      enabled_clients: [closed.body.client_id],
      options: { disable_signup: true },
    });
    expect(connection.status).toBe(201);
    const browser = new FormBrowser(tls);
    const params = { client_id: closed.body.client_id, connection: 'Invite-Only' };
    const login = await start(browser, params);
    expect(login.url.pathname).toBe('/u/login');
    expect(login.html).not.toContain('/u/signup');

    const page = await browser.get(`${base}/u/signup?state=${login.state}`);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('Sign ups are not allowed for this application.');
    const post = await browser.post(`${base}/u/signup`, { state: login.state, _csrf: inputValue(login.html, '_csrf'), email: 'new@example.com', password: PASSWORD });
    expect(post.status).toBe(403);
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=new@example.com')).body).toEqual([]);

    // screen_hint=signup lands on the same refusal.
    const other = new FormBrowser(tls);
    const hinted = locationOf(await other.get(locationOf(await other.get(authorizeUrl({ ...params, screen_hint: 'signup' })), base).toString()), base);
    expect(hinted.pathname).toBe('/u/signup');
    expect((await other.get(hinted.toString())).status).toBe(403);
  });

  it('refuses a form without its CSRF token, or from another browser', async () => {
    const browser = new FormBrowser(tls);
    const page = await start(browser, { screen_hint: 'signup' });
    const form = { state: page.state, email: 'csrf@example.com', password: PASSWORD };
    expect((await browser.post(`${base}/u/signup`, { ...form, _csrf: 'forged' })).status).toBe(403);
    expect((await browser.post(`${base}/u/signup`, form)).status).toBe(403);
    expect((await new FormBrowser(tls).post(`${base}/u/signup`, { ...form, _csrf: inputValue(page.html, '_csrf') })).status).toBe(400);
    expect((await new FormBrowser(tls).get(`${base}/u/signup?state=${page.state}`)).status).toBe(400);
    expect((await tls.api('dev', token, 'GET', '/api/v2/users-by-email?email=csrf@example.com')).body).toEqual([]);
  });
});

describe('password reset by email link', () => {
  it('answers the same whether or not the address has an account, and emails only real accounts', async () => {
    const answer = async (email: string) => {
      const browser = new FormBrowser(tls);
      const login = await start(browser);
      const forgot = await browser.get(`${base}/u/reset-password/request?state=${login.state}`);
      expect(forgot.status).toBe(200);
      const html = await forgot.text();
      expect(html).toContain('<label for="email">Email address</label>');
      const sent = await browser.post(`${base}/u/reset-password/request`, { state: login.state, _csrf: inputValue(html, '_csrf'), email });
      expect(sent.status).toBe(200);
      return (await sent.text()).replaceAll(email, 'EMAIL').replace(/state=[^"]+/g, 'state=S').replace(/nonce-[^']+/g, '');
    };
    const known = await answer('nobody-reset@example.com'.replace('nobody-reset', 'ada'));
    const unknown = await answer('nobody@example.com');
    expect(known).toContain('Check your email');
    expect(unknown).toBe(known);

    const [message] = await outbox('ada@example.com');
    expect(message).toMatchObject({ to: 'ada@example.com', subject: 'Reset your dev password', id: expect.stringMatching(/^msg_/), created_at: expect.any(String) });
    expect(message.html).toContain('/u/reset-password?ticket=');
    await logs('scpr');
    expect((await logs('fcpr')).some((e) => e.details?.email === 'nobody@example.com')).toBe(true);
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?to=nobody@example.com')).body).toEqual([]);
  });

  it('sets a new password under the policy, ends sessions and refresh tokens, and works only once', async () => {
    const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'reset@example.com', password: PASSWORD, email_verified: true });
    expect(user.status).toBe(201);

    // A logged-in browser, and a refresh token, from before the reset.
    const before = new FormBrowser(tls);
    const loggedIn = locationOf(await logIn(before, 'reset@example.com', PASSWORD, { scope: 'openid offline_access' }), base);
    const redeemed = await tls.caFetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: loggedIn.searchParams.get('code')!, redirect_uri: CALLBACK, client_id: web.client_id, client_secret: web.client_secret }),
    });
    let refreshToken = ((await redeemed.json()) as { refresh_token?: string }).refresh_token;
    const refresh = () =>
      tls.caFetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: web.client_id, client_secret: web.client_secret }),
      });
    expect(refreshToken).toBeTruthy();
    const working = await refresh();
    expect(working.status).toBe(200);
    refreshToken = ((await working.json()) as { refresh_token?: string }).refresh_token ?? refreshToken;

    const requester = new FormBrowser(tls);
    const login = await start(requester);
    const forgot = await (await requester.get(`${base}/u/reset-password/request?state=${login.state}`)).text();
    await requester.post(`${base}/u/reset-password/request`, { state: login.state, _csrf: inputValue(forgot, '_csrf'), email: 'reset@example.com' });
    const [message] = await outbox('reset@example.com');
    const link = resetLinkOf(message);
    expect(message.html).toContain(link.replace(/&/g, '&amp;'));

    // The link may be opened in any browser; that browser alone may then use the form.
    const mailReader = new FormBrowser(tls);
    const form = await mailReader.get(link);
    expect(form.status).toBe(200);
    expect(form.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await form.text();
    expect(html).toContain('<label for="password">New password</label>');
    expect(html).toContain('<label for="password_confirmation">Confirm new password</label>');
    const ticket = inputValue(html, 'ticket');
    const csrf = inputValue(html, '_csrf');

    const mismatch = await mailReader.post(`${base}/u/reset-password`, { ticket, _csrf: csrf, password: NEW_PASSWORD, password_confirmation: 'other' });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('The passwords do not match.');
    const weak = await mailReader.post(`${base}/u/reset-password`, { ticket, _csrf: csrf, password: 'weakweak', password_confirmation: 'weakweak' });
    expect(weak.status).toBe(400);
    const weakHtml = await weak.text();
    expect(weakHtml).toContain('Password is too weak.');
    expect(weakHtml).toContain('role="alert"');
    expect((await logs('fcp')).length).toBeGreaterThanOrEqual(1);

    expect((await new FormBrowser(tls).post(`${base}/u/reset-password`, { ticket, _csrf: csrf, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })).status).toBe(400);
    expect((await mailReader.post(`${base}/u/reset-password`, { ticket, _csrf: 'forged', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })).status).toBe(403);

    const done = await mailReader.post(`${base}/u/reset-password`, { ticket, _csrf: csrf, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD });
    expect(done.status).toBe(200);
    const doneHtml = await done.text();
    expect(doneHtml).toContain('Your password has been changed.');
    expect(doneHtml).toContain('href="https://app.example.com/login"');
    expect((await logs('scp')).some((e) => e.user_id === user.body.user_id)).toBe(true);

    // One time only.
    expect((await mailReader.get(link)).status).toBe(400);
    const again = await mailReader.post(`${base}/u/reset-password`, { ticket, _csrf: csrf, password: PASSWORD, password_confirmation: PASSWORD });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('This link has expired or has already been used.');

    // The old password no longer works; the new one does.
    expect((await logIn(new FormBrowser(tls), 'reset@example.com', PASSWORD)).status).toBe(401);
    expect(locationOf(await logIn(new FormBrowser(tls), 'reset@example.com', NEW_PASSWORD), base).searchParams.get('code')).toBeTruthy();

    // The session from before the reset is over, and so is its refresh token.
    const silent = locationOf(await before.get(authorizeUrl({ prompt: 'none' })), base);
    expect(silent.searchParams.get('error')).toBe('login_required');
    expect((await refresh()).status).toBe(403);
  });

  it('ends older links when the password changes, and links to an address the account no longer has', async () => {
    const created = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'links@example.com', password: PASSWORD, email_verified: true });
    const requestLink = async (email: string, count: number) => {
      const browser = new FormBrowser(tls);
      const login = await start(browser);
      const forgot = await (await browser.get(`${base}/u/reset-password/request?state=${login.state}`)).text();
      await browser.post(`${base}/u/reset-password/request`, { state: login.state, _csrf: inputValue(forgot, '_csrf'), email });
      return resetLinkOf((await outbox(email, count))[0]);
    };
    const older = await requestLink('links@example.com', 1);
    const newer = await requestLink('links@example.com', 2);
    const reader = new FormBrowser(tls);
    const page = await (await reader.get(newer)).text();
    const done = await reader.post(`${base}/u/reset-password`, { ticket: inputValue(page, 'ticket'), _csrf: inputValue(page, '_csrf'), password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD });
    expect(done.status).toBe(200);
    // The other link in the mailbox no longer sets a password.
    expect((await new FormBrowser(tls).get(older)).status).toBe(400);

    // A link sent before the address changed is not honoured at the new address's account.
    const beforeMove = await requestLink('links@example.com', 3);
    const moved = await tls.api('dev', token, 'PATCH', `/api/v2/users/${encodeURIComponent(created.body.user_id)}`, { email: 'links-moved@example.com' });
    expect(moved.status).toBe(200);
    const stale = await new FormBrowser(tls).get(beforeMove);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('This link has expired or has already been used.');
  });

  it('protects the request form with the login transaction: CSRF token and browser binding', async () => {
    const browser = new FormBrowser(tls);
    const login = await start(browser);
    const form = { state: login.state, email: 'ada@example.com' };
    expect((await browser.post(`${base}/u/reset-password/request`, { ...form, _csrf: 'forged' })).status).toBe(403);
    expect((await new FormBrowser(tls).post(`${base}/u/reset-password/request`, { ...form, _csrf: inputValue(login.html, '_csrf') })).status).toBe(400);
    expect((await new FormBrowser(tls).get(`${base}/u/reset-password/request?state=${login.state}`)).status).toBe(400);
    const badEmail = await browser.post(`${base}/u/reset-password/request`, { state: login.state, _csrf: inputValue(login.html, '_csrf'), email: 'nope' });
    expect(badEmail.status).toBe(400);
    expect(await badEmail.text()).toContain('Email is not valid.');
    expect((await new FormBrowser(tls).get(`${base}/u/reset-password?ticket=not-a-ticket`)).status).toBe(400);
  });
});

describe('branding of the hosted pages', () => {
  it('applies /api/v2/branding colours, logo and favicon (v7 SDK), and validates them', async () => {
    const management = tls.v7('dev');
    const branding = await management.branding.update({ colors: { primary: '#0a7d4f', page_background: '#fafafa' }, logo_url: 'https://cdn.example.com/logo.png', favicon_url: 'https://cdn.example.com/favicon.ico' });
    expect(branding).toMatchObject({ colors: { primary: '#0a7d4f', page_background: '#fafafa' }, logo_url: 'https://cdn.example.com/logo.png' });
    expect(await management.branding.get()).toEqual(branding);
    const { html } = await start(new FormBrowser(tls));
    expect(html).toContain('--accent:#0a7d4f;');
    expect(html).toContain('--bg:#fafafa;');
    expect(html).toContain('<img src="https://cdn.example.com/logo.png"');
    expect(html).toContain('<link rel="icon" href="https://cdn.example.com/favicon.ico">');

    for (const body of [{ colors: { primary: 'red;}body{display:none' } }, { logo_url: 'javascript:alert(1)' }, { colours: {} }]) {
      const res = await tls.api('dev', token, 'PATCH', '/api/v2/branding', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    await management.branding.update({ colors: { primary: null }, logo_url: null, favicon_url: null });
    expect(await management.branding.get()).toEqual({ colors: { page_background: '#fafafa' } });
  });

  it('renders a gradient page background and font.url as an @font-face (allowed by the CSP), escaped as CSS', async () => {
    const patch = (body: object) => tls.api('dev', token, 'PATCH', '/api/v2/branding', body);
    const gradient = { type: 'linear-gradient', start: '#112233', end: '#abcdef', angle_deg: 35 };
    const saved = await patch({ colors: { page_background: gradient }, font: { url: 'https://fonts.example.com/brand.woff2' } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const browser = new FormBrowser(tls);
    const { url, html } = await start(browser);
    expect(html).toContain('body{background:linear-gradient(35deg,#112233,#abcdef)}');
    expect(html).toContain('@font-face{font-family:"tessera-brand";src:url("https://fonts.example.com/brand.woff2")');
    expect(html).toMatch(/body\{font-family:"tessera-brand",/);
    expect((await browser.get(url.toString())).headers.get('content-security-policy')).toContain('font-src https:');

    // Characters a URL may carry but a CSS string must not see raw are escaped (or percent-encoded by the URL parser).
    expect((await patch({ font: { url: "https://fonts.example.com/f(1).woff2?a='b'" } })).status).toBe(200);
    expect((await start(new FormBrowser(tls))).html).toContain('src:url("https://fonts.example.com/f\\28 1\\29 .woff2?a=%27b%27")');

    // What cannot be honoured is refused, naming the field; nothing is stored.
    const refusals: Array<[object, string]> = [
      [{ font: { url: 'http://fonts.example.com/brand.woff2' } }, 'font.url'],
      [{ font: { url: 'https://fonts.example.com/a.woff2");}</style><script>alert(1)</script>' } }, 'font.url'],
      [{ colors: { page_background: { ...gradient, start: 'red;}body{display:none' } } }, 'colors.page_background'],
      [{ colors: { page_background: { ...gradient, type: 'radial-gradient' } } }, 'colors.page_background'],
      [{ colors: { page_background: { ...gradient, angle_deg: '35deg' } } }, 'colors.page_background'],
      [{ colors: { page_background: { ...gradient, extra: 1 } } }, 'colors.page_background'],
    ];
    for (const [body, field] of refusals) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message, JSON.stringify(res.body)).toContain(field);
    }
    expect((await tls.api('dev', token, 'GET', '/api/v2/branding')).body).toMatchObject({ colors: { page_background: gradient } });

    // The defaults (null clears) are accepted, and the page goes back to the theme.
    expect((await patch({ colors: { page_background: null }, font: { url: null } })).status).toBe(200);
    const plain = new FormBrowser(tls);
    const cleared = await start(plain);
    expect(cleared.html).not.toContain('@font-face');
    expect(cleared.html).not.toContain('linear-gradient');
    expect((await plain.get(cleared.url.toString())).headers.get('content-security-policy')).not.toContain('font-src');
  });
});

describe('the dev outbox endpoint (Tessera extension)', () => {
  it('needs read:dev_outbox, validates its query, and shows a tenant only its own messages', async () => {
    const noScope = await tls.api('dev', await tls.tokenFor('dev', { scope: 'read:logs' }), 'GET', '/api/v2/tessera/outbox');
    expect(noScope.status).toBe(403);
    expect(noScope.body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope', message: 'Insufficient scope; expected any of: read:dev_outbox.' });
    expect((await tls.api('dev', await tls.tokenFor('dev', { scope: 'read:dev_outbox' }), 'GET', '/api/v2/tessera/outbox')).status).toBe(200);
    expect((await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?per_page=0')).status).toBe(400);
    const totals = await tls.api('dev', token, 'GET', '/api/v2/tessera/outbox?include_totals=true&per_page=1');
    expect(totals.body).toMatchObject({ start: 0, limit: 1, total: expect.any(Number), messages: [expect.objectContaining({ to: expect.any(String) })] });
    const acme = await tls.api('acme', await tls.tokenFor('acme'), 'GET', '/api/v2/tessera/outbox');
    expect(acme.status).toBe(200);
    expect(acme.body).toEqual([]);
  });
});

describe('password reset email over SMTP (SMTP_URL)', () => {
  it('sends the link through the configured server from SMTP_FROM, and keeps nothing in the outbox; a passwordless connection’s from is its emails’ From, at the domains the operator allows', async () => {
    const sink = await startSmtpSink();
    const env = { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SMTP_FROM: 'Dev Login <login@dev.example.com>', SMTP_ALLOWED_FROM_DOMAINS: 'dev.example.com,acme.example' };
    const smtp = await startTlsServer(['dev'], { env });
    try {
      const host = `https://${smtp.hostOf('dev')}`;
      const smtpToken = await smtp.tokenFor('dev');
      await smtp.api('dev', smtpToken, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'mail@example.com', password: PASSWORD, email_verified: true });
      const client = (await smtp.api('dev', smtpToken, 'POST', '/api/v2/clients', { name: 'Web', app_type: 'regular_web', callbacks: [CALLBACK] })).body;
      const browser = new FormBrowser(smtp);
      const authorize = `${host}/authorize?${new URLSearchParams({ client_id: client.client_id, redirect_uri: CALLBACK, response_type: 'code' })}`;
      const login = locationOf(await browser.get(authorize), host);
      const html = await (await browser.get(login.toString())).text();
      await browser.post(`${host}/u/reset-password/request`, { state: login.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), email: 'mail@example.com' });
      const messages = await eventually(async () => sink.messages, (m) => m.length > 0, 5_000);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ from: 'login@dev.example.com', to: ['mail@example.com'] });
      expect(messages[0]!.data).toMatch(/^Subject: Reset your dev password/m);
      expect(messages[0]!.data).toContain('/u/reset-password?ticket=');
      expect((await smtp.api('dev', smtpToken, 'GET', '/api/v2/tessera/outbox')).body).toEqual([]);

      // A sender at a domain the operator's relay does not allow is refused, naming the field and the setting.
      const foreign = await smtp.api('dev', smtpToken, 'POST', '/api/v2/connections', { name: 'email', strategy: 'email', options: { email: { from: 'Bank <security@bank.example>' } } });
      expect(foreign.status).toBe(400);
      expect(foreign.body.message).toMatch(/options\.email\.from must be an address at a domain this server sends from \(SMTP_ALLOWED_FROM_DOMAINS: dev\.example\.com, acme\.example\)/);

      // A passwordless connection's own sender (options.email.from, Liquid in the name) is the From of its emails.
      const from = '{{ application.name }} Login <login@acme.example>';
      const connection = await smtp.api('dev', smtpToken, 'POST', '/api/v2/connections', { name: 'email', strategy: 'email', enabled_clients: [client.client_id], options: { email: { from } } });
      expect(connection.status, JSON.stringify(connection.body)).toBe(201);
      const started = await smtp.caFetch(`${host}/passwordless/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: client.client_id, client_secret: client.client_secret, connection: 'email', email: 'code@example.com', send: 'code' }),
      });
      expect(started.status, await started.text()).toBe(200);
      const sent = await eventually(async () => sink.messages, (m) => m.length > 1, 5_000);
      // The From header is the connection's; the envelope sender (where bounces go) stays the server's.
      expect(sent[1]).toMatchObject({ from: 'login@dev.example.com', to: ['code@example.com'] });
      expect(sent[1]!.data).toMatch(/^From: "?Web Login"? <login@acme\.example>\r?$/m);
    } finally {
      await smtp.close();
      await sink.close();
    }
  });
});

describe('the hosted pages', () => {
  it("use the tenant's friendly name and logo", async () => {
    await tls.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { friendly_name: 'Dev & Co', picture_url: 'https://cdn.example.com/logo.png' });
    const html = await eventually(
      async () => (await start(new FormBrowser(tls), { screen_hint: 'signup' })).html,
      (text) => text.includes('Dev &amp; Co'),
    );
    expect(html).toContain('<title>Create your account | Dev &amp; Co</title>');
    expect(html).toContain('<img src="https://cdn.example.com/logo.png" alt="Dev &amp; Co">');
  });
});
