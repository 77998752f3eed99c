/**
 * The mutual-TLS client authentication methods (RFC 8705 §2; docs: "Configure mTLS Authentication
 * for a Client") over their seam: the presented certificate (`peerCertificate()`, however it
 * arrived) against the client's registered credentials. `tls_client_auth` needs a CA-verified
 * certificate whose subject DN is registered; `self_signed_tls_client_auth` needs the very
 * certificate registered (SHA-256 thumbprint). Also the Management API side: which credential type
 * each method accepts, and that a client registered for mTLS no longer authenticates with its secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { createSelfSignedCertificate } from '../../src/crypto/x509.js';
import { tlsClientAuth } from '../../src/auth-api/client-auth/methods/tls-client-auth.js';
import { selfSignedTlsClientAuth } from '../../src/auth-api/client-auth/methods/self-signed-tls-client-auth.js';
import type { ClientCredentials, PresentedCertificate } from '../../src/auth-api/client-auth/credentials.js';
import type { ClientAuthContext } from '../../src/auth-api/client-auth/method.js';
import { parseDn, sameDn } from '../../src/domain/clients/credential-material.js';
import { authenticatesWithSecret } from '../../src/domain/clients/authentication-methods.js';
import type { Client } from '../../src/domain/clients/client.js';
import { startInProcess, type InProcessServer } from '../support/in-process.js';

let server: InProcessServer;
let token: string;
let context: ClientAuthContext;

async function certificate(commonName: string, validDays?: number): Promise<{ pem: string; x509: X509Certificate }> {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { pem } = await createSelfSignedCertificate({ privateKey: pair.privateKey, publicKey: pair.publicKey, commonName, ...(validDays ? { validDays } : {}) });
  return { pem, x509: new X509Certificate(pem) };
}

const presenting = (presented: PresentedCertificate | undefined, clientId: string): ClientCredentials => ({ authorization: undefined, params: { client_id: clientId }, peerCertificate: () => presented });

beforeAll(async () => {
  // The in-process requests come from 127.0.0.1: named as the edge, it may forward client certificates.
  server = await startInProcess({ env: { TRUST_PROXY: '127.0.0.1' } });
  token = await server.tokenFor('dev');
  const tenant = (await server.services.tenants.findByName('dev'))!;
  context = { services: server.services, tenant, issuer: `${server.originOf('dev')}/` };
});
afterAll(async () => server?.close());

const api = (method: string, path: string, body?: unknown) => server.api('dev', token, method, path, body);
const UNDISCLOSED = { statusCode: 401, error: 'invalid_client', description: 'Client authentication failed.' };
const DAY_MS = 86_400_000;

/** Runs `check` with the server's clock moved by `ms`, and moves it back whatever happens. */
async function atOffset(ms: number, check: () => Promise<unknown>): Promise<void> {
  server.clock.advance(ms);
  try {
    await check();
  } finally {
    server.clock.advance(-ms);
  }
}

