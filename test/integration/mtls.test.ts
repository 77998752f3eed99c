/**
 * Issue 16, items 6-9 over real mutual TLS: the mTLS listener (TESSERA_MTLS_PORT) serving the
 * tenant's `mtls.` alias host, discovery's `mtls_endpoint_aliases`, certificate-bound access and
 * refresh tokens (`cnf.x5t#S256`, checked with jose and express-oauth2-jwt-bearer), `/userinfo`
 * enforcing the binding, and a trusted edge's `client-certificate` header against a spoofed one.
 * One server: TLS with a test CA naming `dev.localhost` and `mtls.dev.localhost`, TRUST_PROXY=127.0.0.2
 * (the "edge" connects from 127.0.0.2; everyone else from 127.0.0.1). Most clients authenticate with
 * client secrets; "client authentication by certificate" runs tls_client_auth (a certificate from a
 * client CA the listener trusts, TESSERA_MTLS_CA_FILE) and self_signed_tls_client_auth with
 * openid-client's TlsClientAuth over real mutual TLS.
 */
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import * as client from 'openid-client';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { FormBrowser, inputValue, locationOf, openHostedPage } from '../support/form-browser.js';
import { auth } from 'express-oauth2-jwt-bearer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDevCert } from '../../src/cli/dev-cert.js';
import { startServer, type TestServer } from '../support/server.js';
import { withRawDatabase } from '../support/database.js';
import { clientCertificate, fetchOver, tlsRequest, type ClientCert, type Reply, type TlsRequest } from '../support/mutual-tls-client.js';

x509.cryptoProvider.set(webcrypto);


/**
 * A client CA (as an organisation's PKI would run one) and a certificate it issued for `subject`,
 * with the clientAuth extended key usage the handshake checks.
 */
async function caSignedClientCertificate(subject: string): Promise<{ caPem: string; leaf: ClientCert; impostor: ClientCert }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000) };
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Acme Client CA,O=Acme',
    ...validity,
    signingAlgorithm: alg,
    keys: caKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const leafKeys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leafCert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject,
    issuer: caCert.subject,
    ...validity,
    signingAlgorithm: alg,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  const thumbprint = createHash('sha256').update(Buffer.from(leafCert.rawData)).digest('base64url');
  // The same subject, self-signed: what an attacker who knows the registered DN can make.
  const impostor = await clientCertificate(subject.replace(/^CN=/, ''));
  return { caPem: caCert.toString('pem'), leaf: { cert: leafCert.toString('pem'), key, thumbprint }, impostor };
}

let server: TestServer;
let certDir: string;
let acme: { caPem: string; leaf: ClientCert; impostor: ClientCert };
let ca: string;
let mtlsPort: number;
let alice: ClientCert;
let mallory: ClientCert;
let mgmt: string;
/** A confidential application with client_credentials and password-realm. */
let app: { client_id: string; client_secret: string };
/** The same, with require_proof_of_possession. */
let strictApp: { client_id: string; client_secret: string };
/** A public (native) application with password-realm and refresh tokens. */
let publicApp: { client_id: string };

const API_REQUIRED = 'https://bound.example/api';
const API_PLAIN = 'https://plain.example/api';
const DB = 'Username-Password-Authentication';
const PASSWORD = 'Xk9#mTq2!vLp';
const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';

/**
 * One HTTPS request to 127.0.0.1 (or from `from`) on `port` with SNI and Host `host`, trusting only
 * the test CA; `cert` is offered only if the server asks for one, as any TLS client does.
 */
function send(options: Omit<TlsRequest, 'port' | 'host' | 'json'> & { port?: number; host?: string }): Promise<Reply> {
  return tlsRequest(ca, { ...options, port: options.port ?? server.port, host: options.host ?? 'dev.localhost' });
}

/** A WHATWG fetch over `send`, with the client certificate, for openid-client and jose. */
function fetchWith(cert: ClientCert): typeof fetch {
  return fetchOver(send, { cert, useUrlHost: true });
}

async function management(method: string, path: string, body?: unknown): Promise<any> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  const res = await new Promise<Reply>((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: server.port, servername: 'dev.localhost', path: `/api/v2${path}`, method, ca, agent: false, headers: { host: `dev.localhost:${server.port}`, authorization: `Bearer ${mgmt}`, ...(json ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) } : {}) } },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(json);
  });
  return res;
}

