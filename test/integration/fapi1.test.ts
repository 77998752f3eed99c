/**
 * Issue 17 slice 5: the FAPI 1 Advanced compliance levels `fapi1_adv_pkj_par` and
 * `fapi1_adv_mtls_par` (docs: "Configure FAPI Compliance", domain/clients/compliance-levels.ts),
 * over real TLS with the mTLS listener (the mtls variant authenticates by certificate on the alias).
 * Each `it` names the rows of the docs' tables it proves: a compliant flow (PAR + JAR signed PS256
 * with nbf/exp + PKCE S256 + `code id_token`) completes, and each rule broken is refused.
 */
import 'reflect-metadata';
import { createHash, generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser, inputValue, locationOf, openHostedPage } from '../support/form-browser.js';
import { runDevCert } from '../../src/cli/dev-cert.js';
import { startServer, type TestServer } from '../support/server.js';
import { clientCertificate, fetchOver, pemOf, tlsRequest, type ClientCert, type Reply, type TlsRequest } from '../support/mutual-tls-client.js';

const DB = 'Username-Password-Authentication';
const PASSWORD = 'Xk9#mTq2!vLp';
const CB = 'https://fapi1.example/cb';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;
let certDir: string;
let ca: string;
let mtlsPort: number;
let mgmt: string;
let alice: ClientCert;
/** The FAPI 1 pkj application: one PS256 key for its assertions and its request objects. */
let pkj: { client_id: string };
let ps256: KeyObject;
let ps256Pem: string;
let ps256Kid: string;
let es256: webcrypto.CryptoKey;
let es256Pem: string;

const issuer = () => `https://dev.localhost:${server.port}/`;
const base = () => `https://dev.localhost:${server.port}`;
const alias = () => ({ port: mtlsPort, host: 'mtls.dev.localhost' });
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
/** OIDC Core §3.3.2.11 (at_hash, c_hash) and FAPI 1 Advanced §5.1 (s_hash): the left half of the SHA-256, base64url. */
const halfHash = (value: string) => createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url');
const verifier = 'w'.repeat(50);
const challenge = createHash('sha256').update(verifier).digest('base64url');

/** One HTTPS request to the test server (the tenant's host unless told otherwise). */
const send = (options: Omit<TlsRequest, 'port' | 'host'> & { port?: number; host?: string }): Promise<Reply> =>
  tlsRequest(ca, { ...options, port: options.port ?? server.port, host: options.host ?? 'dev.localhost' });

const management = (method: string, path: string, body?: unknown) => send({ path: `/api/v2${path}`, method, ...(body !== undefined ? { json: body } : {}), headers: { authorization: `Bearer ${mgmt}` } });

async function must(method: string, path: string, body?: unknown): Promise<any> {
  const res = await management(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A fetch over `send` for FormBrowser: keeps every Set-Cookie. */
const browserFetch = fetchOver(send);

/** Opens /authorize with the request_uri, logs in through the hosted page and returns the callback URL (with its fragment). */
async function authorize(clientId: string, requestUri: string): Promise<URL> {
  const browser = new FormBrowser({ caFetch: browserFetch });
  const page = await openHostedPage(browser, `${base()}/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`);
  let response = await browser.post(`${base()}/u/login`, { state: page.state, _csrf: inputValue(page.html, '_csrf'), username: 'ada@example.com', password: PASSWORD });
  let url = locationOf(response, `${base()}/u/login`);
  while (!url.toString().startsWith(CB)) {
    response = await browser.get(url.toString());
    url = locationOf(response, url.toString());
  }
  return url;
}

const assertion = (clientId: string, aud: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'PS256', kid: ps256Kid }).setIssuer(clientId).setSubject(clientId).setAudience(aud).setJti(`${Math.random()}`).setIssuedAt().setExpirationTime('60s').sign(ps256);
const pkjAuth = async (aud = issuer()) => ({ client_id: pkj.client_id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(pkj.client_id, aud) });
const requestParams = (extra: Record<string, unknown> = {}) => ({
  response_type: 'code id_token',
  redirect_uri: CB,
  scope: 'openid profile',
  state: 'fapi1-state',
  nonce: 'fapi1-nonce',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  ...extra,
});

interface ObjectOptions {
  alg?: string;
  key?: webcrypto.CryptoKey | KeyObject;
  /** Seconds from now; null leaves the claim out. */
  nbf?: number | null;
  exp?: number;
  clientId?: string;
}

/** A request object (JAR) for `clientId`: PS256, nbf now, exp in five minutes unless told otherwise. */
async function requestObject(params: Record<string, unknown>, options: ObjectOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const clientId = options.clientId ?? pkj.client_id;
  const claims: Record<string, unknown> = { ...params, client_id: clientId, iss: clientId, aud: issuer(), exp: now + (options.exp ?? 300) };
  if (options.nbf !== null) claims.nbf = now + (options.nbf ?? 0);
  return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'PS256', typ: 'oauth-authz-req+jwt' }).sign(options.key ?? ps256);
}

