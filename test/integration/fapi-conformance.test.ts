/**
 * Issue 17 item 6: a tenant configured as Auth0's "Configure Auth0 to pass OpenID FAPI Certification
 * Tests" page says (docs/fapi-certification.md), and one test of our own for each check of the
 * OpenID conformance suite's FAPI 2.0 Security Profile Final plan (private_key_jwt client
 * authentication, mTLS sender constraining) that no other test covered. Each `it` names the suite's
 * module(s) it stands for; the table in docs/fapi-certification.md maps every identifiable module to
 * its test.
 *
 * The page's tenant: PAR allowed, mTLS aliases on, `acr_values_supported` with the suite's
 * `urn:mace:incommon:iap:silver`, `flags.remove_alg_from_jwks`, RFC 9207's `iss`; the database
 * connection promoted to domain level; an API that skips consent for first-party applications only;
 * a `fapi2_sp_pkj_mtls` application with `is_first_party: false` (so consent is asked), a second one
 * (the suite's "client2"), and a first-party one for contrast. One server with TLS and the mTLS
 * listener, as test/integration/mtls.test.ts.
 */
import 'reflect-metadata';
import { createHash, generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser, inputValue, locationOf } from '../support/form-browser.js';
import { runDevCert } from '../../src/cli/dev-cert.js';
import { startServer, type TestServer } from '../support/server.js';
import { clientCertificate, fetchOver, tlsRequest, type ClientCert, type Reply, type TlsRequest } from '../support/mutual-tls-client.js';

interface FapiClient {
  client_id: string;
  signer: webcrypto.CryptoKey;
  kid: string;
  cert: ClientCert;
}

const SILVER = 'urn:mace:incommon:iap:silver';
const API = 'https://accounts.fapi.example/';
const CB = 'https://fapi.example/cb';
const DB = 'Username-Password-Authentication';
const PASSWORD = 'Xk9#mTq2!vLp';
/** The suite's essential acr claim (AddAcrClaimToAuthorizationEndpointRequest). */
const ESSENTIAL_SILVER = JSON.stringify({ id_token: { acr: { value: SILVER, essential: true } } });

let server: TestServer;
let certDir: string;
let ca: string;
let mtlsPort: number;
let mgmt: string;
let client1: FapiClient;
let client2: FapiClient;
let firstParty: FapiClient;

/** One HTTPS request with SNI and Host `host` (the tenant's, or its mTLS alias), trusting only the test CA. */
const send = (options: Omit<TlsRequest, 'port' | 'host'> & { port?: number; host?: string }): Promise<Reply> =>
  tlsRequest(ca, { ...options, port: options.port ?? server.port, host: options.host ?? 'dev.localhost' });

const management = (method: string, path: string, body?: unknown) =>
  send({ path: `/api/v2${path}`, method, headers: { authorization: `Bearer ${mgmt}` }, ...(body !== undefined ? { json: body } : {}) });
