/**
 * `{custom_domain.metadata.KEY}` placeholders in an application's callback, logout, web-origin and
 * CORS URLs (docs: Subdomain URL Placeholders, "Custom domain URL placeholders"): a URL counts only
 * on a request that came on a ready custom domain whose `domain_metadata` has that `public_` key with
 * a host-name value, and then as the URL with the value put in. Requests carry each domain as their
 * Host (test/support/in-process.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue, locationOf, openHostedPage } from '../support/form-browser.js';

const CALLBACK = 'https://{custom_domain.metadata.public_subdomain}.app.example.com/callback';
/** Not `public_`-prefixed: the docs say such keys are ignored at runtime. */
const PRIVATE_KEY_CALLBACK = 'https://{custom_domain.metadata.subdomain}.app.example.com/private';
const LOGOUT = 'https://{custom_domain.metadata.public_subdomain}.app.example.com/logged-out';
const WEB_ORIGIN = 'https://{custom_domain.metadata.public_subdomain}.app.example.com';
/** A host no other URL of the tenant is on, so that only this placeholder can allow its origins. */
const CORS_ORIGIN = 'https://{custom_domain.metadata.public_subdomain}.cors.example.com';
const PKCE = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
const PASSWORD = 'Xk9#mTq2!vLp';
const MISMATCH = 'Callback URL mismatch';

/** The domains of tenant `dev`, each with the metadata the placeholders read. */
const EU = 'login.eu.example';
const US = 'login.us.example';
const BARE = 'login.bare.example';
const HOSTILE = 'login.hostile.example';

let server: InProcessServer;
let token: string;
let app: { client_id: string };
/** Static callbacks on both regions, placeholder web origins: for the web_message origin check alone. */
let popup: { client_id: string };
const domainIds = new Map<string, string>();

const api = (method: string, path: string, body?: unknown) => server.api('dev', token, method, `/api/v2${path}`, body);
const authorizeUrl = (host: string, params: Record<string, string>, clientId = app.client_id) =>
  `https://${host}/authorize?${new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', state: 'xyz', ...params })}`;
const get = (url: string, headers: Record<string, string> = {}) => server.fetch(url, { headers, redirect: 'manual' });
const canonical = () => server.hostOf('dev');

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  const metadata: Record<string, Record<string, string>> = {
    [EU]: { public_subdomain: 'eu', subdomain: 'eu' },
    [US]: { public_subdomain: 'us' },
    [BARE]: {},
    // Plain substitution would turn the callback into https://evil.com/.app.example.com/callback.
    [HOSTILE]: { public_subdomain: 'evil.com/' },
  };
  for (const [domain, values] of Object.entries(metadata)) {
    const added = await server.services.customDomains.addVerified('dev', domain);
    domainIds.set(domain, added.custom_domain_id);
    if (Object.keys(values).length > 0) expect((await api('PATCH', `/custom-domains/${added.custom_domain_id}`, { domain_metadata: values })).status).toBe(200);
  }
  const created = await api('POST', '/clients', {
    name: 'Regional app',
    app_type: 'regular_web',
    callbacks: [CALLBACK, PRIVATE_KEY_CALLBACK],
    allowed_logout_urls: [LOGOUT],
    web_origins: [WEB_ORIGIN],
    allowed_origins: [CORS_ORIGIN],
  });
  expect(created.status).toBe(201);
  app = created.body;
  popup = (await api('POST', '/clients', {
    name: 'Popup app',
    app_type: 'spa',
    callbacks: ['https://eu.app.example.com/callback', 'https://us.app.example.com/callback'],
    web_origins: [WEB_ORIGIN],
  })).body;
  await api('POST', '/users', { connection: 'Username-Password-Authentication', email: 'eu@example.com', password: PASSWORD, email_verified: true });
});
afterAll(async () => {
  await server?.close();
});

/** The error page /authorize answers for a redirect_uri that is not an allowed callback: never a redirect. */
async function expectCallbackMismatch(url: string): Promise<void> {
  const response = await get(url);
  expect(response.status).toBe(400);
  const html = await response.text();
  expect(html).toContain('invalid_request');
  expect(html).toContain(MISMATCH);
}