/** Pushes a request object over /oauth/par as the pkj application. */
async function push(object: string, headers: Record<string, string> = {}): Promise<Reply> {
  return send({ path: '/oauth/par', form: { ...(await pkjAuth()), request: object }, headers });
}

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'tessera-fapi1-'));
  const paths = await runDevCert({ outDir: certDir, baseDomain: 'localhost', tenantNames: ['dev'], hosts: ['mtls.dev.localhost'] });
  ca = await readFile(paths.caCertFile, 'utf8');
  alice = await clientCertificate('alice');
  server = await startServer({ tls: { certFile: paths.certFile, keyFile: paths.keyFile }, env: { TESSERA_MTLS_PORT: '0' } });
  mtlsPort = Number(/Tessera mTLS listening on https:\/\/[^:]+:(\d+)/.exec(server.output())![1]);
  const boot = server.bootstrap;
  const token = await send({ path: '/oauth/token', form: { grant_type: 'client_credentials', client_id: boot.client_id, client_secret: boot.client_secret, audience: `${base()}/api/v2/` } });
  mgmt = token.body.access_token;
  // PS256 ID tokens verify against a JWKS whose RSA keys do not say alg RS256 (as the certification page says).
  await must('PATCH', '/tenants/settings', { mtls: { enable_endpoint_aliases: true }, flags: { remove_alg_from_jwks: true } });
  await must('POST', '/users', { connection: DB, email: 'ada@example.com', password: PASSWORD, email_verified: true });

  // An rsaEncryption key (as openssl genrsa makes one), used with PS256.
  const rsaPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  ps256 = rsaPair.privateKey;
  ps256Pem = rsaPair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const ecPair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  es256 = ecPair.privateKey;
  es256Pem = pemOf(await webcrypto.subtle.exportKey('spki', ecPair.publicKey), 'PUBLIC KEY');
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