async function must(method: string, path: string, body?: unknown): Promise<any> {
  const res = await management(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
const issuer = () => `https://dev.localhost:${server.port}/`;
const base = () => `https://dev.localhost:${server.port}`;
const alias = () => ({ port: mtlsPort, host: 'mtls.dev.localhost' });
const verifier = 'v'.repeat(50);
const challenge = createHash('sha256').update(verifier).digest('base64url');

const assertion = (client: FapiClient, claims: { aud?: string | string[]; iss?: string; sub?: string; nbf?: number; iat?: number } = {}) => {
  const jwt = new SignJWT({ ...(claims.nbf !== undefined ? { nbf: claims.nbf } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: client.kid })
    .setIssuer(claims.iss ?? client.client_id)
    .setSubject(claims.sub ?? client.client_id)
    .setAudience(claims.aud ?? issuer())
    .setJti(`${Math.random()}`)
    .setExpirationTime('60s');
  return (claims.iat !== undefined ? jwt.setIssuedAt(claims.iat) : jwt.setIssuedAt()).sign(client.signer);
};
const pkjAuth = async (client: FapiClient, claims: Parameters<typeof assertion>[1] = {}) => ({
  client_id: client.client_id,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: await assertion(client, claims),
});
/** The suite's PAR body: code, PKCE S256, state, nonce, the essential acr claim, the API. */
const pushParams = (extra: Record<string, string> = {}) => ({
  response_type: 'code',
  redirect_uri: CB,
  scope: 'openid profile offline_access',
  state: 'fapi-state',
  nonce: 'fapi-nonce',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  claims: ESSENTIAL_SILVER,
  audience: API,
  ...extra,
});
const without = (params: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(params).filter(([name]) => !names.includes(name)));

async function push(client: FapiClient, params: Record<string, string>, auth?: Record<string, string>): Promise<Reply> {
  return send({ ...alias(), path: '/oauth/par', form: { ...(auth ?? (await pkjAuth(client))), ...params }, cert: client.cert });
}
async function pushed(client: FapiClient, extra: Record<string, string> = {}): Promise<string> {
  const res = await push(client, pushParams(extra));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.request_uri;
}

/** A fetch over `send` for FormBrowser: keeps every Set-Cookie. */
const browserFetch = fetchOver(send);

/**
 * Opens `/authorize` with the request_uri in a fresh browser, logs in on the hosted page and answers
 * the consent page when there is one (`consent` says how; a page where none was expected fails).
 * Returns the callback URL and whether consent was asked.
 */
async function authorize(client: FapiClient, requestUri: string, consent: 'accept' | 'deny' | 'none' = 'accept'): Promise<{ callback: URL; asked: boolean }> {
  const browser = new FormBrowser({ caFetch: browserFetch });
  let url = locationOf(await browser.get(`${base()}/authorize?${new URLSearchParams({ client_id: client.client_id, request_uri: requestUri })}`), base());
  expect(url.pathname).toBe('/u/login');
  const login = await (await browser.get(url.toString())).text();
  let response = await browser.post(`${base()}/u/login`, { state: url.searchParams.get('state')!, _csrf: inputValue(login, '_csrf'), username: 'ada@example.com', password: PASSWORD });
  url = locationOf(response, base());
  let asked = false;
  while (!url.toString().startsWith(CB)) {
    if (url.pathname === '/u/consent') {
      expect(consent, 'a consent page where none was expected').not.toBe('none');
      asked = true;
      const page = await (await browser.get(url.toString())).text();
      response = await browser.post(`${base()}/u/consent`, { state: url.searchParams.get('state')!, _csrf: inputValue(page, '_csrf'), action: consent });
    } else {
      response = await browser.get(url.toString());
    }
    url = locationOf(response, url.toString());
  }
  return { callback: url, asked };
}

const exchange = (code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier });
async function tokensFor(client: FapiClient, code: string): Promise<Reply> {
  return send({ ...alias(), path: '/oauth/token', form: { ...(await pkjAuth(client)), ...exchange(code) }, cert: client.cert });
}
/** A fresh code for `client` (third-party: consent accepted). */
async function codeFor(client: FapiClient, extra: Record<string, string> = {}): Promise<string> {
  const { callback } = await authorize(client, await pushed(client, extra), client === firstParty ? 'none' : 'accept');
  const code = callback.searchParams.get('code');
  expect(code, callback.toString()).toBeTruthy();
  return code!;
}

async function fapiClient(name: string, isFirstParty: boolean): Promise<FapiClient> {
  const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
  // The page: compliance_level, Private Key JWT, oidc_conformant true, is_first_party false (consent).
  const created = await must('POST', '/clients', {
    name,
    app_type: 'regular_web',
    is_first_party: isFirstParty,
    oidc_conformant: true,
    callbacks: [CB],
    grant_types: ['authorization_code', 'refresh_token'],
    compliance_level: 'fapi2_sp_pkj_mtls',
    client_authentication_methods: { private_key_jwt: { credentials: [{ credential_type: 'public_key', alg: 'ES256', pem }] } },
  });
  const [credential] = await must('GET', `/clients/${created.client_id}/credentials`);
  return { client_id: created.client_id, signer: pair.privateKey, kid: credential.kid, cert: await clientCertificate(name) };
}

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'tessera-fapi-'));
  const paths = await runDevCert({ outDir: certDir, baseDomain: 'localhost', tenantNames: ['dev'], hosts: ['mtls.dev.localhost'] });
  ca = await readFile(paths.caCertFile, 'utf8');
  server = await startServer({ tls: { certFile: paths.certFile, keyFile: paths.keyFile }, env: { TESSERA_MTLS_PORT: '0' } });
  mtlsPort = Number(/Tessera mTLS listening on https:\/\/[^:]+:(\d+)/.exec(server.output())![1]);
  const boot = server.bootstrap;
  const token = await send({ path: '/oauth/token', form: { grant_type: 'client_credentials', client_id: boot.client_id, client_secret: boot.client_secret, audience: `${base()}/api/v2/` } });
  mgmt = token.body.access_token;

  // The tenant, as the page configures it (each setting its own call, as the page lists them).
  await must('PATCH', '/tenants/settings', { pushed_authorization_requests_supported: true });
  await must('PATCH', '/tenants/settings', { mtls: { enable_endpoint_aliases: true } });
  await must('PATCH', '/tenants/settings', { acr_values_supported: [SILVER] });
  await must('PATCH', '/tenants/settings', { flags: { remove_alg_from_jwks: true } });
  await must('PATCH', '/tenants/settings', { authorization_response_iss_parameter_supported: true });
  const [connection] = await must('GET', `/connections?name=${DB}`);
  await must('PATCH', `/connections/${connection.id}`, { is_domain_connection: true });
  await must('POST', '/resource-servers', { identifier: API, name: 'Accounts', allow_offline_access: true, skip_consent_for_verifiable_first_party_clients: true, scopes: [{ value: 'accounts', description: 'Accounts' }] });
  await must('POST', '/users', { connection: DB, email: 'ada@example.com', password: PASSWORD, email_verified: true });
  [client1, client2, firstParty] = await Promise.all([fapiClient('FAPI client', false), fapiClient('FAPI client2', false), fapiClient('FAPI first party', true)]);
  // A first-party application uses the connections enabled for it (a third-party one the domain-level ones).
  await must('PATCH', `/connections/${connection.id}`, { enabled_clients: [...connection.enabled_clients, firstParty.client_id] });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