describe('callback URLs with custom domain placeholders', () => {
  it('are the callback of the custom domain the request came on: a login there ends at the resolved URL', async () => {
    const browser = new FormBrowser({ caFetch: server.fetch });
    const url = authorizeUrl(EU, { redirect_uri: 'https://eu.app.example.com/callback' });
    const page = await openHostedPage(browser, url);
    expect(page.url.host).toBe(EU);
    const done = await browser.post(`https://${EU}/u/login`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: 'eu@example.com', password: PASSWORD });
    const callback = locationOf(done, `https://${EU}/u/login`);
    expect(`${callback.origin}${callback.pathname}`).toBe('https://eu.app.example.com/callback');
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe('xyz');
  });

  it('are refused on the canonical host, on a domain whose metadata differs, and on one without the key', async () => {
    await expectCallbackMismatch(authorizeUrl(canonical(), { redirect_uri: 'https://eu.app.example.com/callback' }));
    await expectCallbackMismatch(authorizeUrl(US, { redirect_uri: 'https://eu.app.example.com/callback' }));
    await expectCallbackMismatch(authorizeUrl(BARE, { redirect_uri: 'https://eu.app.example.com/callback' }));
    // The literal placeholder is no callback either.
    await expectCallbackMismatch(authorizeUrl(canonical(), { redirect_uri: CALLBACK }));
    // The other region's domain has its own callback.
    expect(locationOf(await get(authorizeUrl(US, { redirect_uri: 'https://us.app.example.com/callback' })), `https://${US}/`).pathname).toMatch(/^\/u\//);
  });

  it('ignore metadata keys without the public_ prefix', async () => {
    await expectCallbackMismatch(authorizeUrl(EU, { redirect_uri: 'https://eu.app.example.com/private' }));
  });

  it('do not let a hostile metadata value move the callback to another host', async () => {
    await expectCallbackMismatch(authorizeUrl(HOSTILE, { redirect_uri: 'https://evil.com/.app.example.com/callback' }));
    await expectCallbackMismatch(authorizeUrl(HOSTILE, { redirect_uri: 'https://evil.com' }));
  });

  it('follow a change of the domain\'s metadata at once', async () => {
    await expectCallbackMismatch(authorizeUrl(BARE, { redirect_uri: 'https://bare.app.example.com/callback' }));
    expect((await api('PATCH', `/custom-domains/${domainIds.get(BARE)}`, { domain_metadata: { public_subdomain: 'bare' } })).status).toBe(200);
    expect(locationOf(await get(authorizeUrl(BARE, { redirect_uri: 'https://bare.app.example.com/callback' })), `https://${BARE}/`).pathname).toMatch(/^\/u\//);
    expect((await api('PATCH', `/custom-domains/${domainIds.get(BARE)}`, { domain_metadata: { public_subdomain: null } })).status).toBe(200);
    await expectCallbackMismatch(authorizeUrl(BARE, { redirect_uri: 'https://bare.app.example.com/callback' }));
  });
});

describe('logout URLs with custom domain placeholders', () => {
  const v2Logout = (host: string, returnTo?: string) =>
    `https://${host}/v2/logout?${new URLSearchParams({ client_id: app.client_id, ...(returnTo ? { returnTo } : {}) })}`;
  const oidcLogout = (host: string, redirect: string) =>
    `https://${host}/oidc/logout?${new URLSearchParams({ client_id: app.client_id, post_logout_redirect_uri: redirect })}`;

  it('return to the resolved URL on the custom domain', async () => {
    const response = await get(v2Logout(EU, 'https://eu.app.example.com/logged-out'));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://eu.app.example.com/logged-out');
    // Without returnTo: the application's first logout URL, resolved.
    expect((await get(v2Logout(US))).headers.get('location')).toBe('https://us.app.example.com/logged-out');
    const oidc = await get(oidcLogout(EU, 'https://eu.app.example.com/logged-out'));
    expect(oidc.status).toBe(302);
    expect(oidc.headers.get('location')).toBe('https://eu.app.example.com/logged-out');
  });

  it('are refused on the canonical host, on another domain and for a hostile value', async () => {
    for (const [host, returnTo] of [
      [canonical(), 'https://eu.app.example.com/logged-out'],
      [US, 'https://eu.app.example.com/logged-out'],
      [BARE, 'https://eu.app.example.com/logged-out'],
      [HOSTILE, 'https://evil.com/.app.example.com/logged-out'],
    ] as const) {
      const response = await get(v2Logout(host, returnTo));
      expect(response.status, `${host} ${returnTo}`).toBe(400);
      expect(await response.text()).toContain('is not defined as a valid URL in &quot;Allowed Logout URLs&quot;');
      const oidc = await get(oidcLogout(host, returnTo));
      expect(oidc.status, `${host} ${returnTo}`).toBe(400);
    }
    // No returnTo on the canonical host: nothing resolves, so no redirect anywhere.
    expect((await get(v2Logout(canonical()))).status).not.toBe(302);
  });
});

describe('web origins with custom domain placeholders', () => {
  const webMessage = (host: string, redirectUri: string) =>
    authorizeUrl(host, { redirect_uri: redirectUri, response_mode: 'web_message', prompt: 'none', ...PKCE }, popup.client_id);

  it('allow web_message to the resolved origin only', async () => {
    const allowed = await get(webMessage(EU, 'https://eu.app.example.com/callback'));
    expect(allowed.status).toBe(200);
    const html = await allowed.text();
    expect(html).toContain('login_required');
    expect(html).not.toContain('does not have a registered origin');

    const refused = await get(webMessage(US, 'https://eu.app.example.com/callback'));
    expect(await refused.text()).toContain('does not have a registered origin');
    const canonicalRefused = await get(webMessage(canonical(), 'https://eu.app.example.com/callback'));
    expect(await canonicalRefused.text()).toContain('does not have a registered origin');
  });

  it('answer CORS preflights for the resolved origin only', async () => {
    const preflight = (host: string, origin: string) =>
      server.fetch(`https://${host}/oauth/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const allowed = await preflight(EU, 'https://eu.cors.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://eu.cors.example.com');
    expect((await preflight(US, 'https://us.cors.example.com')).status).toBe(204);
    expect((await preflight(US, 'https://eu.cors.example.com')).status).toBe(403);
    expect((await preflight(canonical(), 'https://eu.cors.example.com')).status).toBe(403);
    expect((await preflight(HOSTILE, 'https://evil.com')).status).toBe(403);
  });
});