describe('compliance_level fapi1_adv_pkj_par and fapi1_adv_mtls_par', () => {
  it('Management API: PAR first; the profile’s authentication method; JAR credentials, PS256 only; no wildcard callbacks (POST and PATCH); the profile’s grant types', async () => {
    const created = await must('POST', '/clients', { name: 'FAPI 1 pkj', app_type: 'regular_web', callbacks: [CB], grant_types: ['authorization_code', 'implicit', 'refresh_token'], token_endpoint_auth_method: 'client_secret_post' });
    pkj = created;
    const parOff = await management('PATCH', `/clients/${pkj.client_id}`, { compliance_level: 'fapi1_adv_pkj_par' });
    expect(parOff.status).toBe(400);
    expect(parOff.body.message).toMatch(/'compliance_level' needs the tenant setting 'pushed_authorization_requests_supported'/);
    await must('PATCH', '/tenants/settings', { pushed_authorization_requests_supported: true });
    const secretApp = await management('PATCH', `/clients/${pkj.client_id}`, { compliance_level: 'fapi1_adv_pkj_par' });
    expect(secretApp.status).toBe(400);
    expect(secretApp.body.message).toMatch(/'compliance_level' fapi1_adv_pkj_par requires the application to authenticate with private_key_jwt only/);

    const cred = await must('POST', `/clients/${pkj.client_id}/credentials`, { credential_type: 'public_key', alg: 'PS256', pem: ps256Pem });
    ps256Kid = cred.kid;
    const es = await must('POST', `/clients/${pkj.client_id}/credentials`, { credential_type: 'public_key', alg: 'ES256', pem: es256Pem });
    const methods = { token_endpoint_auth_method: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.id }] } }, jwt_configuration: { alg: 'PS256' } };
    // "Enforces the use of JAR": the level needs request-object credentials…
    const noJar = await management('PATCH', `/clients/${pkj.client_id}`, { ...methods, compliance_level: 'fapi1_adv_pkj_par' });
    expect(noJar.status).toBe(400);
    expect(noJar.body.message).toMatch(/'compliance_level' fapi1_adv_pkj_par requires signed request objects: set 'signed_request_object'/);
    // …that can produce PS256 ("Ensures the JAR payload is signed using the PS256 algorithm").
    const esJar = await management('PATCH', `/clients/${pkj.client_id}`, { ...methods, signed_request_object: { credentials: [{ id: es.id }] }, compliance_level: 'fapi1_adv_pkj_par' });
    expect(esJar.status).toBe(400);
    expect(esJar.body.message).toMatch(new RegExp(`signed_request_object credentials to use alg PS256 \\(credential ${es.id} uses ES256\\)`));
    // "Prevents the use of wildcards in the allowed callbacks".
    const wildcard = await management('PATCH', `/clients/${pkj.client_id}`, { ...methods, signed_request_object: { credentials: [{ id: cred.id }] }, callbacks: [CB, 'https://*.fapi1.example/cb'], compliance_level: 'fapi1_adv_pkj_par' });
    expect(wildcard.status).toBe(400);
    expect(wildcard.body.message).toMatch(/'callbacks' must not contain wildcards with 'compliance_level' fapi1_adv_pkj_par/);
    expect((await must('GET', `/clients/${pkj.client_id}`)).compliance_level ?? null).toBeNull();

    // FAPI 1 Advanced §8.6: the ID token (the detached signature) is PS256, never RS256 nor HS256.
    const rs256IdTokens = await management('PATCH', `/clients/${pkj.client_id}`, { ...methods, signed_request_object: { credentials: [{ id: cred.id }] }, jwt_configuration: { alg: 'RS256' }, compliance_level: 'fapi1_adv_pkj_par' });
    expect(rs256IdTokens.status).toBe(400);
    expect(rs256IdTokens.body.message).toMatch(/'jwt_configuration.alg' must be PS256 with 'compliance_level' fapi1_adv_pkj_par \(not RS256\)/);
    const hs256IdTokens = await management('PATCH', `/clients/${pkj.client_id}`, { ...methods, signed_request_object: { credentials: [{ id: cred.id }] }, jwt_configuration: { alg: 'HS256' }, compliance_level: 'fapi1_adv_pkj_par' });
    expect(hs256IdTokens.status).toBe(400);
    expect(hs256IdTokens.body.message).toMatch(/HS256/);

    const set = await must('PATCH', `/clients/${pkj.client_id}`, { ...methods, signed_request_object: { credentials: [{ id: cred.id }] }, compliance_level: 'fapi1_adv_pkj_par' });
    expect(set).toMatchObject({ compliance_level: 'fapi1_adv_pkj_par', signed_request_object: { required: false, credentials: [{ id: cred.id }] } });
    // On the merged application: adding a wildcard, an ES256 request-object key or a password grant afterwards is refused too.
    const addWildcard = await management('PATCH', `/clients/${pkj.client_id}`, { callbacks: [CB, 'https://*.fapi1.example/cb'] });
    expect(addWildcard.status).toBe(400);
    expect(addWildcard.body.message).toMatch(/'callbacks'/);
    expect((await management('PATCH', `/clients/${pkj.client_id}`, { signed_request_object: { credentials: [{ id: cred.id }, { id: es.id }] } })).status).toBe(400);
    expect((await management('PATCH', `/clients/${pkj.client_id}`, { signed_request_object: null })).status).toBe(400);
    expect((await management('PATCH', `/clients/${pkj.client_id}`, { jwt_configuration: { alg: 'RS256' } })).status).toBe(400);
    expect((await management('PATCH', `/clients/${pkj.client_id}`, { grant_types: ['authorization_code', 'implicit', 'password'] })).status).toBe(400);
    // On POST, with the credentials given whole (one key per credential: a client cannot hold the same key twice).
    const assertionPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const inline = {
      name: 'FAPI 1 in one request',
      app_type: 'regular_web',
      grant_types: ['authorization_code', 'implicit'],
      compliance_level: 'fapi1_adv_pkj_par',
      jwt_configuration: { alg: 'PS256' },
      client_authentication_methods: { private_key_jwt: { credentials: [{ credential_type: 'public_key', alg: 'PS256', pem: assertionPem }] } },
      signed_request_object: { credentials: [{ credential_type: 'public_key', alg: 'PS256', pem: ps256Pem }] },
    };
    const postWildcard = await management('POST', '/clients', { ...inline, callbacks: ['https://*.fapi1.example/cb'] });
    expect(postWildcard.status).toBe(400);
    expect(postWildcard.body.message).toMatch(/'callbacks' must not contain wildcards/);
    const postEs = await management('POST', '/clients', { ...inline, callbacks: [CB], signed_request_object: { credentials: [{ credential_type: 'public_key', alg: 'ES256', pem: es256Pem }] } });
    expect(postEs.status).toBe(400);
    expect(postEs.body.message).toMatch(/alg PS256/);
    expect(await must('POST', '/clients', { ...inline, callbacks: [CB] })).toMatchObject({ compliance_level: 'fapi1_adv_pkj_par' });
  });

  it('a compliant flow end to end: PAR + JAR (PS256, nbf, exp) + PKCE S256 + code id_token; the front-channel ID token carries c_hash and s_hash; no iss; x-fapi-interaction-id', async () => {
    const interaction = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    const pushed = await push(await requestObject(requestParams()), { 'x-fapi-interaction-id': interaction });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    expect(pushed.headers['x-fapi-interaction-id']).toBe(interaction);
    const callback = await authorize(pkj.client_id, pushed.body.request_uri);
    // The hybrid answer is in the fragment; FAPI 1 gets no RFC 9207 iss (FAPI 2.0 only).
    expect(callback.search).toBe('');
    const answer = new URLSearchParams(callback.hash.slice(1));
    expect(answer.get('state')).toBe('fapi1-state');
    expect(answer.has('iss')).toBe(false);
    const code = answer.get('code')!;
    const jwks = createLocalJWKSet((await send({ path: '/.well-known/jwks.json' })).body);
    const { payload: front, protectedHeader } = await jwtVerify(answer.get('id_token')!, jwks, { issuer: issuer(), audience: pkj.client_id });
    expect(protectedHeader.alg).toBe('PS256');
    expect(front).toMatchObject({ nonce: 'fapi1-nonce', c_hash: halfHash(code), s_hash: halfHash('fapi1-state') });

    // The token endpoint: the assertion may name the token endpoint ("N": not only the issuer); s_hash again; numeric updated_at.
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier };
    const tokens = await send({ path: '/oauth/token', form: { ...(await pkjAuth(`${base()}/oauth/token`)), ...exchange } });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(tokens.headers['x-fapi-interaction-id']).toMatch(UUID);
    const { payload: back } = await jwtVerify(tokens.body.id_token, jwks, { issuer: issuer(), audience: pkj.client_id });
    expect(back).toMatchObject({ s_hash: halfHash('fapi1-state'), updated_at: expect.any(Number) });
    expect(back.sub).toBe(front.sub);
    // /userinfo: the token in the header only; the interaction id echoed (a value that is no UUID is replaced).
    const byQuery = await send({ path: `/userinfo?access_token=${encodeURIComponent(tokens.body.access_token)}` });
    expect(byQuery.status).toBe(401);
    const info = await send({ path: '/userinfo', headers: { authorization: `Bearer ${tokens.body.access_token}`, 'x-fapi-interaction-id': interaction } });
    expect(info.status, JSON.stringify(info.body)).toBe(200);
    expect(info.headers['x-fapi-interaction-id']).toBe(interaction);
    expect(typeof info.body.updated_at).toBe('number');
    const minted = await send({ path: '/userinfo', headers: { authorization: `Bearer ${tokens.body.access_token}`, 'x-fapi-interaction-id': 'not-a-uuid<script>' } });
    expect(minted.headers['x-fapi-interaction-id']).toMatch(UUID);
    // Refusals before the application is known (no token, an unreadable one, failed client
    // authentication) echo the caller's interaction id: the client correlates its own failures.
    const refusals = [
      await send({ path: '/userinfo', headers: { 'x-fapi-interaction-id': interaction } }),
      await send({ path: '/userinfo', headers: { authorization: 'Bearer not-a-token', 'x-fapi-interaction-id': interaction } }),
      await send({ path: '/userinfo', headers: { authorization: `Bearer ${tokens.body.access_token.slice(0, -4)}AAAA`, 'x-fapi-interaction-id': interaction } }),
      await send({ path: '/oauth/token', form: { grant_type: 'authorization_code', code: 'x', client_id: pkj.client_id }, headers: { 'x-fapi-interaction-id': interaction } }),
      await send({ path: '/oauth/par', form: { client_id: pkj.client_id, response_type: 'code' }, headers: { 'x-fapi-interaction-id': interaction } }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status, JSON.stringify(refusal.body)).toBe(401);
      expect(refusal.headers['x-fapi-interaction-id'], JSON.stringify(refusal.body)).toBe(interaction);
    }
    // A valid token names the FAPI client: its later refusals (here a blocked user) carry a header, minted if none was sent.
    const sub = String(back.sub);
    expect((await management('PATCH', `/users/${encodeURIComponent(sub)}`, { blocked: true })).status).toBe(200);
    try {
      const blocked = await send({ path: '/userinfo', headers: { authorization: `Bearer ${tokens.body.access_token}` } });
      expect(blocked.status).toBe(401);
      expect(blocked.headers['x-fapi-interaction-id']).toMatch(UUID);
    } finally {
      expect((await management('PATCH', `/users/${encodeURIComponent(sub)}`, { blocked: false })).status).toBe(200);
    }
    // Nothing is minted for a caller not known to be a FAPI client, nor is a non-UUID echoed.
    expect((await send({ path: '/userinfo' })).headers['x-fapi-interaction-id']).toBeUndefined();
    expect((await send({ path: '/userinfo', headers: { 'x-fapi-interaction-id': 'not-a-uuid' } })).headers['x-fapi-interaction-id']).toBeUndefined();
    // A token endpoint error for the FAPI client carries the header too, with a standard error code.
    const replay = await send({ path: '/oauth/token', form: { ...(await pkjAuth()), ...exchange }, headers: { 'x-fapi-interaction-id': interaction } });
    expect(replay.status).toBe(403);
    expect(replay.body.error).toBe('invalid_grant');
    expect(replay.headers['x-fapi-interaction-id']).toBe(interaction);
    // An application without a level gets no x-fapi header.
    const plain = await must('POST', '/clients', { name: 'Plain', app_type: 'non_interactive', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
    const other = await send({ path: '/oauth/token', form: { grant_type: 'client_credentials', client_id: plain.client_id, client_secret: plain.client_secret, audience: `${base()}/api/v2/` }, headers: { 'x-fapi-interaction-id': interaction } });
    expect(other.headers['x-fapi-interaction-id']).toBeUndefined();
  });

  it('PAR, JAR and its PS256 / nbf / exp rules: each one broken is refused', async () => {
    // Requires PAR: a plain /authorize is an error page, request object or not.
    const page = await send({ path: `/authorize?${new URLSearchParams({ client_id: pkj.client_id, request: await requestObject(requestParams()) })}` });
    expect(page.status).toBe(400);
    expect(String(page.body)).toMatch(/Pushed Authorization Requests are required/);
    // Enforces the use of JAR: a push of plain parameters is refused.
    const unsigned = await send({ path: '/oauth/par', form: { ...(await pkjAuth()), ...(requestParams() as Record<string, string>) } });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/JWT-Secured Authorization Requests/) });
    const now = 0;
    const cases: Array<[string, ObjectOptions, RegExp]> = [
      ['ES256', { alg: 'ES256', key: es256 }, /alg must be PS256 for this client \(compliance_level fapi1_adv_pkj_par\)/],
      ['RS256 with the PS256 key', { alg: 'RS256', key: ps256 }, /alg must be PS256/],
      ['no nbf', { nbf: null }, /nbf is required for this client/],
      ['nbf 61 minutes old', { nbf: now - 3690, exp: 60 }, /nbf must be at most 3600 seconds in the past/],
      ['exp 61 minutes after nbf', { nbf: -60, exp: 3600 }, /exp must be at most 3600 seconds after nbf/],
      ['nbf in the future', { nbf: 600, exp: 900 }, /not valid yet \(nbf\)/],
    ];
    for (const [name, options, description] of cases) {
      let object: string;
      if (options.alg === 'RS256') {
        // jose will not sign RS256 with an RSA-PSS key: re-label the header of a PS256 object (its signature cannot verify; the alg rule comes first).
        const [, body, signature] = (await requestObject(requestParams())).split('.');
        object = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'oauth-authz-req+jwt' })).toString('base64url')}.${body}.${signature}`;
      } else {
        object = await requestObject(requestParams(), options);
      }
      const res = await push(object);
      expect(res.status, name).toBe(400);
      expect(res.body.error, name).toBe('invalid_request_object');
      expect(res.body.error_description, name).toMatch(description);
    }
  });

  it('PKCE S256, response type code id_token only, private_key_jwt only: each one broken is refused', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [requestParams({ code_challenge: undefined, code_challenge_method: undefined }), 'invalid_request', /S256/],
      [requestParams({ code_challenge: 'p'.repeat(43), code_challenge_method: 'plain' }), 'invalid_request', /S256/],
      [requestParams({ response_type: 'code' }), 'unsupported_response_type', /response_type must be code id_token/],
      [requestParams({ response_type: 'code id_token token' }), 'unsupported_response_type', /response_type must be code id_token/],
    ];
    for (const [params, error, description] of cases) {
      const res = await push(await requestObject(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined))));
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body.error).toBe(error);
      expect(res.body.error_description).toMatch(description);
    }
    // No client authentication, or a client secret: refused (only private_key_jwt authenticates this application).
    const object = await requestObject(requestParams());
    expect((await send({ path: '/oauth/par', form: { client_id: pkj.client_id, request: object } })).status).toBe(401);
    expect((await send({ path: '/oauth/par', form: { client_id: pkj.client_id, client_secret: 'x'.repeat(48), request: object } })).status).toBe(401);
    // The assertion may name the PAR endpoint or the issuer (the strict issuer audience is FAPI 2.0's row).
    expect((await send({ path: '/oauth/par', form: { ...(await pkjAuth(`${base()}/oauth/par`)), request: object } })).status).toBe(201);
  });

  it('fapi1_adv_mtls_par: certificate authentication only; the compliant flow completes over the mTLS alias', async () => {
    const created = await must('POST', '/clients', { name: 'FAPI 1 mtls', app_type: 'regular_web', callbacks: [CB], grant_types: ['authorization_code', 'implicit'], token_endpoint_auth_method: 'client_secret_post' });
    const certificate = await must('POST', `/clients/${created.client_id}/credentials`, { name: 'certificate', credential_type: 'x509_cert', pem: alice.cert });
    const jar = await must('POST', `/clients/${created.client_id}/credentials`, { credential_type: 'public_key', alg: 'PS256', pem: ps256Pem });
    const secretApp = await management('PATCH', `/clients/${created.client_id}`, { signed_request_object: { credentials: [{ id: jar.id }] }, compliance_level: 'fapi1_adv_mtls_par' });
    expect(secretApp.status).toBe(400);
    expect(secretApp.body.message).toMatch(/fapi1_adv_mtls_par requires the application to authenticate with tls_client_auth or self_signed_tls_client_auth only/);
    await must('PATCH', `/clients/${created.client_id}`, {
      token_endpoint_auth_method: null,
      client_authentication_methods: { self_signed_tls_client_auth: { credentials: [{ id: certificate.id }] } },
      signed_request_object: { credentials: [{ id: jar.id }] },
      jwt_configuration: { alg: 'PS256' },
      compliance_level: 'fapi1_adv_mtls_par',
    });
    const object = await requestObject(requestParams({ state: 'mtls-state' }), { clientId: created.client_id });
    const withoutCert = await send({ path: '/oauth/par', form: { client_id: created.client_id, request: object } });
    expect(withoutCert.status).toBe(401);
    const pushed = await send({ ...alias(), path: '/oauth/par', form: { client_id: created.client_id, request: object }, cert: alice });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    expect(pushed.headers['x-fapi-interaction-id']).toMatch(UUID);
    const callback = await authorize(created.client_id, pushed.body.request_uri);
    const answer = new URLSearchParams(callback.hash.slice(1));
    const code = answer.get('code')!;
    expect(payloadOf(answer.get('id_token')!)).toMatchObject({ c_hash: halfHash(code), s_hash: halfHash('mtls-state') });
    const tokens = await send({ ...alias(), path: '/oauth/token', form: { client_id: created.client_id, grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier }, cert: alice });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(payloadOf(tokens.body.id_token)).toMatchObject({ s_hash: halfHash('mtls-state'), updated_at: expect.any(Number) });
  });
});
