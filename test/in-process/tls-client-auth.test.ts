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
import { startInProcess, type InProcessServer } from '../support/in-process.js';

let server: InProcessServer;
let token: string;
let context: ClientAuthContext;

async function certificate(commonName: string): Promise<{ pem: string; x509: X509Certificate }> {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { pem } = await createSelfSignedCertificate({ privateKey: pair.privateKey, publicKey: pair.publicKey, commonName });
  return { pem, x509: new X509Certificate(pem) };
}

const presenting = (presented: PresentedCertificate | undefined, clientId: string): ClientCredentials => ({ authorization: undefined, params: { client_id: clientId }, peerCertificate: () => presented });

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  const tenant = (await server.services.tenants.findByName('dev'))!;
  context = { services: server.services, tenant, issuer: `${server.originOf('dev')}/` };
});
afterAll(async () => server?.close());

const api = (method: string, path: string, body?: unknown) => server.api('dev', token, method, path, body);

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
  it('compares DNs attribute by attribute, whatever the notation and order', () => {
    expect(sameDn('CN=client.example,O=Acme,C=XX', 'C=XX\nO=Acme\nCN=client.example')).toBe(true);
    expect(sameDn('/C=XX/O=Acme/CN=client.example', 'cn=client.example, o=Acme, c=XX')).toBe(true);
    expect(sameDn('CN=client.example,O=Acme', 'CN=client.example,O=Acme,OU=Extra')).toBe(false);
    expect(sameDn('CN=client.example', 'CN=Client.example')).toBe(false);
    expect(parseDn('not a dn')).toEqual([]);
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

  it('refuses no certificate, an unverified chain, and another subject', async () => {
    const cert = await certificate('mtls-refused.example');
    const { client } = await clientWith('tls_client_auth', { credential_type: 'cert_subject_dn', subject_dn: 'CN=mtls-refused.example' });
    await expect(tlsClientAuth.authenticate(presenting(undefined, client.client_id), client, context)).rejects.toMatchObject({ statusCode: 401, description: expect.stringContaining('no client certificate') });
    await expect(tlsClientAuth.authenticate(presenting({ certificate: cert.x509, caVerified: false }, client.client_id), client, context)).rejects.toMatchObject({ description: expect.stringContaining('not verified by a trusted CA') });
    const other = await certificate('someone-else.example');
    await expect(tlsClientAuth.authenticate(presenting({ certificate: other.x509, caVerified: true }, client.client_id), client, context)).rejects.toMatchObject({ description: expect.stringContaining('subject DN matches no credential') });
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
      statusCode: 401,
      description: expect.stringContaining('matches no credential'),
    });
    await expect(selfSignedTlsClientAuth.authenticate(presenting(undefined, client.client_id), client, context)).rejects.toMatchObject({ statusCode: 401 });
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
    expect(alone.body).toEqual({ error: 'invalid_client', error_description: 'Invalid client certificate: no client certificate was presented.' });
    const withSecret = await server.postForm('dev', '/oauth/token', { grant_type: 'client_credentials', client_id: client.client_id, client_secret: secret, audience: 'https://nothing.example' });
    expect(withSecret.status).toBe(401);
  });
});