async function must(method: string, path: string, body?: unknown): Promise<any> {
  const res = await management(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
const clientCredentials = (audience: string, creds = app) => ({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: creds.client_secret, audience });
const passwordLogin = (extra: Record<string, string>) => ({ grant_type: PASSWORD_REALM, username: 'ada@example.com', password: PASSWORD, realm: DB, scope: 'openid offline_access', ...extra });
const alias = () => ({ port: mtlsPort, host: 'mtls.dev.localhost' });

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'tessera-mtls-'));
  const paths = await runDevCert({ outDir: certDir, baseDomain: 'localhost', tenantNames: ['dev'], hosts: ['mtls.dev.localhost', 'mtls.nobody.localhost', 'mtls.manage.localhost', 'mtls.localhost'] });
  ca = await readFile(paths.caCertFile, 'utf8');
  [alice, mallory, acme] = await Promise.all([clientCertificate('alice'), clientCertificate('mallory'), caSignedClientCertificate('CN=acme-m2m')]);
  const clientCaFile = join(certDir, 'client-ca.pem');
  await writeFile(clientCaFile, acme.caPem);
  server = await startServer({
    tls: { certFile: paths.certFile, keyFile: paths.keyFile },
    env: { TESSERA_MTLS_PORT: '0', TRUST_PROXY: '127.0.0.2', TESSERA_MTLS_CA_FILE: clientCaFile },
  });
  mtlsPort = Number(/Tessera mTLS listening on https:\/\/[^:]+:(\d+)/.exec(server.output())![1]);
  const boot = server.bootstrap;
  const token = await send({ path: '/oauth/token', form: { grant_type: 'client_credentials', client_id: boot.client_id, client_secret: boot.client_secret, audience: `https://dev.localhost:${server.port}/api/v2/` } });
  mgmt = token.body.access_token;

  await must('PATCH', '/tenants/settings', { mtls: { enable_endpoint_aliases: true } });
  await must('POST', '/resource-servers', { identifier: API_REQUIRED, name: 'Bound', allow_offline_access: true, proof_of_possession: { mechanism: 'mtls', required: true } });
  await must('POST', '/resource-servers', { identifier: API_PLAIN, name: 'Plain' });
  const grants = ['client_credentials', PASSWORD_REALM, 'refresh_token'];
  // Rotating refresh tokens: a refresh refused after rotation would look like reuse on the retry.
  const rotating = { rotation_type: 'rotating', expiration_type: 'expiring' };
  app = await must('POST', '/clients', { name: 'M2M', app_type: 'non_interactive', grant_types: grants, token_endpoint_auth_method: 'client_secret_post', refresh_token: rotating });
  strictApp = await must('POST', '/clients', { name: 'Strict', app_type: 'non_interactive', grant_types: grants, token_endpoint_auth_method: 'client_secret_post', require_proof_of_possession: true });
  publicApp = await must('POST', '/clients', { name: 'Native', app_type: 'native', grant_types: [PASSWORD_REALM, 'refresh_token'], token_endpoint_auth_method: 'none', refresh_token: rotating });
  for (const c of [app, strictApp]) {
    for (const audience of [API_REQUIRED, API_PLAIN]) await must('POST', '/client-grants', { client_id: c.client_id, audience, scope: [] });
  }
  await must('POST', '/users', { connection: DB, email: 'ada@example.com', password: PASSWORD, email_verified: true });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

describe('discovery and the alias host', () => {
  it('advertises certificate-bound tokens and the aliases on the mTLS listener; openid-client uses them', async () => {
    const doc = (await send({ path: '/.well-known/openid-configuration' })).body;
    expect(doc.tls_client_certificate_bound_access_tokens).toBe(true);
    const base = `https://mtls.dev.localhost:${mtlsPort}`;
    expect(doc.mtls_endpoint_aliases).toEqual({ token_endpoint: `${base}/oauth/token`, revocation_endpoint: `${base}/oauth/revoke`, userinfo_endpoint: `${base}/userinfo`, backchannel_authentication_endpoint: `${base}/bc-authorize` });

    const fetchAlice = fetchWith(alice);
    const config = await client.discovery(new URL(`https://dev.localhost:${server.port}/`), app.client_id, { use_mtls_endpoint_aliases: true }, client.ClientSecretPost(app.client_secret), { [client.customFetch]: fetchAlice });
    config[client.customFetch] = fetchAlice;
    const tokens = await client.clientCredentialsGrant(config, { audience: API_REQUIRED });
    const jwks = (await send({ path: '/.well-known/jwks.json' })).body;
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), { issuer: `https://dev.localhost:${server.port}/`, audience: API_REQUIRED });
    expect(payload.cnf).toEqual({ 'x5t#S256': alice.thumbprint });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
  });

  it('serves only the mTLS endpoints on the alias, and only alias hosts of known tenants on the mTLS listener', async () => {
    expect((await send({ ...alias(), path: '/authorize?client_id=x', cert: alice })).status).toBe(404);
    expect((await send({ ...alias(), path: '/.well-known/openid-configuration', cert: alice })).status).toBe(404);
    expect((await send({ port: mtlsPort, path: '/oauth/token', form: clientCredentials(API_PLAIN), cert: alice })).status).toBe(404);
    expect((await send({ port: mtlsPort, host: 'mtls.nobody.localhost', path: '/oauth/token', form: clientCredentials(API_PLAIN), cert: alice })).status).toBe(404);
    // The admin tenant has no alias.
    expect((await send({ port: mtlsPort, host: 'mtls.manage.localhost', path: '/oauth/token', form: clientCredentials(API_PLAIN), cert: alice })).status).toBe(404);
  });
});

describe('certificate-bound access tokens', () => {
  it('an API requiring proof of possession: bound over mutual TLS, refused without a certificate on the normal host (which never asks for one)', async () => {
    const bound = await send({ ...alias(), path: '/oauth/token', form: clientCredentials(API_REQUIRED), cert: alice });
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
    expect(payloadOf(bound.body.access_token).cnf).toEqual({ 'x5t#S256': alice.thumbprint });
    // The client holds a certificate, but the normal host never asks for it, so none is presented.
    const refused = await send({ path: '/oauth/token', form: clientCredentials(API_REQUIRED), cert: alice });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_request');
    expect(refused.body.error_description).toMatch(/proof_of_possession/);
  });

  it('an API without the requirement: bound when a certificate is presented, a plain bearer token otherwise', async () => {
    const bound = await send({ ...alias(), path: '/oauth/token', form: clientCredentials(API_PLAIN), cert: mallory });
    expect(payloadOf(bound.body.access_token).cnf).toEqual({ 'x5t#S256': mallory.thumbprint });
    const plain = await send({ path: '/oauth/token', form: clientCredentials(API_PLAIN) });
    expect(plain.status).toBe(200);
    expect(payloadOf(plain.body.access_token).cnf).toBeUndefined();
  });

  it('require_proof_of_possession on the application: bound over mutual TLS, refused without', async () => {
    const refused = await send({ path: '/oauth/token', form: clientCredentials(API_PLAIN, strictApp) });
    expect(refused.status).toBe(400);
    expect(refused.body.error_description).toMatch(/require_proof_of_possession/);
    const bound = await send({ ...alias(), path: '/oauth/token', form: clientCredentials(API_PLAIN, strictApp), cert: alice });
    expect(payloadOf(bound.body.access_token).cnf).toEqual({ 'x5t#S256': alice.thumbprint });
  });

  it('express-oauth2-jwt-bearer accepts the bound token only with its certificate', async () => {
    const token = (await send({ ...alias(), path: '/oauth/token', form: clientCredentials(API_REQUIRED), cert: alice })).body.access_token;
    const jwks = JSON.stringify((await send({ path: '/.well-known/jwks.json' })).body);
    const { createServer } = await import('node:http');
    const jwksServer = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(jwks));
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const jwksUri = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/`;
    try {
      const verify = (certificate: string | undefined) =>
        new Promise<unknown>((resolve) => {
          const middleware = auth({ issuer: `https://dev.localhost:${server.port}/`, jwksUri, audience: API_REQUIRED, tokenSigningAlg: 'RS256', getCertificate: () => certificate });
          const headers: Record<string, string> = { authorization: `Bearer ${token}`, host: 'api.example' };
          const req = { headers, query: {}, body: undefined, method: 'GET', protocol: 'https', originalUrl: '/', url: '/', get: (h: string) => headers[h.toLowerCase()], is: () => false } as never;
          void middleware(req, {} as never, (error?: unknown) => resolve(error ?? 'ok'));
        });
      expect(await verify(alice.cert)).toBe('ok');
      expect(await verify(mallory.cert)).toMatchObject({ status: 401 });
      // No certificate for a bound token: the SDK answers 400 invalid_request.
      expect(await verify(undefined)).toMatchObject({ status: 400 });
    } finally {
      jwksServer.close();
    }
  });

  it('DPoP is refused on an API by name (not implemented), mtls accepted', async () => {
    const dpop = await management('POST', '/resource-servers', { identifier: 'https://dpop.example', name: 'DPoP', proof_of_possession: { mechanism: 'dpop', required: true } });
    expect(dpop.status).toBe(400);
    expect(dpop.body.message).toMatch(/^proof_of_possession\.mechanism is not supported/);
  });
});