/** A certificate on brainpoolP256r1 (public material only): Node cannot export its key as a JWK. */
const BRAINPOOL_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUfSAJXdZUz8LEM07C5VU842RCtoQwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRYnJhaW5wb29sLmV4YW1wbGUwIBcNMjYxMjA3MTMwNDQ3WhgP
MjEyNjExMTMxMzA0NDdaMBwxGjAYBgNVBAMMEWJyYWlucG9vbC5leGFtcGxlMFow
FAYHKoZIzj0CAQYJKyQDAwIIAQEHA0IABH2YOW/lLx4wYaPciISMQFFDu1EIXgIW
hXxx40kYHq3AO37rMEzSoORIG0ddmib8ALA1ac5PkDrEOAK3JO9kIDajUzBRMB0G
A1UdDgQWBBRV1MWL6+0qZbOmNHLLcbQTN5swJzAfBgNVHSMEGDAWgBRV1MWL6+0q
ZbOmNHLLcbQTN5swJzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQC
IFvtTz7tRBpTlP1gUCUSx/iyuWCDBMHWjKYIeh8oOcU9AiAnhGj3y8CD+/vCuyiP
4RYy4VsnIa4LCE09w5ZnRGQR6w==
-----END CERTIFICATE-----\n`;

async function clientWith(method: 'tls_client_auth' | 'self_signed_tls_client_auth', credential: Record<string, unknown>) {
  const created = await api('POST', '/api/v2/clients', { name: `mtls ${method}`, app_type: 'non_interactive' });
  const cred = await api('POST', `/api/v2/clients/${created.body.client_id}/credentials`, { name: 'cert', ...credential });
  expect(cred.status, JSON.stringify(cred.body)).toBe(201);
  const patched = await api('PATCH', `/api/v2/clients/${created.body.client_id}`, { client_authentication_methods: { [method]: { credentials: [{ id: cred.body.id }] } } });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  const client = (await server.services.clients.find(context.tenant.id, 'dev', created.body.client_id))!;
  return { client, credential: cred.body, secret: created.body.client_secret as string };
}

describe('distinguished names', () => {
  it('compares DNs RDN by RDN, in order or fully reversed, whatever the notation', () => {
    expect(sameDn('CN=client.example,O=Acme,C=XX', 'C=XX\nO=Acme\nCN=client.example')).toBe(true);
    expect(sameDn('/C=XX/O=Acme/CN=client.example', 'cn=client.example, o=Acme, c=XX')).toBe(true);
    expect(sameDn('CN=client.example,O=Acme,C=XX', 'CN=client.example,O=Acme,C=XX')).toBe(true);
    expect(sameDn('CN=client.example,O=Acme', 'CN=client.example,O=Acme,OU=Extra')).toBe(false);
    expect(sameDn('CN=client.example', 'CN=Client.example')).toBe(false);
    expect(parseDn('not a dn')).toEqual([]);
  });

  it('keeps the order of RDNs (only a full reversal is the same name), and multi-valued RDNs apart from separate ones', () => {
    expect(sameDn('OU=A,OU=B,O=Acme', 'OU=B,OU=A,O=Acme')).toBe(false);
    expect(sameDn('CN=x,OU=A,O=Acme', 'OU=A,CN=x,O=Acme')).toBe(false);
    expect(sameDn('CN=x+O=y', 'CN=x,O=y')).toBe(false);
    // Within one RDN the attributes are a set.
    expect(sameDn('CN=x+UID=y,O=Acme', 'UID=y+CN=x,O=Acme')).toBe(true);
    // Node's own form (X509Certificate.subject: the certificate's order, " + " inside an RDN) against RFC 4514's reversed string.
    expect(sameDn('C=XX\nO=Acme\\, Inc\nOU=B\nOU=A\nCN=x + UID=y', 'UID=y+CN=x,OU=A,OU=B,O=Acme\\, Inc,C=XX')).toBe(true);
    expect(sameDn('C=XX\nO=Acme\\, Inc\nOU=B\nOU=A\nCN=x + UID=y', 'UID=y+CN=x,OU=B,OU=A,O=Acme\\, Inc,C=XX')).toBe(false);
  });

  it('reads RFC 4514 escapes: an escaped separator is part of the value, hex pairs are UTF-8', () => {
    expect(parseDn('CN=a\\,b,O=c')).toEqual([['CN=a,b'], ['O=c']]);
    expect(parseDn('CN=a\\+b=c')).toEqual([['CN=a+b=c']]);
    expect(sameDn('CN=caf\\C3\\A9', 'CN=café')).toBe(true);
    expect(sameDn('CN=a\\,b', 'CN=a,B=b')).toBe(false);
    expect(sameDn('CN=x\\ ', 'CN=x')).toBe(false);
    expect(sameDn('CN= x ', 'CN=x')).toBe(true);
    expect(parseDn('CN=dangling\\')).toEqual([]);
  });
});

describe('tls_client_auth', () => {
  it('accepts a CA-verified certificate whose subject DN is registered (given as a DN or read from a certificate)', async () => {
    const cert = await certificate('mtls-client.example');
    const byDn = await clientWith('tls_client_auth', { credential_type: 'cert_subject_dn', subject_dn: 'CN=mtls-client.example' });
    expect(await tlsClientAuth.authenticate(presenting({ certificate: cert.x509, caVerified: true }, byDn.client.client_id), byDn.client, context)).toBe('authenticated');
    const byPem = await clientWith('tls_client_auth', { credential_type: 'cert_subject_dn', pem: cert.pem });
    expect(byPem.credential.subject_dn).toBe('CN=mtls-client.example');
    const another = await certificate('mtls-client.example');
    // Same DN, another certificate of the CA: accepted, that is the point of tls_client_auth.
    expect(await tlsClientAuth.authenticate(presenting({ certificate: another.x509, caVerified: true }, byPem.client.client_id), byPem.client, context)).toBe('authenticated');
  });

  it('refuses no certificate, an unverified chain, and another subject: answered as an unknown client, the rule logged', async () => {
    const cert = await certificate('mtls-refused.example');
    const { client } = await clientWith('tls_client_auth', { credential_type: 'cert_subject_dn', subject_dn: 'CN=mtls-refused.example' });
    await expect(tlsClientAuth.authenticate(presenting(undefined, client.client_id), client, context)).rejects.toMatchObject({ ...UNDISCLOSED, logDescription: expect.stringContaining('no client certificate') });
    await expect(tlsClientAuth.authenticate(presenting({ certificate: cert.x509, caVerified: false }, client.client_id), client, context)).rejects.toMatchObject({ ...UNDISCLOSED, logDescription: expect.stringContaining('not verified by a trusted CA') });
    const other = await certificate('someone-else.example');
    await expect(tlsClientAuth.authenticate(presenting({ certificate: other.x509, caVerified: true }, client.client_id), client, context)).rejects.toMatchObject({ ...UNDISCLOSED, logDescription: expect.stringContaining('subject DN matches no credential') });
  });

  it('refuses a matching certificate outside its validity window (not yet valid, expired), on the injectable clock', async () => {
    const cert = await certificate('mtls-window.example', 1);
    const { client } = await clientWith('tls_client_auth', { credential_type: 'cert_subject_dn', subject_dn: 'CN=mtls-window.example' });
    const attempt = () => tlsClientAuth.authenticate(presenting({ certificate: cert.x509, caVerified: true }, client.client_id), client, context);
    expect(await attempt()).toBe('authenticated');
    await atOffset(-DAY_MS, () => expect(attempt()).rejects.toMatchObject({ statusCode: 401, description: expect.stringContaining('not valid yet') }));
    await atOffset(2 * DAY_MS, () => expect(attempt()).rejects.toMatchObject({ statusCode: 401, description: expect.stringContaining('has expired') }));
  });
});

describe('self_signed_tls_client_auth', () => {
  it('accepts exactly the registered certificate, CA-verified or not, and nothing else with the same subject', async () => {
    const cert = await certificate('self-signed.example');
    const { client, credential } = await clientWith('self_signed_tls_client_auth', { credential_type: 'x509_cert', pem: cert.pem });
    expect(credential.thumbprint_sha256).toEqual(expect.any(String));
    expect(await selfSignedTlsClientAuth.authenticate(presenting({ certificate: cert.x509, caVerified: false }, client.client_id), client, context)).toBe('authenticated');
    const sameSubject = await certificate('self-signed.example');
    await expect(selfSignedTlsClientAuth.authenticate(presenting({ certificate: sameSubject.x509, caVerified: true }, client.client_id), client, context)).rejects.toMatchObject({
      ...UNDISCLOSED,
      logDescription: expect.stringContaining('matches no credential'),
    });
    await expect(selfSignedTlsClientAuth.authenticate(presenting(undefined, client.client_id), client, context)).rejects.toMatchObject({ ...UNDISCLOSED, logDescription: expect.stringContaining('no client certificate') });
  });

  it('checks the registered certificate’s own validity window', async () => {
    const cert = await certificate('self-signed-window.example', 1);
    const { client } = await clientWith('self_signed_tls_client_auth', { credential_type: 'x509_cert', pem: cert.pem });
    const attempt = () => selfSignedTlsClientAuth.authenticate(presenting({ certificate: cert.x509, caVerified: false }, client.client_id), client, context);
    expect(await attempt()).toBe('authenticated');
    await atOffset(2 * DAY_MS, () => expect(attempt()).rejects.toMatchObject({ statusCode: 401, description: expect.stringContaining('has expired') }));
    await atOffset(-DAY_MS, () => expect(attempt()).rejects.toMatchObject({ statusCode: 401, description: expect.stringContaining('not valid yet') }));
  });
});

describe('registration', () => {
  it('refuses a credential of the wrong type for the method', async () => {
    const cert = await certificate('wrong-type.example');
    const created = await api('POST', '/api/v2/clients', { name: 'wrong type', app_type: 'non_interactive' });
    const cred = await api('POST', `/api/v2/clients/${created.body.client_id}/credentials`, { credential_type: 'x509_cert', pem: cert.pem });
    const res = await api('PATCH', `/api/v2/clients/${created.body.client_id}`, { client_authentication_methods: { tls_client_auth: { credentials: [{ id: cred.body.id }] } } });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('tls_client_auth uses cert_subject_dn credentials');
    expect((await api('POST', `/api/v2/clients/${created.body.client_id}/credentials`, { credential_type: 'cert_subject_dn', subject_dn: 'CN=a', pem: cert.pem })).status).toBe(400);
  });

  it('a client registered for mTLS is refused without a certificate, and with its secret', async () => {
    const { client, secret } = await clientWith('self_signed_tls_client_auth', { credential_type: 'x509_cert', pem: (await certificate('no-cert.example')).pem });
    const alone = await server.postForm('dev', '/oauth/token', { grant_type: 'client_credentials', client_id: client.client_id, audience: 'https://nothing.example' });
    expect(alone.status).toBe(401);
    // The same answer as for a client that is not registered for mTLS at all: registration is not disclosed.
    expect(alone.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    const plain = await api('POST', '/api/v2/clients', { name: 'plain', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const unregistered = await server.postForm('dev', '/oauth/token', { grant_type: 'client_credentials', client_id: plain.body.client_id, audience: 'https://nothing.example' });
    expect(unregistered.body).toEqual(alone.body);
    const withSecret = await server.postForm('dev', '/oauth/token', { grant_type: 'client_credentials', client_id: client.client_id, client_secret: secret, audience: 'https://nothing.example' });
    expect(withSecret.status).toBe(401);
  });
});

describe('a token over the edge headers (the whole request path, in process)', () => {
  const tokenWith = async (clientId: string, headers: Record<string, string>) => {
    const res = await server.fetch(`${server.originOf('dev')}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, audience: `${context.issuer}api/v2/` }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('tls_client_auth and self_signed_tls_client_auth get certificate-bound tokens; an unverified chain or another certificate does not', async () => {
    const cert = await certificate('in-process-mtls.example');
    const dn = await clientWith('tls_client_auth', { credential_type: 'cert_subject_dn', subject_dn: 'CN=in-process-mtls.example' });
    const self = await clientWith('self_signed_tls_client_auth', { credential_type: 'x509_cert', pem: cert.pem });
    for (const { client } of [dn, self]) {
      const grant = await api('POST', '/api/v2/client-grants', { client_id: client.client_id, audience: `${context.issuer}api/v2/`, scope: ['read:clients'] });
      expect(grant.status).toBe(201);
    }
    const header = encodeURIComponent(cert.pem);
    const viaDn = await tokenWith(dn.client.client_id, { 'client-certificate': header, 'client-certificate-ca-verified': 'SUCCESS' });
    expect(viaDn.status, JSON.stringify(viaDn.body)).toBe(200);
    const viaSelf = await tokenWith(self.client.client_id, { 'client-certificate': header, 'client-certificate-ca-verified': 'FAILED: self signed certificate' });
    expect(viaSelf.status, JSON.stringify(viaSelf.body)).toBe(200);
    const { decodeJwt } = await import('jose');
    const { x5tS256Of } = await import('../../src/crypto/x509.js');
    for (const res of [viaDn, viaSelf]) expect(decodeJwt(res.body.access_token as string).cnf).toEqual({ 'x5t#S256': x5tS256Of(cert.x509.raw) });
    const unverified = await tokenWith(dn.client.client_id, { 'client-certificate': header, 'client-certificate-ca-verified': 'FAILED: unable to get local issuer certificate' });
    expect(unverified).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } });
    const other = await certificate('in-process-mtls.example');
    expect((await tokenWith(self.client.client_id, { 'client-certificate': encodeURIComponent(other.pem) })).status).toBe(401);
  });
});

