/**
 * Dynamic Client Registration (docs: "Dynamic Client Registration"; OIDC DCR 1.0, RFC 7591):
 * `POST /oidc/register` only while the tenant flag `enable_dynamic_client_registration` is on (and
 * discovery's `registration_endpoint` only then); openid-client v6's `dynamicClientRegistration`
 * registers a third-party application that then logs a user in through the hosted login and
 * consent pages; hostile bodies are 400s naming the problem; registrations are counted per address
 * and tenant in hour windows (TestClock); each outcome is logged `sapi` / `fapi`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { FormBrowser, inputValue, locationOf } from '../support/form-browser.js';
import { REGISTRATIONS_PER_ADDRESS_PER_HOUR } from '../../src/auth-api/dynamic-registration.js';
import { loadConfig } from '../../src/config/config.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const CALLBACK = 'https://rp.example.com/callback';

let server: InProcessServer;
let token: string;
let issuer: string;
const api = (method: string, path: string, body?: unknown) => server.api('dev', token, method, `/api/v2${path}`, body);
const fetchOptions = () => ({ [oidc.customFetch]: server.fetch as oidc.CustomFetch });

/** A registration request from `ip` (each test address gets its own hourly budget). */
const register = (body: unknown, ip = '203.0.113.1', contentType = 'application/json') =>
  server.fetch(`${issuer}oidc/register`, { method: 'POST', headers: { 'content-type': contentType, 'x-forwarded-for': ip }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function setFlag(on: boolean): Promise<void> {
  expect((await api('PATCH', '/tenants/settings', { flags: { enable_dynamic_client_registration: on } })).status).toBe(200);
}

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  issuer = `${server.originOf('dev')}/`;
  await api('POST', '/users', { connection: 'Username-Password-Authentication', email: 'ada@example.com', password: PASSWORD, email_verified: true });
  // Third-party applications log in only through domain-level connections (docs: "User Consent and Third-Party Applications").
  const connections = (await api('GET', '/connections?name=Username-Password-Authentication')).body as Array<{ id: string }>;
  expect((await api('PATCH', `/connections/${connections[0]!.id}`, { is_domain_connection: true })).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe('dynamic client registration', () => {
  it('is refused while the tenant flag is off, and discovery does not advertise it', async () => {
    const discovery = (await (await server.fetch(`${issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.registration_endpoint).toBeUndefined();
    const res = await register({ client_name: 'Nope', redirect_uris: [CALLBACK] });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'access_denied', error_description: 'Dynamic Client Registration is disabled for this tenant.' });
    await expect(oidc.dynamicClientRegistration(new URL(issuer), { redirect_uris: [CALLBACK] }, undefined, fetchOptions())).rejects.toThrow();
    expect((await api('GET', '/clients?is_first_party=false')).body).toEqual([]);
  });

  it('registers a third-party application with openid-client and logs a user in with it', async () => {
    await setFlag(true);
    const discovery = (await (await server.fetch(`${issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.registration_endpoint).toBe(`${issuer}oidc/register`);

    // TestClock runs with real time: the issue time is a second between before and after the call.
    const before = Math.floor(server.clock.now() / 1000);
    const config = await oidc.dynamicClientRegistration(
      new URL(issuer),
      { client_name: 'My Dynamic Application', redirect_uris: [CALLBACK, 'https://rp.example.com/callback2'], token_endpoint_auth_method: 'client_secret_post' },
      undefined,
      fetchOptions(),
    );
    const registered = config.clientMetadata();
    expect(registered).toMatchObject({
      client_name: 'My Dynamic Application',
      redirect_uris: [CALLBACK, 'https://rp.example.com/callback2'],
      client_secret_expires_at: 0,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(registered.client_secret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(registered.client_id_issued_at).toBeGreaterThanOrEqual(before);
    expect(registered.client_id_issued_at).toBeLessThanOrEqual(Math.floor(server.clock.now() / 1000));
    expect(registered).not.toHaveProperty('registration_client_uri');
    expect(registered).not.toHaveProperty('registration_access_token');
    // The Management API shows a third-party application with those settings.
    const stored = (await api('GET', `/clients/${registered.client_id}`)).body;
    expect(stored).toMatchObject({ name: 'My Dynamic Application', is_first_party: false, app_type: 'regular_web', callbacks: [CALLBACK, 'https://rp.example.com/callback2'], token_endpoint_auth_method: 'client_secret_post' });

    // The code flow with PKCE: hosted login, then the consent every third-party application gets.
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    const browser = new FormBrowser({ caFetch: server.fetch });
    const login = locationOf(await browser.get(url.toString()), issuer);
    expect(login.pathname).toBe('/u/login');
    const loginHtml = await (await browser.get(login.toString())).text();
    const consentUrl = locationOf(await browser.post(`${issuer}u/login`, { state: login.searchParams.get('state')!, _csrf: inputValue(loginHtml, '_csrf'), username: 'ada@example.com', password: PASSWORD }), issuer);
    expect(consentUrl.pathname).toBe('/u/consent');
    const consentHtml = await (await browser.get(consentUrl.toString())).text();
    expect(consentHtml).toContain('My Dynamic Application');
    const callback = locationOf(await browser.post(`${issuer}u/consent`, { state: consentUrl.searchParams.get('state')!, _csrf: inputValue(consentHtml, '_csrf'), action: 'accept' }), issuer);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ iss: issuer, aud: registered.client_id, email: 'ada@example.com' });

    await server.drain();
    const logs = (await api('GET', `/logs?q=${encodeURIComponent(`type:sapi AND client_id:"${registered.client_id}"`)}`)).body as Array<{ description: string; ip: string }>;
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ description: 'Dynamic Client Registration', ip: '127.0.0.1' });
  });

  it('registers a public application (none) without a secret, and a native one with its custom scheme', async () => {
    const spa = await register({ client_name: 'SPA', redirect_uris: ['https://spa.example.com/cb'], token_endpoint_auth_method: 'none', response_types: ['code'] }, '203.0.113.2');
    expect(spa.status).toBe(201);
    const body = (await spa.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('client_secret');
    expect(body).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], application_type: 'web', client_secret_expires_at: 0 });
    expect((await api('GET', `/clients/${body.client_id}`)).body).toMatchObject({ app_type: 'spa', is_first_party: false, grant_types: ['authorization_code', 'refresh_token'] });
    // A native registration that leaves the method out is public, as AppAuth-style clients expect.
    const native = await register({ redirect_uris: ['com.example.rp://callback'], application_type: 'native' }, '203.0.113.2');
    expect(native.status).toBe(201);
    expect((await api('GET', `/clients/${((await native.json()) as { client_id: string }).client_id}`)).body).toMatchObject({ app_type: 'native', callbacks: ['com.example.rp://callback'], token_endpoint_auth_method: 'none' });
  });

  it("trusts a registered application's origin for CORS only at the token, userinfo and revoke endpoints", async () => {
    // Anyone may register a callback on their own site: it must not open the tenant's signup,
    // password-change and passwordless endpoints to that site's scripts.
    expect((await register({ client_name: 'Elsewhere', redirect_uris: ['https://elsewhere.example/cb'], token_endpoint_auth_method: 'none', response_types: ['code'] }, '203.0.113.3')).status).toBe(201);
    const preflight = (path: string) => server.fetch(`${issuer}${path}`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' } });
    for (const path of ['oauth/token', 'userinfo', 'oauth/revoke']) expect((await preflight(path)).status, path).toBe(204);
    for (const path of ['dbconnections/signup', 'dbconnections/change_password', 'passwordless/start']) expect((await preflight(path)).status, path).toBe(403);
  });

  it('refuses hostile or unsupported bodies with a 400 naming the problem, and creates nothing', async () => {
    const before = ((await api('GET', '/clients')).body as unknown[]).length;
    const cases: Array<[unknown, string, RegExp]> = [
      [{ client_name: 'No redirect' }, 'invalid_redirect_uri', /redirect_uris is required/],
      [{ redirect_uris: [] }, 'invalid_client_metadata', /redirect_uris must be an array of 1 to 20/],
      [{ redirect_uris: 'https://rp.example.com/cb' }, 'invalid_client_metadata', /redirect_uris must be an array/],
      [{ redirect_uris: Array.from({ length: 21 }, (_, i) => `https://rp.example.com/${i}`) }, 'invalid_client_metadata', /1 to 20/],
      [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri', /redirect_uris: entry "javascript:alert\(1\)"/],
      [{ redirect_uris: ['com.example.app://cb'] }, 'invalid_redirect_uri', /redirect_uris/],
      [{ redirect_uris: ['https://*.example.com/cb'] }, 'invalid_redirect_uri', /without wildcards or placeholders/],
      [{ redirect_uris: ['https://{custom_domain.metadata.public_x}.example.com/cb'] }, 'invalid_redirect_uri', /without wildcards/],
      [{ redirect_uris: [`https://rp.example.com/${'a'.repeat(2001)}`] }, 'invalid_client_metadata', /redirect_uris/],
      [{ redirect_uris: [CALLBACK], client_name: '<script>' }, 'invalid_client_metadata', /client_name/],
      [{ redirect_uris: [CALLBACK], client_name: 42 }, 'invalid_client_metadata', /client_name/],
      [{ redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', /token_endpoint_auth_method must be one of none, client_secret_post, client_secret_basic/],
      [{ redirect_uris: [CALLBACK], grant_types: ['client_credentials'] }, 'invalid_client_metadata', /grant_types may only list/],
      [{ redirect_uris: [CALLBACK], grant_types: ['password'] }, 'invalid_client_metadata', /grant_types may only list/],
      [{ redirect_uris: [CALLBACK], grant_types: ['refresh_token'] }, 'invalid_client_metadata', /authorization_code or implicit/],
      [{ redirect_uris: [CALLBACK], grant_types: ['implicit'], response_types: ['code'] }, 'invalid_client_metadata', /do not match/],
      [{ redirect_uris: [CALLBACK], response_types: ['none'] }, 'invalid_client_metadata', /response_types may only list/],
      [{ redirect_uris: [CALLBACK], logo_uri: 'http://rp.example.com/logo.png' }, 'invalid_client_metadata', /logo_uri must be an https URL/],
      [{ redirect_uris: [CALLBACK], application_type: 'native', token_endpoint_auth_method: 'client_secret_post' }, 'invalid_client_metadata', /native application is public/],
      [{ redirect_uris: [CALLBACK], jwks_uri: 'https://rp.example.com/jwks', id_token_signed_response_alg: 'none' }, 'invalid_client_metadata', /^jwks_uri, id_token_signed_response_alg are not supported by this server/],
      [{ redirect_uris: [CALLBACK], is_first_party: true }, 'invalid_client_metadata', /is_first_party is not supported/],
      [{ redirect_uris: [CALLBACK], client_id: 'chosen' }, 'invalid_client_metadata', /client_id is not supported/],
      [[{ redirect_uris: [CALLBACK] }], 'invalid_client_metadata', /JSON object/],
    ];
    for (const [body, error, description] of cases) {
      const res = await register(body, '203.0.113.3');
      const answer = (await res.json()) as { error: string; error_description: string };
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(answer.error, JSON.stringify(body).slice(0, 200)).toBe(error);
      expect(answer.error_description, JSON.stringify(body).slice(0, 200)).toMatch(description);
    }
    // Not JSON, malformed, too deep, too large: 400/413/415 in the Authentication API's format, never a 500.
    expect((await register('redirect_uris=https://rp.example.com/cb', '203.0.113.3', 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await register('{"redirect_uris": [', '203.0.113.3')).status).toBe(400);
    expect((await register(`${'['.repeat(40)}${']'.repeat(40)}`, '203.0.113.3')).status).toBe(400);
    expect((await register({ redirect_uris: [CALLBACK], client_name: 'x'.repeat(20_000) }, '203.0.113.3')).status).toBe(413);
    expect((await register(`{"__proto__": {"is_first_party": true}, "redirect_uris": ["${CALLBACK}"]}`, '203.0.113.3')).status).toBe(400);
    expect((await api('GET', '/clients')).body).toHaveLength(before);
    await server.drain();
    const failures = ((await api('GET', `/logs?q=${encodeURIComponent('type:fapi')}&per_page=100`)).body as Array<{ description: string; details?: { error?: string } }>).filter((log) => log.description.startsWith('Dynamic Client Registration: '));
    expect(failures.length).toBeGreaterThanOrEqual(cases.length);
    expect(failures.map((log) => log.details?.error)).toContain('invalid_redirect_uri');
  });

  it('counts registrations per address and tenant in hour windows', async () => {
    for (let i = 0; i < REGISTRATIONS_PER_ADDRESS_PER_HOUR; i++) expect((await register({ redirect_uris: [CALLBACK] }, '198.51.100.7')).status).toBe(201);
    const over = await register({ redirect_uris: [CALLBACK] }, '198.51.100.7');
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ error: 'too_many_requests' });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address still may; an hour later this one may again.
    expect((await register({ redirect_uris: [CALLBACK] }, '198.51.100.8')).status).toBe(201);
    server.clock.advance(60 * 60_000 + 1_000);
    expect((await register({ redirect_uris: [CALLBACK] }, '198.51.100.7')).status).toBe(201);
  });

  it('stops at once when the flag is turned off again', async () => {
    await setFlag(false);
    expect((await register({ redirect_uris: [CALLBACK] }, '203.0.113.9')).status).toBe(403);
    expect(((await (await server.fetch(`${issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>).registration_endpoint).toBeUndefined();
  });
});

describe('the cap of third-party applications per tenant (DCR_MAX_THIRD_PARTY_APPLICATIONS)', () => {
  let capped: InProcessServer;
  let cappedToken: string;
  const cappedApi = (method: string, path: string, body?: unknown) => capped.api('dev', cappedToken, method, `/api/v2${path}`, body);
  const registerOn = (ip: string) =>
    capped.fetch(`${capped.originOf('dev')}/oidc/register`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ redirect_uris: [CALLBACK] }) });

  beforeAll(async () => {
    capped = await startInProcess({ env: { DCR_MAX_THIRD_PARTY_APPLICATIONS: '2' } });
    cappedToken = await capped.tokenFor('dev');
    expect((await cappedApi('PATCH', '/tenants/settings', { flags: { enable_dynamic_client_registration: true } })).status).toBe(200);
  });
  afterAll(async () => capped?.close());

  it('refuses registration once the tenant holds that many third-party applications (any origin), in RFC 7591 format', async () => {
    // First-party applications do not count; a third-party one made with the Management API does.
    expect((await cappedApi('POST', '/clients', { name: 'Own', app_type: 'regular_web' })).status).toBe(201);
    const partner = await cappedApi('POST', '/clients', { name: 'Partner', app_type: 'regular_web', is_first_party: false });
    expect(partner.status).toBe(201);
    const first = await registerOn('198.51.100.20');
    expect(first.status).toBe(201);
    const refused = await registerOn('198.51.100.21');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual({ error: 'access_denied', error_description: 'The tenant holds the most third-party applications it may (2); no more can be registered.' });
    // Making one first-party (the column follows the document) or deleting one frees a place.
    expect((await cappedApi('PATCH', `/clients/${partner.body.client_id}`, { is_first_party: true })).status).toBe(200);
    expect((await registerOn('198.51.100.22')).status).toBe(201);
    expect((await registerOn('198.51.100.23')).status).toBe(403);
    const registered = ((await first.json()) as { client_id: string }).client_id;
    expect((await cappedApi('DELETE', `/clients/${registered}`)).status).toBe(204);
    expect((await registerOn('198.51.100.24')).status).toBe(201);
    expect(await capped.services.clients.countThirdParty((await capped.services.tenants.findByName('dev'))!.id)).toBe(2);
  });

  it('is read from the environment and checked at start', () => {
    expect(loadConfig({}).dcrMaxThirdPartyApplications).toBe(10_000);
    expect(loadConfig({ DCR_MAX_THIRD_PARTY_APPLICATIONS: '0' }).dcrMaxThirdPartyApplications).toBe(0);
    expect(() => loadConfig({ DCR_MAX_THIRD_PARTY_APPLICATIONS: '-1' })).toThrow(/DCR_MAX_THIRD_PARTY_APPLICATIONS/);
  });
});