describe('/userinfo and refresh tokens', () => {
  it('a bound opaque token works at /userinfo only with its certificate (401 invalid_token otherwise)', async () => {
    const login = await send({ ...alias(), path: '/oauth/token', form: passwordLogin({ client_id: app.client_id, client_secret: app.client_secret }), cert: alice });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const bearer = { authorization: `Bearer ${login.body.access_token}` };
    const ok = await send({ ...alias(), path: '/userinfo', headers: bearer, cert: alice });
    expect(ok.status).toBe(200);
    expect(ok.body.sub).toMatch(/^auth0\|/);
    for (const attempt of [send({ ...alias(), path: '/userinfo', headers: bearer, cert: mallory }), send({ path: '/userinfo', headers: bearer, cert: alice })]) {
      const refused = await attempt;
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_token');
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it("a public client's refresh token is bound: refreshing needs the same certificate", async () => {
    const login = await send({ ...alias(), path: '/oauth/token', form: passwordLogin({ client_id: publicApp.client_id }), cert: alice });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const refresh = { grant_type: 'refresh_token', client_id: publicApp.client_id, refresh_token: login.body.refresh_token };
    for (const attempt of [send({ path: '/oauth/token', form: refresh }), send({ ...alias(), path: '/oauth/token', form: refresh, cert: mallory })]) {
      const refused = await attempt;
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('invalid_grant');
    }
    const renewed = await send({ ...alias(), path: '/oauth/token', form: refresh, cert: alice });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    // The rotated token keeps the binding: refused without the certificate, good with it.
    const rotated = { ...refresh, refresh_token: renewed.body.refresh_token };
    expect(rotated.refresh_token).toBeTypeOf('string');
    expect((await send({ path: '/oauth/token', form: rotated })).status).toBe(403);
    const again = await send({ ...alias(), path: '/oauth/token', form: rotated, cert: alice });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    // The revocation endpoint is one of the aliases too.
    const revoked = await send({ ...alias(), path: '/oauth/revoke', form: { client_id: publicApp.client_id, token: login.body.refresh_token }, cert: alice });
    expect(revoked.status).toBe(200);
    expect((await send({ ...alias(), path: '/oauth/token', form: refresh, cert: alice })).status).toBe(403);
  });
});

describe("an API's binding requirement is checked before the grant spends anything", () => {
  it('refresh: refused without a certificate before rotating, so the retry over mutual TLS still works (no family revoked)', async () => {
    const login = await send({ ...alias(), path: '/oauth/token', form: passwordLogin({ client_id: app.client_id, client_secret: app.client_secret, audience: API_REQUIRED }), cert: alice });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(login.body.refresh_token).toBeTypeOf('string');
    const refresh = { grant_type: 'refresh_token', client_id: app.client_id, client_secret: app.client_secret, refresh_token: login.body.refresh_token };
    const refused = await send({ path: '/oauth/token', form: refresh });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_request');
    expect(refused.body.error_description).toMatch(/proof_of_possession/);
    const retried = await send({ ...alias(), path: '/oauth/token', form: refresh, cert: alice });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(payloadOf(retried.body.access_token).cnf).toEqual({ 'x5t#S256': alice.thumbprint });
  });

  it('password: refused before the password is checked (a wrong password gets the same 400, not a failed login)', async () => {
    const wrong = await send({ path: '/oauth/token', form: passwordLogin({ client_id: app.client_id, client_secret: app.client_secret, audience: API_REQUIRED, password: 'wrong-password' }) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error_description).toMatch(/proof_of_possession/);
  });
});

describe('the Management API and certificate-bound tokens', () => {
  it('a bound Management API token is refused without its certificate (401 invalid_token, Management format), accepted with it', async () => {
    const boot = server.bootstrap;
    const issued = await send({ ...alias(), path: '/oauth/token', form: { grant_type: 'client_credentials', client_id: boot.client_id, client_secret: boot.client_secret, audience: `https://dev.localhost:${server.port}/api/v2/` }, cert: alice });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(payloadOf(issued.body.access_token).cnf).toEqual({ 'x5t#S256': alice.thumbprint });
    const bearer = { authorization: `Bearer ${issued.body.access_token}` };
    for (const attempt of [send({ path: '/api/v2/clients?fields=client_id', headers: bearer }), send({ path: '/api/v2/clients?fields=client_id', headers: { ...bearer, 'client-certificate': encodeURIComponent(mallory.cert) }, from: '127.0.0.2' })]) {
      const refused = await attempt;
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', errorCode: 'invalid_token' });
      expect(refused.body.message).toMatch(/certificate/);
    }
    const ok = await send({ path: '/api/v2/clients?fields=client_id', headers: { ...bearer, 'client-certificate': encodeURIComponent(alice.cert) }, from: '127.0.0.2' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it('the alias host answers management paths 404 in the Management API format', async () => {
    const res = await send({ ...alias(), path: '/api/v2/clients', cert: alice });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, errorCode: 'not_found' });
  });
});

describe('the mTLS listener believes no forwarded header', () => {
  it('X-Forwarded-Host and X-Forwarded-For from a trusted proxy address are ignored: the host is the Host, the IP is the socket', async () => {
    const agent = `mtls-xff-${Date.now()}`;
    const res = await send({
      ...alias(),
      path: '/oauth/token',
      form: clientCredentials(API_PLAIN),
      cert: alice,
      from: '127.0.0.2',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': 'mtls.nobody.localhost', 'x-forwarded-proto': 'http', 'user-agent': agent },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    let entry: any;
    for (let i = 0; i < 50 && !entry; i++) {
      const logs = await must('GET', `/logs?q=${encodeURIComponent('type:seccft')}&per_page=100`);
      entry = (logs as any[]).find((e) => e.user_agent === agent);
      if (!entry) await new Promise((r) => setTimeout(r, 100));
    }
    expect(entry, 'the token request was logged').toBeDefined();
    expect(entry.ip).toBe('127.0.0.2');
  });
});

describe('behind an edge: the client-certificate header', () => {
  const edgeHeaders = (cert: ClientCert) => ({ 'client-certificate': encodeURIComponent(cert.cert), 'client-certificate-ca-verified': 'FAILED: self signed certificate' });

  it('is believed from the trusted proxy, on the normal and the alias host', async () => {
    for (const host of ['dev.localhost', 'mtls.dev.localhost']) {
      const res = await send({ host, path: '/oauth/token', form: clientCredentials(API_REQUIRED), headers: edgeHeaders(alice), from: '127.0.0.2' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(payloadOf(res.body.access_token).cnf).toEqual({ 'x5t#S256': alice.thumbprint });
    }
  });

  it('is ignored from anyone else (a spoofed header binds nothing and proves nothing)', async () => {
    const res = await send({ path: '/oauth/token', form: clientCredentials(API_REQUIRED), headers: edgeHeaders(alice), from: '127.0.0.1' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    const token = (await send({ ...alias(), path: '/oauth/token', form: passwordLogin({ client_id: app.client_id, client_secret: app.client_secret }), cert: alice })).body.access_token;
    const spoofed = await send({ path: '/userinfo', headers: { authorization: `Bearer ${token}`, ...edgeHeaders(alice) } });
    expect(spoofed.status).toBe(401);
  });

  it('sent twice (Node would join the two into one value): 400 invalid_request, for either header', async () => {
    const twice: Record<string, string | string[]>[] = [
      { 'client-certificate': [encodeURIComponent(alice.cert), encodeURIComponent(mallory.cert)] },
      { 'client-certificate': encodeURIComponent(alice.cert), 'client-certificate-ca-verified': ['SUCCESS', 'FAILED'] },
    ];
    for (const headers of twice) {
      const res = await send({ path: '/oauth/token', form: clientCredentials(API_PLAIN), headers, from: '127.0.0.2' });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.error_description).toMatch(/must be sent once/);
    }
  });

  it('a valid certificate padded past 4096 bytes is refused for its size', async () => {
    const padded = encodeURIComponent(alice.cert) + '%20'.repeat(1400);
    expect(Buffer.byteLength(padded)).toBeGreaterThan(4096);
    const res = await send({ path: '/oauth/token', form: clientCredentials(API_PLAIN), headers: { 'client-certificate': padded }, from: '127.0.0.2' });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toBe('The client-certificate header must not exceed 4096 bytes.');
  });

  it('malformed on /api/v2: 400 in the Management API format', async () => {
    const res = await send({ path: '/api/v2/clients', headers: { authorization: `Bearer ${mgmt}`, 'client-certificate': 'not-a-certificate' }, from: '127.0.0.2' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_request' });
  });

  it('oversized or malformed from the trusted proxy: 400 invalid_request, never a 500', async () => {
    const cases = ['x'.repeat(4097), 'not-a-certificate', '%E0%A4%A', encodeURIComponent('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')];
    for (const value of cases) {
      const res = await send({ path: '/oauth/token', form: clientCredentials(API_PLAIN), headers: { 'client-certificate': value }, from: '127.0.0.2' });
      expect(res.status, value.slice(0, 40)).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });
});

describe('client authentication by certificate (openid-client TlsClientAuth over mutual TLS)', () => {
  /** A client_credentials application authenticating with `method` and the given credential instead of a secret. */
  async function certificateApp(method: 'tls_client_auth' | 'self_signed_tls_client_auth', credential: Record<string, unknown>) {
    const created = await must('POST', '/clients', { name: `By ${method}`, app_type: 'non_interactive', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
    await must('POST', '/client-grants', { client_id: created.client_id, audience: API_PLAIN, scope: [] });
    const stored = await must('POST', `/clients/${created.client_id}/credentials`, { name: 'certificate', ...credential });
    await must('PATCH', `/clients/${created.client_id}`, { token_endpoint_auth_method: null, client_authentication_methods: { [method]: { credentials: [{ id: stored.id }] } } });
    return created as { client_id: string; client_secret: string };
  }

  async function tokenWith(clientId: string, cert: ClientCert) {
    const fetchCert = fetchWith(cert);
    const config = await client.discovery(new URL(`https://dev.localhost:${server.port}/`), clientId, { use_mtls_endpoint_aliases: true }, client.TlsClientAuth(), { [client.customFetch]: fetchCert });
    config[client.customFetch] = fetchCert;
    return client.clientCredentialsGrant(config, { audience: API_PLAIN });
  }

  it('discovery lists both certificate methods', async () => {
    const doc = (await send({ path: '/.well-known/openid-configuration' })).body;
    expect(doc.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['tls_client_auth', 'self_signed_tls_client_auth']));
  });

  it('self_signed_tls_client_auth: the registered certificate gets a bound token; another certificate, none, or the old secret are invalid_client', async () => {
    const selfSigned = await certificateApp('self_signed_tls_client_auth', { credential_type: 'x509_cert', pem: alice.cert });
    const tokens = await tokenWith(selfSigned.client_id, alice);
    expect(payloadOf(tokens.access_token).cnf).toEqual({ 'x5t#S256': alice.thumbprint });
    await expect(tokenWith(selfSigned.client_id, mallory)).rejects.toMatchObject({ error: 'invalid_client' });
    const noCertificate = await send({ path: '/oauth/token', form: { grant_type: 'client_credentials', client_id: selfSigned.client_id, audience: API_PLAIN } });
    expect(noCertificate.status).toBe(401);
    const secret = await send({ ...alias(), path: '/oauth/token', form: clientCredentials(API_PLAIN, selfSigned), cert: alice });
    expect(secret.status).toBe(401);
    expect(secret.body.error).toBe('invalid_client');
  });

  it('tls_client_auth: a certificate the trusted client CA issued for the registered subject DN; a self-signed one with the same DN is refused', async () => {
    const caSigned = await certificateApp('tls_client_auth', { credential_type: 'cert_subject_dn', subject_dn: 'CN=acme-m2m' });
    const tokens = await tokenWith(caSigned.client_id, acme.leaf);
    expect(payloadOf(tokens.access_token).cnf).toEqual({ 'x5t#S256': acme.leaf.thumbprint });
    // Same subject, but no chain to the client CA: the handshake does not verify it, so it proves nothing.
    await expect(tokenWith(caSigned.client_id, acme.impostor)).rejects.toMatchObject({ error: 'invalid_client' });
    await expect(tokenWith(caSigned.client_id, alice)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('tls_client_auth behind the edge: SUCCESS from the trusted proxy authenticates; FAILED (self-signed) or a spoofing peer does not', async () => {
    const caSigned = await certificateApp('tls_client_auth', { credential_type: 'cert_subject_dn', subject_dn: 'CN=acme-m2m' });
    const form = { grant_type: 'client_credentials', client_id: caSigned.client_id, audience: API_PLAIN };
    const header = (verified: string) => ({ 'client-certificate': encodeURIComponent(acme.leaf.cert), 'client-certificate-ca-verified': verified });
    const viaEdge = await send({ path: '/oauth/token', form, headers: header('SUCCESS'), from: '127.0.0.2' });
    expect(viaEdge.status, JSON.stringify(viaEdge.body)).toBe(200);
    expect(payloadOf(viaEdge.body.access_token).cnf).toEqual({ 'x5t#S256': acme.leaf.thumbprint });
    expect((await send({ path: '/oauth/token', form, headers: header('FAILED'), from: '127.0.0.2' })).status).toBe(401);
    expect((await send({ path: '/oauth/token', form, headers: header('SUCCESS') })).status).toBe(401);
  });
});

describe('pushed authorization requests over mutual TLS (RFC 9126 with RFC 8705)', () => {
  it('POST /oauth/par on the alias host authenticates tls_client_auth; discovery lists it among the aliases while the tenant allows PAR', async () => {
    await must('PATCH', '/tenants/settings', { pushed_authorization_requests_supported: true });
    try {
      const created = await must('POST', '/clients', { name: 'PAR by certificate', app_type: 'regular_web', callbacks: ['https://app.example.com/callback'], grant_types: ['authorization_code'] });
      const stored = await must('POST', `/clients/${created.client_id}/credentials`, { name: 'certificate', credential_type: 'cert_subject_dn', subject_dn: 'CN=acme-m2m' });
      await must('PATCH', `/clients/${created.client_id}`, { token_endpoint_auth_method: null, client_authentication_methods: { tls_client_auth: { credentials: [{ id: stored.id }] } } });
      const form = { client_id: created.client_id, redirect_uri: 'https://app.example.com/callback', response_type: 'code', scope: 'openid', state: 'by-cert' };
      const pushed = await send({ ...alias(), path: '/oauth/par', form, cert: acme.leaf });
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
      expect(pushed.body).toEqual({ request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:/), expires_in: 30 });
      expect((await send({ ...alias(), path: '/oauth/par', form, cert: alice })).status).toBe(401);
      expect((await send({ path: '/oauth/par', form })).status).toBe(401);
      const doc = (await send({ path: '/.well-known/openid-configuration' })).body;
      expect(doc.mtls_endpoint_aliases.pushed_authorization_request_endpoint).toBe(`https://mtls.dev.localhost:${mtlsPort}/oauth/par`);
    } finally {
      await must('PATCH', '/tenants/settings', { pushed_authorization_requests_supported: false });
    }
  });
});

describe('CIBA over mutual TLS (OpenID CIBA with RFC 8705)', () => {
  it('POST /bc-authorize on the alias host authenticates tls_client_auth and polls there; another certificate or none is invalid_client', async () => {
    const created = await must('POST', '/clients', { name: 'CIBA by certificate', app_type: 'regular_web', grant_types: ['urn:openid:params:grant-type:ciba'], async_approval_notification_channels: ['email'] });
    const stored = await must('POST', `/clients/${created.client_id}/credentials`, { name: 'certificate', credential_type: 'cert_subject_dn', subject_dn: 'CN=acme-m2m' });
    await must('PATCH', `/clients/${created.client_id}`, { token_endpoint_auth_method: null, client_authentication_methods: { tls_client_auth: { credentials: [{ id: stored.id }] } } });
    const [ada] = await must('GET', `/users-by-email?email=${encodeURIComponent('ada@example.com')}`);
    const form = {
      client_id: created.client_id,
      scope: 'openid',
      login_hint: JSON.stringify({ format: 'iss_sub', iss: `https://dev.localhost:${server.port}/`, sub: ada.user_id }),
      binding_message: 'MTLS-1',
      requested_expiry: '600',
    };
    const started = await send({ ...alias(), path: '/bc-authorize', form, cert: acme.leaf });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ expires_in: 600, interval: 5 });
    expect((await send({ ...alias(), path: '/bc-authorize', form, cert: alice })).status).toBe(401);
    expect((await send({ path: '/bc-authorize', form })).status).toBe(401);
    const polled = await send({ ...alias(), path: '/oauth/token', form: { grant_type: 'urn:openid:params:grant-type:ciba', client_id: created.client_id, auth_req_id: started.body.auth_req_id }, cert: acme.leaf });
    expect(polled.status).toBe(400);
    expect(polled.body.error).toBe('authorization_pending');
    const doc = (await send({ path: '/.well-known/openid-configuration' })).body;
    expect(doc.mtls_endpoint_aliases.backchannel_authentication_endpoint).toBe(`https://mtls.dev.localhost:${mtlsPort}/bc-authorize`);
  });
});

describe('a tenant named mtls (from before the name was reserved)', () => {
  it("never receives the default tenant's alias on the mTLS listener; discovery of the bare base domain advertises no alias it owns", async () => {
    // `mtls` is refused on create now: a tenant is created under another name and renamed in the database, as an old one would be.
    await server.cli('tenants', 'create', 'legacy');
    await withRawDatabase(server.database, (db) => db.updateTable('tenants').set({ name: 'mtls' }).where('name', '=', 'legacy').execute());
    // The main listener: mtls.localhost is that tenant's own host.
    const own = await send({ host: 'mtls.localhost', path: '/.well-known/openid-configuration' });
    expect(own.status).toBe(200);
    expect(own.body.issuer).toBe(`https://mtls.localhost:${server.port}/`);
    // The default tenant on the bare base domain does not advertise an alias another tenant owns; on its own host it does.
    expect((await send({ host: 'localhost', path: '/.well-known/openid-configuration' })).body.mtls_endpoint_aliases).toBeUndefined();
    expect((await send({ path: '/.well-known/openid-configuration' })).body.mtls_endpoint_aliases).toBeDefined();
    // The mTLS listener resolves mtls.localhost as the alias of localhost (the default tenant), never as the tenant `mtls`.
    const token = await send({ port: mtlsPort, host: 'mtls.localhost', path: '/oauth/token', form: clientCredentials(API_PLAIN), cert: alice });
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(payloadOf(token.body.access_token).iss).toBe(`https://localhost:${server.port}/`);
  });
});

describe('the alias switch', () => {
  it('turning mtls.enable_endpoint_aliases off removes the alias host', async () => {
    await must('PATCH', '/tenants/settings', { mtls: { enable_endpoint_aliases: false } });
    expect((await send({ ...alias(), path: '/oauth/token', form: clientCredentials(API_PLAIN), cert: alice })).status).toBe(404);
    expect((await send({ path: '/.well-known/openid-configuration' })).body.mtls_endpoint_aliases).toBeUndefined();
    await must('PATCH', '/tenants/settings', { mtls: { enable_endpoint_aliases: true } });
  });
});

/**
 * Issue 17 item 5: FAPI 2.0 Security Profile compliance levels (docs: "Configure FAPI Compliance",
 * domain/clients/compliance-levels.ts). Each `it` names the rows of the docs' tables it proves.
 */
describe('compliance_level fapi2_sp_pkj_mtls and fapi2_sp_mtls_mtls', () => {
  const CB = 'https://fapi.example/cb';
  const issuer = () => `https://dev.localhost:${server.port}/`;
  const base = () => `https://dev.localhost:${server.port}`;
  let pkj: { client_id: string };
  let signer: webcrypto.CryptoKey;
  let kid: string;
  let mtlsApp: { client_id: string };
  const verifier = 'v'.repeat(50);
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  /** A fetch over `send` for FormBrowser: keeps every Set-Cookie. */
  const browserFetch = fetchOver(send);

  const assertion = (clientId: string, aud: string) =>
    new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(clientId).setSubject(clientId).setAudience(aud).setJti(`${Math.random()}`).setIssuedAt().setExpirationTime('60s').sign(signer);
  const pkjAuth = async (aud = issuer()) => ({ client_id: pkj.client_id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(pkj.client_id, aud) });
  const pushParams = (extra: Record<string, string> = {}) => ({ response_type: 'code', redirect_uri: CB, scope: 'openid profile', state: 'fapi-state', code_challenge: challenge, code_challenge_method: 'S256', ...extra });

  /** Pushes, logs in through the hosted page and returns the callback URL. */
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

  it('Management API: refused while the tenant does not allow PAR, without the profile’s authentication method, and when the method is switched away', async () => {
    const created = await must('POST', '/clients', { name: 'FAPI pkj', app_type: 'regular_web', callbacks: [CB], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'client_secret_post' });
    pkj = created;
    const parOff = await management('PATCH', `/clients/${pkj.client_id}`, { compliance_level: 'fapi2_sp_pkj_mtls' });
    expect(parOff.status).toBe(400);
    expect(parOff.body.message).toMatch(/'compliance_level' needs the tenant setting 'pushed_authorization_requests_supported'/);
    await must('PATCH', '/tenants/settings', { pushed_authorization_requests_supported: true });
    const secretApp = await management('PATCH', `/clients/${pkj.client_id}`, { compliance_level: 'fapi2_sp_pkj_mtls' });
    expect(secretApp.status).toBe(400);
    expect(secretApp.body.message).toMatch(/'compliance_level' fapi2_sp_pkj_mtls requires .*private_key_jwt/);
    const fapi1 = await management('PATCH', `/clients/${pkj.client_id}`, { compliance_level: 'fapi1_adv_pkj_par' });
    expect(fapi1.status).toBe(400);
    expect(fapi1.body.message).toMatch(/'compliance_level' fapi1_adv_pkj_par requires .*private_key_jwt/);

    const alg = { name: 'ECDSA', namedCurve: 'P-256' };
    const pair = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    signer = pair.privateKey;
    const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
    const cred = await must('POST', `/clients/${pkj.client_id}/credentials`, { credential_type: 'public_key', alg: 'ES256', pem: `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n` });
    kid = cred.kid;
    await must('PATCH', `/clients/${pkj.client_id}`, { token_endpoint_auth_method: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.id }] } }, compliance_level: 'fapi2_sp_pkj_mtls' });
    // Or in one POST, the credential given whole (as Auth0 documents the level on create).
    const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
    const inline = await must('POST', '/clients', {
      name: 'FAPI in one request',
      app_type: 'regular_web',
      callbacks: [CB],
      grant_types: ['authorization_code', 'refresh_token'],
      compliance_level: 'fapi2_sp_pkj_mtls',
      client_authentication_methods: { private_key_jwt: { credentials: [{ credential_type: 'public_key', alg: 'ES256', pem }] } },
    });
    expect(inline).toMatchObject({ compliance_level: 'fapi2_sp_pkj_mtls', token_endpoint_auth_method: null });
    const away = await management('PATCH', `/clients/${pkj.client_id}`, { token_endpoint_auth_method: 'client_secret_post', client_authentication_methods: null });
    expect(away.status).toBe(400);
    expect(away.body.message).toMatch(/compliance_level/);
    expect((await must('GET', `/clients/${pkj.client_id}`)).compliance_level).toBe('fapi2_sp_pkj_mtls');
    // Discovery is unchanged by a client setting.
    const doc = (await send({ path: '/.well-known/openid-configuration' })).body;
    expect(doc.authorization_response_iss_parameter_supported).toBeUndefined();
  });

  it('rows 2-7 at /oauth/par and /authorize: PAR required, PKCE S256, code only, the profile’s method only, aud exactly the issuer, redirect_uri pushed', async () => {
    const page = await send({ path: `/authorize?${new URLSearchParams({ client_id: pkj.client_id, ...pushParams() })}` });
    expect(page.status).toBe(400);
    expect(String(page.body)).toMatch(/Pushed Authorization Requests are required/);
    const push = async (params: Record<string, string>, auth?: Record<string, string>) => send({ ...alias(), path: '/oauth/par', form: { ...(auth ?? (await pkjAuth())), ...params }, cert: alice });
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [pushParams({ code_challenge: '', code_challenge_method: '' }), 'invalid_request', /S256/],
      [pushParams({ code_challenge: 'p'.repeat(43), code_challenge_method: 'plain' }), 'invalid_request', /S256/],
      [pushParams({ response_type: 'code id_token', nonce: 'n' }), 'unsupported_response_type', /response_type must be code/],
      [pushParams({ redirect_uri: '' }), 'invalid_request', /redirect_uri/],
    ];
    for (const [params, error, description] of cases) {
      const res = await push(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== '')));
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body.error).toBe(error);
      expect(res.body.error_description).toMatch(description);
    }
    for (const aud of [`${base()}/oauth/par`, `https://mtls.dev.localhost:${mtlsPort}/oauth/par`, `${base()}/oauth/token`]) {
      const res = await push(pushParams(), await pkjAuth(aud));
      expect(res.status, aud).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    }
    const noAuth = await push(pushParams(), { client_id: pkj.client_id });
    expect(noAuth.status).toBe(401);
    expect((await push(pushParams())).status).toBe(201);
  });

  it('a compliant flow end to end: code with iss (tenant setting off), 60 s code, bound tokens, numeric updated_at, /userinfo by header only', async () => {
    const pushed = await send({ ...alias(), path: '/oauth/par', form: { ...(await pkjAuth()), ...pushParams() }, cert: alice });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    const callback = await authorize(pkj.client_id, pushed.body.request_uri);
    expect(callback.searchParams.get('iss')).toBe(issuer());
    const code = callback.searchParams.get('code')!;
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier };
    // Without a client certificate: refused before the code is spent (row 8).
    const unbound = await send({ path: '/oauth/token', form: { ...(await pkjAuth()), ...exchange } });
    expect(unbound.status).toBe(400);
    expect(unbound.body).toMatchObject({ error: 'invalid_request' });
    expect(unbound.body.error_description).toMatch(/compliance_level fapi2_sp_pkj_mtls/);
    // An assertion for the token endpoint instead of the issuer (row 6).
    const wrongAud = await send({ ...alias(), path: '/oauth/token', form: { ...(await pkjAuth(`${base()}/oauth/token`)), ...exchange }, cert: alice });
    expect(wrongAud.status).toBe(401);
    const tokens = await send({ ...alias(), path: '/oauth/token', form: { ...(await pkjAuth()), ...exchange }, cert: alice });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    const idToken = payloadOf(tokens.body.id_token);
    expect(typeof idToken.updated_at).toBe('number');
    // /userinfo: the query and body parameter are refused (row 1); the header with the certificate works.
    const byQuery = await send({ ...alias(), path: `/userinfo?access_token=${encodeURIComponent(tokens.body.access_token)}`, cert: alice });
    expect(byQuery.status).toBe(401);
    const byBody = await send({ ...alias(), path: '/userinfo', form: { access_token: tokens.body.access_token }, cert: alice });
    expect(byBody.status).toBe(401);
    const noCert = await send({ path: '/userinfo', headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect(noCert.status).toBe(401);
    const info = await send({ ...alias(), path: '/userinfo', headers: { authorization: `Bearer ${tokens.body.access_token}` }, cert: alice });
    expect(info.status, JSON.stringify(info.body)).toBe(200);
    expect(typeof info.body.updated_at).toBe('number');
    expect(info.body.updated_at).toBe(idToken.updated_at);
  });

  it('row 10 on errors too (RFC 9207 §2): a redirected error for a FAPI client carries iss with the tenant setting off', async () => {
    const pushed = await send({ ...alias(), path: '/oauth/par', form: { ...(await pkjAuth()), ...pushParams({ prompt: 'none', state: 'silent' }) }, cert: alice });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    const res = await send({ path: `/authorize?${new URLSearchParams({ client_id: pkj.client_id, request_uri: pushed.body.request_uri })}` });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location as string);
    expect(location.origin + location.pathname).toBe(CB);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'login_required', state: 'silent', iss: issuer() });
  });

  it('openid-client v6 end to end: JAR pushed by PAR, PKCE S256, private_key_jwt and certificate-bound tokens over the mTLS aliases', async () => {
    // The same EC key verifies the application's request objects (signed_request_object) and its assertions.
    const credentials = (await management('GET', `/clients/${pkj.client_id}/credentials`)).body as Array<{ id: string }>;
    await must('PATCH', `/clients/${pkj.client_id}`, { signed_request_object: { credentials: [{ id: credentials[0]!.id }] } });
    const fetchAlice = fetchWith(alice);
    const config = await client.discovery(new URL(issuer()), pkj.client_id, { use_mtls_endpoint_aliases: true }, client.PrivateKeyJwt({ key: signer, kid }), { [client.customFetch]: fetchAlice });
    config[client.customFetch] = fetchAlice;
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const { searchParams: signed } = await client.buildAuthorizationUrlWithJAR(
      config,
      { redirect_uri: CB, scope: 'openid profile', state, code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256' },
      { key: signer, kid },
    );
    expect([...signed.keys()].sort()).toEqual(['client_id', 'request']);
    const url = await client.buildAuthorizationUrlWithPAR(config, signed);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const callback = await authorize(pkj.client_id, url.searchParams.get('request_uri')!);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ iss: issuer(), aud: pkj.client_id, updated_at: expect.any(Number) });
    // The access token is bound to alice's certificate: openid-client presents it on the alias; without it, refused.
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.updated_at).toEqual(expect.any(Number));
    const unbound = await send({ path: '/userinfo', headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(unbound.status).toBe(401);
    await must('PATCH', `/clients/${pkj.client_id}`, { signed_request_object: null });
  });

  it('no password or passwordless grant, and no unauthenticated /passwordless/start, for a FAPI client; Auth0’s own error codes stay for others', async () => {
    // The grant types are the profile's (Management API, on the merged application).
    const password = await management('PATCH', `/clients/${pkj.client_id}`, { grant_types: ['authorization_code', 'refresh_token', PASSWORD_REALM] });
    expect(password.status).toBe(400);
    expect(password.body.message).toMatch(/'compliance_level' fapi2_sp_pkj_mtls allows only the grant_types .*not http:\/\/auth0\.com\/oauth\/grant-type\/password-realm/);
    expect((await must('GET', `/clients/${pkj.client_id}`)).grant_types).toEqual(['authorization_code', 'refresh_token']);
    // /passwordless/start names the application only with its profile's authentication.
    const start = await send({ path: '/passwordless/start', form: { client_id: pkj.client_id, connection: 'email', email: 'ada@example.com', send: 'code' } });
    expect(start.status).toBe(401);
    expect(start.body.error).toBe('invalid_client');
    // A blocked user at the password grant: Auth0's `unauthorized` for an application without a level
    // (the standard-codes mapping of a FAPI client is unit-tested in test/unit/compliance-levels.test.ts).
    await must('POST', '/users', { connection: DB, email: 'blocked@example.com', password: PASSWORD, email_verified: true, blocked: true });
    const login = { grant_type: PASSWORD_REALM, username: 'blocked@example.com', password: PASSWORD, realm: DB, scope: 'openid' };
    const plain = await send({ ...alias(), path: '/oauth/token', form: { client_id: app.client_id, client_secret: app.client_secret, ...login }, cert: alice });
    expect(plain.body.error).toBe('unauthorized');
  });

  it('fapi2_sp_mtls_mtls: certificate authentication only at par, token and revoke; bound tokens', async () => {
    const created = await must('POST', '/clients', { name: 'FAPI mtls', app_type: 'regular_web', callbacks: [CB], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'client_secret_post' });
    const stored = await must('POST', `/clients/${created.client_id}/credentials`, { name: 'certificate', credential_type: 'x509_cert', pem: alice.cert });
    await must('PATCH', `/clients/${created.client_id}`, { token_endpoint_auth_method: null, client_authentication_methods: { self_signed_tls_client_auth: { credentials: [{ id: stored.id }] } }, compliance_level: 'fapi2_sp_mtls_mtls' });
    mtlsApp = created;
    const other = await management('PATCH', `/clients/${created.client_id}`, { client_authentication_methods: { private_key_jwt: { credentials: [{ id: stored.id }] } } });
    expect(other.status).toBe(400);
    const withoutCert = await send({ path: '/oauth/par', form: { client_id: mtlsApp.client_id, ...pushParams() } });
    expect(withoutCert.status).toBe(401);
    const pushed = await send({ ...alias(), path: '/oauth/par', form: { client_id: mtlsApp.client_id, ...pushParams() }, cert: alice });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    const callback = await authorize(mtlsApp.client_id, pushed.body.request_uri);
    expect(callback.searchParams.get('iss')).toBe(issuer());
    const tokens = await send({ ...alias(), path: '/oauth/token', form: { client_id: mtlsApp.client_id, grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CB, code_verifier: verifier }, cert: alice });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(payloadOf(tokens.body.id_token).updated_at).toEqual(expect.any(Number));
    const revokeWithout = await send({ path: '/oauth/revoke', form: { client_id: mtlsApp.client_id, token: tokens.body.access_token } });
    expect(revokeWithout.status).toBe(401);
    const revoked = await send({ ...alias(), path: '/oauth/revoke', form: { client_id: mtlsApp.client_id, token: tokens.body.access_token }, cert: alice });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
  });
});