describe('the tenant as the certification page configures it', () => {
  it('discovery (fapi2-security-profile-final-discovery-end-point-verification): PAR, mTLS aliases, bound tokens, the iss parameter, the acr value, claims_parameter_supported, PS256/ES256', async () => {
    const doc = (await send({ path: '/.well-known/openid-configuration' })).body;
    expect(doc).toMatchObject({
      issuer: issuer(),
      pushed_authorization_request_endpoint: `${issuer()}oauth/par`,
      tls_client_certificate_bound_access_tokens: true,
      authorization_response_iss_parameter_supported: true,
      acr_values_supported: [SILVER],
      claims_parameter_supported: true,
      mtls_endpoint_aliases: { token_endpoint: `https://mtls.dev.localhost:${mtlsPort}/oauth/token`, pushed_authorization_request_endpoint: `https://mtls.dev.localhost:${mtlsPort}/oauth/par` },
    });
    expect(doc.code_challenge_methods_supported).toContain('S256');
    expect(doc.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(doc.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['PS256', 'ES256']));
  });

  it('remove_alg_from_jwks: the keys are served without alg, and still verify ID tokens (PS256 and RS256 alike)', async () => {
    const jwks = (await send({ path: '/.well-known/jwks.json' })).body;
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key.alg).toBeUndefined();
      expect(key).toMatchObject({ kty: 'RSA', use: 'sig' });
    }
    await must('PATCH', '/tenants/settings', { flags: { remove_alg_from_jwks: false } });
    expect((await send({ path: '/.well-known/jwks.json' })).body.keys[0].alg).toBe('RS256');
    await must('PATCH', '/tenants/settings', { flags: { remove_alg_from_jwks: true } });
  });

  it('acr_values_supported refuses a multi-factor policy (Tessera performs no MFA, and would assert it when asked)', async () => {
    const res = await management('PATCH', '/tenants/settings', { acr_values_supported: [SILVER, 'http://schemas.openid.net/pape/policies/2007/06/multi-factor'] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/acr_values_supported/);
    expect((await must('GET', '/tenants/settings')).acr_values_supported).toEqual([SILVER]);
  });
});