describe('certificate credentials (Management API)', () => {
  it('refuses EC keys on curves other than P-256/P-384/P-521 with a 400, never a 500', async () => {
    const created = await api('POST', '/api/v2/clients', { name: 'brainpool', app_type: 'non_interactive' });
    for (const credential_type of ['cert_subject_dn', 'x509_cert']) {
      const res = await api('POST', `/api/v2/clients/${created.body.client_id}/credentials`, { credential_type, pem: BRAINPOOL_CERTIFICATE });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.message).toContain('P-256, P-384 or P-521');
    }
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { pem } = await createSelfSignedCertificate({ privateKey: p256.privateKey, publicKey: p256.publicKey, commonName: 'p256.example' });
    expect((await api('POST', `/api/v2/clients/${created.body.client_id}/credentials`, { credential_type: 'x509_cert', pem })).status).toBe(201);
  });

  it('refuses expires_at on a certificate credential on PATCH as on create', async () => {
    const cert = await certificate('patch-expiry.example');
    const created = await api('POST', '/api/v2/clients', { name: 'patch expiry', app_type: 'non_interactive' });
    const expires_at = new Date(server.clock.now() + DAY_MS).toISOString();
    for (const body of [{ credential_type: 'x509_cert', pem: cert.pem }, { credential_type: 'cert_subject_dn', subject_dn: 'CN=patch-expiry.example' }]) {
      expect((await api('POST', `/api/v2/clients/${created.body.client_id}/credentials`, { ...body, expires_at })).status).toBe(400);
      const cred = await api('POST', `/api/v2/clients/${created.body.client_id}/credentials`, body);
      expect(cred.status).toBe(201);
      const patched = await api('PATCH', `/api/v2/clients/${created.body.client_id}/credentials/${cred.body.id}`, { expires_at });
      expect(patched.status).toBe(400);
      expect(patched.body.message).toContain("'expires_at' applies to public_key credentials only");
      expect((await api('GET', `/api/v2/clients/${created.body.client_id}/credentials/${cred.body.id}`)).body.expires_at).toBeUndefined();
    }
  });
});

describe('the client secret', () => {
  it('authenticates only a client that is neither public nor registered for credentials, by either half of that registration', () => {
    const base = { token_endpoint_auth_method: 'client_secret_post', client_secret: 's'.repeat(64) } as unknown as Client;
    expect(authenticatesWithSecret(base)).toBe(true);
    expect(authenticatesWithSecret({ ...base, token_endpoint_auth_method: 'none' })).toBe(false);
    expect(authenticatesWithSecret({ ...base, token_endpoint_auth_method: null })).toBe(false);
    expect(authenticatesWithSecret({ ...base, client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'cred_x' }] } } } as Client)).toBe(false);
    expect(authenticatesWithSecret({ ...base, client_secret: undefined } as unknown as Client)).toBe(false);
  });
});
