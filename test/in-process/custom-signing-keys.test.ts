/**
 * Customer-provided public signing keys (`/api/v2/keys/custom-signing`, docs: "Customer Provided
 * Public Signing Keys"): replaced whole, at most ten public JWKs, each checked (key type and size,
 * `alg` of its own type, `use: sig`, unique `kid`, no private members, certificates of the key's
 * own); published on the tenant's custom domain ahead of its own keys and never on the canonical
 * one; never trusted by Tessera's own APIs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createSelfSignedCertificate, x5tOf, x5tS256Of } from '../../src/crypto/x509.js';
import { startInProcess, type InProcessServer } from '../support/in-process.js';

const CUSTOM_DOMAIN = 'login.custom-keys.example';
let server: InProcessServer;
let token: string;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const publicJwk = (key: KeyObject) => key.export({ format: 'jwk' }) as Record<string, string>;
const RSA_KEY = { kty: 'RSA', kid: 'customer-rsa', use: 'sig', alg: 'RS256', n: publicJwk(rsa.publicKey).n, e: publicJwk(rsa.publicKey).e };
const EC_KEY = { kty: 'EC', kid: 'customer-ec', alg: 'ES384', crv: 'P-384', x: publicJwk(ec.publicKey).x, y: publicJwk(ec.publicKey).y, key_ops: ['verify'] };

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
});
afterAll(async () => server?.close());

const api = (method: string, body?: unknown, bearer = token) => server.api('dev', bearer, method, '/api/v2/keys/custom-signing', body);
const jwksKids = async (host: string): Promise<string[]> => {
  const res = await server.fetch(`https://${host}/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
};

describe('before the tenant has a custom domain', () => {
  it('has no custom keys (404), and refuses a set it could publish nowhere', async () => {
    expect(await api('GET')).toMatchObject({ status: 404, body: { statusCode: 404, errorCode: 'inexistent_custom_signing_keys' } });
    const put = await api('PUT', { keys: [RSA_KEY] });
    expect(put.status).toBe(400);
    expect(put.body).toMatchObject({ errorCode: 'custom_domain_required', message: expect.stringContaining('custom domain') });
    // A domain still pending verification serves nothing, so it publishes nothing either.
    const pending = await server.api('dev', token, 'POST', '/api/v2/custom-domains', { domain: 'pending-keys.example.com', type: 'self_managed_certs' });
    expect(pending.status).toBe(201);
    expect((await api('PUT', { keys: [RSA_KEY] })).body).toMatchObject({ statusCode: 400, errorCode: 'custom_domain_required' });
    expect((await server.api('dev', token, 'DELETE', `/api/v2/custom-domains/${pending.body.custom_domain_id}`)).status).toBe(204);
  });
});

describe('on a tenant with a custom domain', () => {
  beforeAll(async () => {
    await server.services.customDomains.addVerified('dev', CUSTOM_DOMAIN);
  });

  it('replaces the set, answers it as stored, and publishes it first in the custom domain’s JWKS only', async () => {
    const tenantKids = await jwksKids(server.hostOf('dev'));
    // Members come back in Auth0's order; nothing is added or dropped.
    const put = await api('PUT', { keys: [{ ...EC_KEY }, RSA_KEY] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ keys: [EC_KEY, RSA_KEY] });
    expect(Object.keys(put.body.keys[0])).toEqual(['kty', 'kid', 'key_ops', 'alg', 'crv', 'x', 'y']);
    expect(await api('GET')).toEqual({ status: 200, body: { keys: [EC_KEY, RSA_KEY] } });

    expect(await jwksKids(CUSTOM_DOMAIN)).toEqual(['customer-ec', 'customer-rsa', ...tenantKids]);
    expect(await jwksKids(server.hostOf('dev'))).toEqual(tenantKids);
    const published = (await (await server.fetch(`https://${CUSTOM_DOMAIN}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(published.keys[1]).toEqual({ alg: 'RS256', kty: 'RSA', use: 'sig', n: RSA_KEY.n, e: RSA_KEY.e, kid: 'customer-rsa' });

    // Replace-all: the next PUT is the whole set.
    expect((await api('PUT', { keys: [RSA_KEY] })).status).toBe(200);
    expect(await jwksKids(CUSTOM_DOMAIN)).toEqual(['customer-rsa', ...tenantKids]);
  });

  it('honours remove_alg_from_jwks for the custom keys too', async () => {
    expect((await server.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { remove_alg_from_jwks: true } })).status).toBe(200);
    const res = await server.fetch(`https://${CUSTOM_DOMAIN}/.well-known/jwks.json`);
    const { keys } = (await res.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys[0]).toMatchObject({ kid: 'customer-rsa' });
    expect(keys.every((k) => !('alg' in k))).toBe(true);
    expect((await server.api('dev', token, 'PATCH', '/api/v2/tenants/settings', { flags: { remove_alg_from_jwks: false } })).status).toBe(200);
  });

  it('never accepts a token signed with a customer key on its own APIs', async () => {
    // A token exactly like a real Management API token, re-signed with the customer's private key under its kid.
    const [, payload] = token.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'customer-rsa' })).toString('base64url');
    const input = `${header}.${payload}`;
    const forged = `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
    const management = await api('GET', undefined, forged);
    expect(management.status).toBe(401);
    const userinfo = await server.fetch(`${server.originOf('dev')}/userinfo`, { headers: { authorization: `Bearer ${forged}` } });
    expect(userinfo.status).toBe(401);
    // The same request with the real token works.
    expect((await api('GET')).status).toBe(200);
  });

  it('accepts certificates of the key’s own, with their thumbprints', async () => {
    const cert = await createSelfSignedCertificate({ privateKey: rsa.privateKey, publicKey: rsa.publicKey, commonName: 'customer.example' });
    const withChain = { ...RSA_KEY, x5c: [cert.der.toString('base64')], x5t: x5tOf(cert.der), 'x5t#S256': x5tS256Of(cert.der), x5u: 'https://customer.example/keys/rsa.pem' };
    const put = await api('PUT', { keys: [withChain] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.keys[0]).toEqual(withChain);
  });

  it('refuses every malformed, weak, private or inconsistent key with a 400 naming it', async () => {
    const ecP256 = publicJwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    const weak = publicJwk(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const otherCert = await createSelfSignedCertificate({ privateKey: other.privateKey, publicKey: other.publicKey, commonName: 'other.example' });
    const tenantKid = (await jwksKids(server.hostOf('dev')))[0]!;
    const cases: Array<[string, unknown, RegExp]> = [
      ['private RSA member', { keys: [{ ...RSA_KEY, d: 'AQAB' }] }, /keys\[0\]\.d is private key material/],
      ['private EC member in the second key', { keys: [RSA_KEY, { ...EC_KEY, d: 'AQAB' }] }, /keys\[1\]\.d is private key material/],
      ['symmetric key', { keys: [{ kty: 'oct', kid: 's', k: 'c2VjcmV0' }] }, /keys\[0\]\.k is private key material/],
      ['eleven keys', { keys: Array.from({ length: 11 }, (_, i) => ({ ...RSA_KEY, kid: `k${i}` })) }, /keys/],
      ['no keys', { keys: [] }, /keys/],
      ['unknown member', { keys: [{ ...RSA_KEY, extra: 1 }] }, /extra/],
      ['kty oct', { keys: [{ kty: 'oct', kid: 'o' }] }, /kty/],
      ['RSA of 1024 bits', { keys: [{ kty: 'RSA', kid: 'weak', n: weak.n, e: weak.e }] }, /1024-bit RSA modulus; at least 2048/],
      ['RSA modulus too long', { keys: [{ ...RSA_KEY, n: 'A'.repeat(1369) }] }, /keys\.0\.n/],
      ['RSA exponent 1', { keys: [{ ...RSA_KEY, e: 'AQ' }] }, /keys\[0\]\.e is not a usable RSA public exponent/],
      ['RSA without e', { keys: [{ kty: 'RSA', kid: 'r', n: RSA_KEY.n }] }, /keys\[0\]\.e is required/],
      ['RSA with an EC alg', { keys: [{ ...RSA_KEY, alg: 'ES256' }] }, /keys\[0\]\.alg ES256 does not match kty RSA/],
      ['RSA with a curve', { keys: [{ ...RSA_KEY, crv: 'P-256' }] }, /keys\[0\]\.crv does not belong to an RSA key/],
      ['EC with the wrong curve’s alg', { keys: [{ ...EC_KEY, alg: 'ES256' }] }, /keys\[0\]\.alg ES256 does not match crv P-384/],
      ['EC with an RSA alg', { keys: [{ ...EC_KEY, alg: 'RS256' }] }, /does not match crv P-384/],
      ['EC without crv', { keys: [{ kty: 'EC', kid: 'e', x: EC_KEY.x, y: EC_KEY.y }] }, /keys\[0\]\.crv is required/],
      ['EC coordinates of another curve', { keys: [{ ...EC_KEY, x: ecP256.x, y: ecP256.y }] }, /keys\[0\]\.x must be 48 bytes on P-384/],
      ['EC point off the curve', { keys: [{ kty: 'EC', kid: 'off', crv: 'P-256', x: ecP256.x, y: ecP256.x }] }, /keys\[0\] is not a valid EC public key/],
      ['EC with a modulus', { keys: [{ ...EC_KEY, n: RSA_KEY.n }] }, /keys\[0\]\.n does not belong to an EC key/],
      ['use enc', { keys: [{ ...RSA_KEY, use: 'enc' }] }, /use/],
      ['key_ops sign', { keys: [{ ...RSA_KEY, key_ops: ['sign'] }] }, /key_ops/],
      ['no kid', { keys: [{ kty: 'RSA', n: RSA_KEY.n, e: RSA_KEY.e }] }, /keys\[0\]\.kid is required/],
      ['duplicate kid', { keys: [RSA_KEY, { ...EC_KEY, kid: RSA_KEY.kid }] }, /keys\[1\]\.kid "customer-rsa" is used by another key/],
      ['kid of a tenant key', { keys: [{ ...RSA_KEY, kid: tenantKid }] }, /is the kid of one of the tenant's own signing keys/],
      ['x5c of another key', { keys: [{ ...RSA_KEY, x5c: [otherCert.der.toString('base64')] }] }, /keys\[0\]\.x5c\[0\] certifies another public key/],
      ['x5c not a certificate', { keys: [{ ...RSA_KEY, x5c: ['AAAA'] }] }, /keys\[0\]\.x5c\[0\] is not a DER certificate/],
      ['x5t not the certificate’s', { keys: [{ ...EC_KEY, crv: 'P-256', alg: 'ES256', x: publicJwk(other.publicKey).x, y: publicJwk(other.publicKey).y, x5c: [otherCert.der.toString('base64')], x5t: x5tOf(Buffer.from('x')) }] }, /keys\[0\]\.x5t is not the SHA-1 thumbprint/],
      ['x5u over http', { keys: [{ ...RSA_KEY, x5u: 'http://customer.example/k.pem' }] }, /x5u/],
    ];
    for (const [name, body, message] of cases) {
      const res = await api('PUT', body);
      expect(res.status, name).toBe(400);
      expect(res.body, name).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
      expect(res.body.message, name).toMatch(message);
    }
    // Nothing refused was stored: the last accepted set is still the one published.
    expect((await api('GET')).body.keys.map((k: { kid: string }) => k.kid)).toEqual(['customer-rsa']);
  });

  it('bounds the body (413) and the scopes (403)', async () => {
    const huge = { keys: [{ ...RSA_KEY, x5c: Array.from({ length: 10 }, () => 'A'.repeat(16_000)) }, { ...EC_KEY, x5c: Array.from({ length: 10 }, () => 'A'.repeat(16_000)) }] };
    expect((await api('PUT', huge)).status).toBe(413);
    const readOnly = await server.tokenFor('dev', { scope: 'read:custom_signing_keys' });
    expect((await api('GET', undefined, readOnly)).status).toBe(200);
    const put = await api('PUT', { keys: [RSA_KEY] }, readOnly);
    expect(put.status).toBe(403);
    expect(put.body.message).toBe('Insufficient scope; expected create:custom_signing_keys and update:custom_signing_keys.');
    expect((await api('DELETE', undefined, readOnly)).status).toBe(403);
    const writer = await server.tokenFor('dev', { scope: 'update:custom_signing_keys' });
    expect((await api('GET', undefined, writer)).status).toBe(403);
  });

  it('deletes the whole set (204, also when there is none): the JWKS is the tenant’s own again', async () => {
    const tenantKids = await jwksKids(server.hostOf('dev'));
    const deleted = await api('DELETE');
    expect(deleted.status).toBe(204);
    expect(await api('GET')).toMatchObject({ status: 404 });
    expect(await jwksKids(CUSTOM_DOMAIN)).toEqual(tenantKids);
    expect((await api('DELETE')).status).toBe(204);
  });

  it('keeps tenants apart', async () => {
    expect((await api('PUT', { keys: [RSA_KEY] })).status).toBe(200);
    await server.createTenant('other');
    const otherToken = await server.tokenFor('other');
    expect((await server.api('other', otherToken, 'GET', '/api/v2/keys/custom-signing')).status).toBe(404);
    const otherKids = await jwksKids(server.hostOf('other'));
    expect(otherKids).not.toContain('customer-rsa');
  });
});