describe('happy flow, consent and acr (fapi2-security-profile-final-happy-flow)', () => {
  it('is_first_party false: consent is asked although the API skips it for first parties; the ID token carries the essential acr, iss and state come back, tokens are bound', async () => {
    const { callback, asked } = await authorize(client1, await pushed(client1));
    expect(asked).toBe(true);
    expect(callback.origin + callback.pathname).toBe(CB);
    expect(callback.searchParams.get('iss')).toBe(issuer());
    expect(callback.searchParams.get('state')).toBe('fapi-state');
    const tokens = await tokensFor(client1, callback.searchParams.get('code')!);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    const jwks = createLocalJWKSet((await send({ path: '/.well-known/jwks.json' })).body);
    const { payload: idToken } = await jwtVerify(tokens.body.id_token, jwks, { issuer: issuer(), audience: client1.client_id, algorithms: ['RS256', 'PS256'] });
    expect(idToken).toMatchObject({ acr: SILVER, nonce: 'fapi-nonce' });
    const access = payloadOf(tokens.body.access_token);
    expect(access.aud).toEqual([API, `${issuer()}userinfo`]);
    expect(access.cnf).toEqual({ 'x5t#S256': client1.cert.thumbprint });
    // The suite's EnsureIdTokenDoesNotContainNonRequestedClaims: acr only because it was asked for.
    const plain = await tokensFor(client1, await codeFor(client1, { claims: '{}' }));
    expect(payloadOf(plain.body.id_token).acr).toBeUndefined();
  });

  it('a first-party FAPI application gets no consent question for an API that allows skipping it', async () => {
    const { callback, asked } = await authorize(firstParty, await pushed(firstParty), 'none');
    expect(asked).toBe(false);
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('fapi2-security-profile-final-user-rejects-authentication (class FAPI2SPFinalUserRejectsAuthentication): denying consent is access_denied with state and iss', async () => {
    // The user consented in the happy flow, and a stored grant that covers the scopes is not asked
    // again: prompt=consent asks anyway (the suite's tester may also delete the grant first).
    const { callback, asked } = await authorize(client1, await pushed(client1, { state: 'rejected', prompt: 'consent' }), 'deny');
    expect(asked).toBe(true);
    expect(Object.fromEntries(callback.searchParams)).toMatchObject({ error: 'access_denied', state: 'rejected', iss: issuer() });
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('acr: acr_values and the claims values list, the first listed value wins; an essential value the tenant does not list is access_denied at the push; a voluntary one is simply not asserted', async () => {
    const viaValues = await tokensFor(client1, await codeFor(client1, { claims: JSON.stringify({ id_token: { acr: { values: ['urn:gold', SILVER], essential: true } } }) }));
    expect(payloadOf(viaValues.body.id_token).acr).toBe(SILVER);
    const viaAcrValues = await tokensFor(client1, await codeFor(client1, { claims: '{}', acr_values: `urn:gold ${SILVER}` }));
    expect(payloadOf(viaAcrValues.body.id_token).acr).toBe(SILVER);
    const voluntary = await tokensFor(client1, await codeFor(client1, { claims: '{}', acr_values: 'urn:gold' }));
    expect(payloadOf(voluntary.body.id_token).acr).toBeUndefined();
    const unmet = await push(client1, pushParams({ claims: JSON.stringify({ id_token: { acr: { value: 'urn:gold', essential: true } } }) }));
    expect(unmet.status).toBe(400);
    expect(unmet.body).toMatchObject({ error: 'access_denied' });
    expect(unmet.body.error_description).toMatch(/essential acr/);
    const malformed = await push(client1, pushParams({ claims: '{"id_token":' }));
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: 'invalid_request', error_description: 'claims must be a JSON object' });
  });

  it('front channel too: an implicit ID token (an application without a compliance level) carries the requested listed acr; an unlisted voluntary one is left out', async () => {
    const spa = await must('POST', '/clients', { name: 'SPA', app_type: 'spa', callbacks: [CB], web_origins: ['https://fapi.example'], grant_types: ['implicit'], token_endpoint_auth_method: 'none' });
    const [connection] = await must('GET', `/connections?name=${DB}`);
    await must('PATCH', `/connections/${connection.id}`, { enabled_clients: [...connection.enabled_clients, spa.client_id] });
    const browser = new FormBrowser({ caFetch: browserFetch });
    const fragmentFor = async (acrValues: string) => {
      const query = new URLSearchParams({ client_id: spa.client_id, redirect_uri: CB, response_type: 'id_token', scope: 'openid', nonce: 'n-spa', state: 'spa', acr_values: acrValues });
      let response = await browser.get(`${base()}/authorize?${query}`);
      let url = locationOf(response, base());
      if (url.pathname === '/u/login') {
        const login = await (await browser.get(url.toString())).text();
        response = await browser.post(`${base()}/u/login`, { state: url.searchParams.get('state')!, _csrf: inputValue(login, '_csrf'), username: 'ada@example.com', password: PASSWORD });
        url = locationOf(response, base());
        while (!url.toString().startsWith(CB)) url = locationOf(await browser.get(url.toString()), url.toString());
      }
      return new URLSearchParams(url.hash.slice(1));
    };
    expect(payloadOf((await fragmentFor(`urn:gold ${SILVER}`)).get('id_token')!).acr).toBe(SILVER);
    // The second request completes from the SSO session: the acr is the request's, not the session's.
    expect(payloadOf((await fragmentFor('urn:gold')).get('id_token')!).acr).toBeUndefined();
  });

  it('fapi2-security-profile-final-refresh-token: the refreshed ID token keeps acr; non-rotating tokens survive reuse; without the certificate the refresh is refused and spends nothing; client2 cannot use it', async () => {
    const first = await tokensFor(client1, await codeFor(client1));
    expect(first.body.refresh_token).toBeTruthy();
    const refresh = async (client: FapiClient, cert: ClientCert | undefined) =>
      send({ ...(cert ? alias() : {}), path: '/oauth/token', form: { ...(await pkjAuth(client)), grant_type: 'refresh_token', refresh_token: first.body.refresh_token }, ...(cert ? { cert } : {}) });
    const unbound = await refresh(client1, undefined);
    expect(unbound.status).toBe(400);
    expect(unbound.body.error).toBe('invalid_request');
    for (let i = 0; i < 2; i++) {
      const again = await refresh(client1, client1.cert);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(payloadOf(again.body.id_token)).toMatchObject({ acr: SILVER, sub: payloadOf(first.body.id_token).sub });
      expect(payloadOf(again.body.access_token).cnf).toEqual({ 'x5t#S256': client1.cert.thumbprint });
    }
    const stolen = await refresh(client2, client2.cert);
    expect(stolen.status).toBe(403);
    expect(stolen.body.error).toBe('invalid_grant');
    // A value the tenant stops listing is no longer asserted, by tokens kept from before either.
    await must('PATCH', '/tenants/settings', { acr_values_supported: ['urn:bronze'] });
    try {
      const afterRemoval = await refresh(client1, client1.cert);
      expect(afterRemoval.status, JSON.stringify(afterRemoval.body)).toBe(200);
      expect(payloadOf(afterRemoval.body.id_token).acr).toBeUndefined();
    } finally {
      await must('PATCH', '/tenants/settings', { acr_values_supported: [SILVER] });
    }
  });

  it('fapi2-security-profile-final-access-token-type-header-case-sensitivity (resource: /userinfo): the Bearer scheme is case-insensitive', async () => {
    const tokens = await tokensFor(client1, await codeFor(client1));
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEARER']) {
      const info = await send({ ...alias(), path: '/userinfo', headers: { authorization: `${scheme} ${tokens.body.access_token}` }, cert: client1.cert });
      expect(info.status, scheme).toBe(200);
    }
  });
});

describe('authorization requests the suite expects refused', () => {
  it('the page’s Action, built in: no scope is invalid_request at the push (a FAPI application’s only way in); no redirect_uri likewise (fapi2-security-profile-final-ensure-redirect-uri-in-authorization-request)', async () => {
    const noScope = await push(client1, without(pushParams(), 'scope'));
    expect(noScope.status).toBe(400);
    expect(noScope.body).toMatchObject({ error: 'invalid_request', error_description: 'Missing required parameter: scope (compliance_level fapi2_sp_pkj_mtls)' });
    const emptyScope = await push(client1, pushParams({ scope: '' }));
    expect(emptyScope.body.error).toBe('invalid_request');
    const noRedirect = await push(client1, without(pushParams(), 'redirect_uri'));
    expect(noRedirect.status).toBe(400);
    expect(noRedirect.body).toMatchObject({ error: 'invalid_request', error_description: 'Missing required parameter: redirect_uri' });
    // An application without a compliance level keeps Auth0's default scope (openid).
    const plain = await must('POST', '/clients', { name: 'Plain web', app_type: 'regular_web', callbacks: [CB], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_post' });
    const plainPush = await send({ path: '/oauth/par', form: { client_id: plain.client_id, client_secret: plain.client_secret, response_type: 'code', redirect_uri: CB, state: 's' } });
    expect(plainPush.status, JSON.stringify(plainPush.body)).toBe(201);
  });

  it('fapi2-security-profile-final-plain-fapi-tolerate-unregistered-redirect-uri / class FAPI2SPFinalEnsureRegisteredRedirectUri: an unregistered redirect_uri is refused at the push, never redirected to', async () => {
    const res = await push(client1, pushParams({ redirect_uri: `${CB}/appended` }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(/not in the list of allowed callback URLs/);
  });

  it('class FAPI2SPFinalEnsureResponseTypeTokenFails (and ...-ensure-response-type-code-idtoken-fails): token and code id_token are unsupported_response_type', async () => {
    for (const responseType of ['token', 'code id_token', 'id_token']) {
      const res = await push(client1, pushParams({ response_type: responseType }));
      expect(res.status, responseType).toBe(400);
      expect(res.body.error, responseType).toBe('unsupported_response_type');
    }
  });

  it('fapi2-security-profile-final-par-authorization-request-containing-request_uri-form-param: a request_uri in the push is refused', async () => {
    const res = await push(client1, pushParams({ request_uri: 'urn:ietf:params:oauth:request_uri:bogus' }));
    expect(res.status).toBe(400);
    expect(['invalid_request', 'request_uri_not_supported']).toContain(res.body.error);
  });

  it('fapi2-security-profile-final-par-attempt-invalid-http-method: PUT and GET on the PAR endpoint are errors, never a pushed request', async () => {
    const statuses: Record<string, number> = {};
    for (const method of ['PUT', 'GET']) {
      const res = await send({ ...alias(), path: '/oauth/par', method, cert: client1.cert, ...(method === 'PUT' ? { form: { ...(await pkjAuth(client1)), ...pushParams() } } : {}) });
      expect(res.body?.request_uri).toBeUndefined();
      statuses[method] = res.status;
    }
    // RFC 9126 §2.3: 405 (http/method-not-allowed.ts), on the mTLS alias as on the tenant's host.
    expect(statuses).toEqual({ PUT: 405, GET: 405 });
  });

  it('class FAPI2SPFinalEnsureSignedClientAssertionWithRS256Fails: an RSA key registered as PS256 (as docs/fapi-certification.md says) refuses its RS256 assertions', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const created = await must('POST', '/clients', {
      name: 'FAPI RSA client',
      app_type: 'regular_web',
      is_first_party: false,
      callbacks: [CB],
      grant_types: ['authorization_code', 'refresh_token'],
      compliance_level: 'fapi2_sp_pkj_mtls',
      client_authentication_methods: { private_key_jwt: { credentials: [{ credential_type: 'public_key', alg: 'PS256', pem: publicKey.export({ type: 'spki', format: 'pem' }) }] } },
    });
    const signed = (alg: 'RS256' | 'PS256') =>
      new SignJWT({}).setProtectedHeader({ alg }).setIssuer(created.client_id).setSubject(created.client_id).setAudience(issuer()).setJti(`${Math.random()}`).setIssuedAt().setExpirationTime('60s').sign(privateKey);
    const attempt = async (alg: 'RS256' | 'PS256') =>
      send({ ...alias(), path: '/oauth/par', form: { client_id: created.client_id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await signed(alg), ...pushParams() }, cert: client1.cert });
    const rs256 = await attempt('RS256');
    expect(rs256.status).toBe(401);
    expect(rs256.body.error).toBe('invalid_client');
    expect((await attempt('PS256')).status).toBe(201);
  });

  it('class FAPI2SPFinalEnsureAuthorizationRequestWithLongState / WithLongNonce / With64CharNonceSuccess / WithoutStateSuccess / WithoutNonceSuccess / EnsureOtherScopeOrderSucceeds: accepted and echoed', async () => {
    // The suite's lengths: a 384-character nonce, a 1000-character state.
    const longState = 's'.repeat(1000);
    const { callback } = await authorize(client1, await pushed(client1, { state: longState, nonce: 'n'.repeat(384), scope: 'offline_access profile openid' }));
    expect(callback.searchParams.get('state')).toBe(longState);
    const tokens = await tokensFor(client1, callback.searchParams.get('code')!);
    expect(payloadOf(tokens.body.id_token).nonce).toBe('n'.repeat(384));
    const stateless = await push(client1, without(pushParams({ nonce: 'x'.repeat(64) }), 'state'));
    expect(stateless.status, JSON.stringify(stateless.body)).toBe(201);
    const bare = await authorize(client1, stateless.body.request_uri);
    expect(bare.callback.searchParams.get('state')).toBeNull();
    expect(payloadOf((await tokensFor(client1, bare.callback.searchParams.get('code')!)).body.id_token).nonce).toBe('x'.repeat(64));
    const nonceless = await push(client1, without(pushParams(), 'nonce'));
    expect(nonceless.status, JSON.stringify(nonceless.body)).toBe(201);
    const noNonce = await tokensFor(client1, (await authorize(client1, nonceless.body.request_uri)).callback.searchParams.get('code')!);
    expect(noNonce.status).toBe(200);
    expect(payloadOf(noNonce.body.id_token).nonce).toBeUndefined();
  });
});

describe('the token endpoint', () => {
  it('fapi2-security-profile-final-ensure-client-id-in-token-endpoint: client2’s client_id with an assertion signed by client1’s key is invalid_client, and the code is not spent', async () => {
    const code = await codeFor(client1);
    const forged = { ...(await pkjAuth(client1)), client_id: client2.client_id, client_assertion: await assertion(client1, { iss: client2.client_id, sub: client2.client_id }) };
    const res = await send({ ...alias(), path: '/oauth/token', form: { ...forged, ...exchange(code) }, cert: client1.cert });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect((await tokensFor(client1, code)).status).toBe(200);
  });

  it('class FAPI2SPFinalEnsureAuthorizationCodeIsBoundToClient: client2, properly authenticated, cannot redeem client1’s code', async () => {
    const code = await codeFor(client1);
    const res = await tokensFor(client2, code);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('class FAPI2SPFinalAttemptReuseAuthorizationCodeAfterOneSecond: a second redemption is invalid_grant and revokes what the first issued', async () => {
    const code = await codeFor(client1);
    const first = await tokensFor(client1, code);
    expect(first.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again = await tokensFor(client1, code);
    expect(again.status).toBe(403);
    expect(again.body.error).toBe('invalid_grant');
    const refresh = await send({ ...alias(), path: '/oauth/token', form: { ...(await pkjAuth(client1)), grant_type: 'refresh_token', refresh_token: first.body.refresh_token }, cert: client1.cert });
    expect(refresh.status).toBe(403);
  });

  it('class FAPI2SPFinalEnsureClientAssertionInTokenEndpoint / ...WithNoSubFails / fapi2-security-profile-final-ensure-client-assertion-with-wrong-aud-fails: no assertion, no sub, another server’s aud are invalid_client', async () => {
    const code = await codeFor(client1);
    const attempts: Array<Record<string, string>> = [
      { client_id: client1.client_id },
      { ...(await pkjAuth(client1)), client_assertion: await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: client1.kid }).setIssuer(client1.client_id).setAudience(issuer()).setJti(`${Math.random()}`).setIssuedAt().setExpirationTime('60s').sign(client1.signer) },
      await pkjAuth(client1, { aud: 'https://other-server.example/' }),
      await pkjAuth(client1, { aud: [issuer(), 'https://other-server.example/'] }),
    ];
    for (const auth of attempts) {
      const res = await send({ ...alias(), path: '/oauth/token', form: { ...auth, ...exchange(code) }, cert: client1.cert });
      expect(res.status, JSON.stringify(Object.keys(auth))).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    }
    expect((await tokensFor(client1, code)).status).toBe(200);
  });

  it('class FAPI2SPFinalPAREnsureJWTClientAssertionWithIatNbf8SecondsInTheFutureIsAccepted / ...Over60SecondsInTheFutureFails', async () => {
    const now = Math.floor(Date.now() / 1000);
    const soon = await push(client1, pushParams(), await pkjAuth(client1, { iat: now + 8, nbf: now + 8 }));
    expect(soon.status, JSON.stringify(soon.body)).toBe(201);
    const late = await push(client1, pushParams(), await pkjAuth(client1, { iat: now + 61, nbf: now + 61 }));
    expect(late.status).toBe(401);
    expect(late.body.error).toBe('invalid_client');
  });
});
