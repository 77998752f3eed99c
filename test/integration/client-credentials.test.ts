/**
 * The foundation's vertical slice over real HTTP: the server starts and prints bootstrap credentials,
 * an M2M application gets a token for the Management API, and the token verifies against the JWKS.
 * The grant's log events (seccft, feccft) are checked in test/in-process/logs.test.ts, where the
 * log batch is written on demand instead of slept for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { compactDecrypt, createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { createSelfSignedCertificate } from '../../src/crypto/x509.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.stop());

const tokenForm = (extra: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_id: server.bootstrap.client_id,
  client_secret: server.bootstrap.client_secret,
  audience: `${server.baseUrl}/api/v2/`,
  ...extra,
});

describe('first start', () => {
  it('prints the bootstrap credentials and writes them to a 0600 file', async () => {
    expect(server.output()).toContain(server.bootstrap.client_id);
    expect(server.output()).toContain(server.bootstrap.client_secret);
    const { statSync } = await import('node:fs');
    const mode = statSync(`${server.database.dataDir}/bootstrap-dev.json`).mode & 0o777;
    expect(mode).toBe(0o600);
  });
});

describe('discovery and JWKS', () => {
  it('publishes the issuer with the request scheme, host and a trailing slash', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const res = await call(server, path);
      expect(res.status).toBe(200);
      expect(res.body.issuer).toBe(`${server.baseUrl}/`);
      expect(res.body.jwks_uri).toBe(`${server.baseUrl}/.well-known/jwks.json`);
      expect(res.body.token_endpoint).toBe(`${server.baseUrl}/oauth/token`);
    }
    const other = await call(server, '/.well-known/openid-configuration', { host: 'dev.localhost' });
    expect(other.body.issuer).toBe(`http://dev.localhost:${server.port}/`);
  });

  it('publishes the current and the next key with kid, x5c and x5t', async () => {
    const res = await call(server, '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(2);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB' });
      expect(typeof key.kid).toBe('string');
      expect(key.x5c).toHaveLength(1);
      const { X509Certificate, createHash, createPublicKey } = await import('node:crypto');
      const der = Buffer.from(key.x5c[0], 'base64');
      expect(key.x5t).toBe(createHash('sha1').update(der).digest('base64url'));
      const certKey = new X509Certificate(der).publicKey.export({ format: 'jwk' });
      expect(certKey.n).toBe(createPublicKey({ key, format: 'jwk' }).export({ format: 'jwk' }).n);
    }
  });
});

describe('client credentials grant', () => {
  it('issues a Management API token (form body) that verifies against the remote JWKS', async () => {
    const res = await call(server, '/oauth/token', { form: tokenForm() });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.token_type).toBe('Bearer');
    expect(res.body.expires_in).toBe(86400);
    const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(res.body.access_token, jwks, {
      issuer: `${server.baseUrl}/`,
      audience: `${server.baseUrl}/api/v2/`,
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload.sub).toBe(`${server.bootstrap.client_id}@clients`);
    expect(payload.azp).toBe(server.bootstrap.client_id);
    expect(payload.gty).toBe('client-credentials');
    expect(payload.exp! - payload.iat!).toBe(86400);
    expect(String(payload.scope).split(' ')).toContain('read:tenant_settings');
    expect(res.body.scope).toBe(payload.scope);
  });

  it('names the Management API by /api/v2/ on any host of the tenant, and only of this tenant', async () => {
    const otherHost = await call(server, '/oauth/token', { form: tokenForm({ audience: `http://dev.localhost:${server.port}/api/v2/` }) });
    expect(otherHost.status).toBe(200);
    const customScheme = await call(server, '/oauth/token', { form: tokenForm({ audience: `https://dev.localhost/api/v2/` }) });
    expect(customScheme.status).toBe(200);
    const foreign = await call(server, '/oauth/token', { form: tokenForm({ audience: `http://unknown.localhost:${server.port}/api/v2/` }) });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error_description).toContain('Service not enabled within domain');
  });

  it('accepts a JSON body and client_secret_basic', async () => {
    const json = await call(server, '/oauth/token', { body: tokenForm() });
    expect(json.status).toBe(200);
    const { client_id, client_secret, ...rest } = tokenForm();
    const basic = Buffer.from(`${encodeURIComponent(client_id)}:${encodeURIComponent(client_secret)}`).toString('base64');
    const res = await call(server, '/oauth/token', { form: rest, headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
  });

  it('narrows scopes to the requested ones and refuses scopes that were not granted', async () => {
    const narrow = await call(server, '/oauth/token', { form: tokenForm({ scope: 'read:tenant_settings' }) });
    expect(narrow.status).toBe(200);
    expect(narrow.body.scope).toBe('read:tenant_settings');
    const denied = await call(server, '/oauth/token', { form: tokenForm({ scope: 'read:tenant_settings fly:rockets' }) });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error: 'access_denied', error_description: 'Client has not been granted scopes: fly:rockets' });
  });

  it('answers bad credentials with 401 invalid_client, with WWW-Authenticate for Basic', async () => {
    const wrong = await call(server, '/oauth/token', { form: tokenForm({ client_secret: 'x'.repeat(64) }) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    const unknown = await call(server, '/oauth/token', { form: tokenForm({ client_id: 'nope' }) });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    const { client_id: _id, client_secret: _secret, ...rest } = tokenForm();
    const basic = await call(server, '/oauth/token', { form: rest, headers: { authorization: `Basic ${Buffer.from(`${server.bootstrap.client_id}:bad`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('refuses unknown audiences and audiences without a client grant with Auth0 messages', async () => {
    const unknown = await call(server, '/oauth/token', { form: tokenForm({ audience: 'https://nothing.example/' }) });
    expect(unknown.status).toBe(403);
    expect(unknown.body).toEqual({ error: 'access_denied', error_description: 'Service not enabled within domain: https://nothing.example/' });

    const mgmt = await managementToken(server);
    const api = await call(server, '/api/v2/resource-servers', { headers: { authorization: `Bearer ${mgmt}` }, body: { name: 'Orders', identifier: 'https://orders.example/' } });
    expect(api.status).toBe(201);
    const noGrant = await call(server, '/oauth/token', { form: tokenForm({ audience: 'https://orders.example/' }) });
    expect(noGrant.status).toBe(403);
    expect(noGrant.body.error).toBe('access_denied');
    expect(noGrant.body.error_description).toBe(
      'Client is not authorized to access "https://orders.example/". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants',
    );

    const noAudience = await call(server, '/oauth/token', { form: tokenForm({ audience: '' }) });
    expect(noAudience.status).toBe(403);
    expect(noAudience.body.error_description).toBe('No audience parameter was provided, and no default audience has been configured');
  });

  it('refuses a grant type the application does not have (unauthorized_client)', async () => {
    const mgmt = await managementToken(server);
    const spa = await call(server, '/api/v2/clients', { headers: { authorization: `Bearer ${mgmt}` }, body: { name: 'Web', app_type: 'regular_web', grant_types: ['authorization_code'] } });
    expect(spa.status).toBe(201);
    const res = await call(server, '/oauth/token', { form: tokenForm({ client_id: spa.body.client_id, client_secret: spa.body.client_secret }) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'unauthorized_client',
      error_description: "Grant type 'client_credentials' not allowed for the client.",
      error_uri: 'https://auth0.com/docs/clients/client-grant-types',
    });
  });

  it('answers protocol errors with 400 and never a 500', async () => {
    const missing = await call(server, '/oauth/token', { form: { client_id: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: grant_type' });
    const unsupported = await call(server, '/oauth/token', { form: { grant_type: 'magic' } });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toBe('unsupported_grant_type');
    const malformed = await call(server, '/oauth/token', { body: '{"grant_type":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('invalid_request');
    const xml = await call(server, '/oauth/token', { body: '<a/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect(xml.body.error).toBe('invalid_request');
    const huge = await call(server, '/oauth/token', { form: { grant_type: 'client_credentials', pad: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    const objectParam = await call(server, '/oauth/token', { body: { grant_type: { $ne: 1 } } });
    expect(objectParam.status).toBe(400);
    const arrayParam = await call(server, '/oauth/token', { body: { grant_type: ['client_credentials', 'x'] } });
    expect(arrayParam.status).toBe(400);
  });

  it('signs with ES256 for an API configured with signing_alg ES256', async () => {
    const mgmt = await managementToken(server);
    const auth = { authorization: `Bearer ${mgmt}` };
    const api = await call(server, '/api/v2/resource-servers', { headers: auth, body: { name: 'Telemetry', identifier: 'urn:telemetry', signing_alg: 'ES256', scopes: [{ value: 'write:metrics' }], token_dialect: 'rfc9068_profile' } });
    expect(api.status).toBe(201);
    const app = await call(server, '/api/v2/clients', { headers: auth, body: { name: 'Sensor', app_type: 'non_interactive' } });
    const grant = await call(server, '/api/v2/client-grants', { headers: auth, body: { client_id: app.body.client_id, audience: 'urn:telemetry', scope: ['write:metrics'] } });
    expect(grant.status).toBe(201);
    const res = await call(server, '/oauth/token', { form: { grant_type: 'client_credentials', client_id: app.body.client_id, client_secret: app.body.client_secret, audience: 'urn:telemetry' } });
    expect(res.status).toBe(200);
    expect(decodeProtectedHeader(res.body.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(res.body.access_token, jwks, { issuer: `${server.baseUrl}/`, audience: 'urn:telemetry', typ: 'at+jwt' });
    expect(payload).toMatchObject({ client_id: app.body.client_id, scope: 'write:metrics', sub: `${app.body.client_id}@clients` });
    expect(payload.gty).toBeUndefined();
    expect(typeof payload.jti).toBe('string');
  });
});

describe('JWE access tokens (token_encryption)', () => {
  const rsa = (modulusLength = 2048) => generateKeyPairSync('rsa', { modulusLength });
  const spkiPem = (key: ReturnType<typeof rsa>) => key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const encryption = (pem: string, key: Record<string, unknown> = {}) => ({ format: 'compact-nested-jwe', encryption_key: { alg: 'RSA-OAEP-256', pem, ...key } });

  it('validates token_encryption strictly and never answers the key material', async () => {
    const mgmt = await managementToken(server);
    const api = (method: string, path: string, body?: object) => call(server, `/api/v2${path}`, { method, headers: { authorization: `Bearer ${mgmt}` }, ...(body !== undefined ? { body } : {}) });
    const good = rsa();
    const pem = spkiPem(good);
    const refused: Array<[unknown, RegExp]> = [
      [{ ...encryption(pem), format: 'compact-jwe' }, /format/],
      [encryption(pem, { alg: 'RSA-OAEP' }), /alg/],
      [encryption(pem, { alg: 'RSA1_5' }), /alg/],
      [encryption(pem, { kid: '' }), /kid/],
      [encryption(pem, { kid: 'k'.repeat(129) }), /kid/],
      [encryption(pem, { name: 'n'.repeat(129) }), /name/],
      [encryption(pem, { thumbprint_sha256: 'forged' }), /thumbprint_sha256/],
      [encryption(`${pem}${'x'.repeat(4096)}`), /pem/],
      [{ format: 'compact-nested-jwe' }, /encryption_key/],
      [{ format: 'compact-nested-jwe', encryption_key: { alg: 'RSA-OAEP-256' } }, /pem/],
      [encryption(good.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), /private key/],
      [encryption(good.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), /private key/],
      [encryption(spkiPem(rsa(1024))), /2048/],
      [encryption(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()), /RSA/],
      [encryption('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), /invalid certificate or public key/],
      [encryption(`${pem}${pem}`), /exactly one/],
      // e = 1: OAEP "encrypts" to a readable content key (Node imports such a key and encrypts with it).
      [encryption(createPublicKey({ key: { ...good.publicKey.export({ format: 'jwk' }), e: 'AQ' }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()), /public exponent/],
    ];
    for (const [tokenEncryption, message] of refused) {
      const res = await api('POST', '/resource-servers', { identifier: 'urn:jwe-refused', token_encryption: tokenEncryption });
      expect(res.status, JSON.stringify(tokenEncryption).slice(0, 120)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
      expect(res.body.message).toMatch(message);
    }
    expect((await api('GET', '/resource-servers/urn%3Ajwe-refused')).status).toBe(404);

    // A bare public key: thumbprint_sha256 is the SHA-256 of its SubjectPublicKeyInfo; never the pem.
    const created = await api('POST', '/resource-servers', { identifier: 'urn:jwe-shape', token_encryption: encryption(pem, { name: 'Orders key', kid: 'orders-2026' }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const spkiThumbprint = createHash('sha256').update(good.publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
    const answered = { format: 'compact-nested-jwe', encryption_key: { name: 'Orders key', alg: 'RSA-OAEP-256', kid: 'orders-2026', thumbprint_sha256: spkiThumbprint } };
    expect(created.body.token_encryption).toEqual(answered);
    expect((await api('GET', `/resource-servers/${created.body.id}`)).body.token_encryption).toEqual(answered);
    expect((await api('GET', '/resource-servers/urn%3Ajwe-shape?fields=token_encryption')).body).toEqual({ token_encryption: answered });
    const listed = (await api('GET', '/resource-servers?per_page=100')).body as Array<{ id: string; token_encryption?: unknown }>;
    expect(listed.find((a) => a.id === created.body.id)!.token_encryption).toEqual(answered);
    expect(JSON.stringify(listed)).not.toContain('BEGIN PUBLIC KEY');

    // A certificate: its x5t#S256. A PATCH replaces the object whole; a partial one is refused.
    const { pem: certPem, der } = await createSelfSignedCertificate({ privateKey: good.privateKey, publicKey: good.publicKey, commonName: 'orders.example' });
    const patched = await api('PATCH', `/resource-servers/${created.body.id}`, { token_encryption: encryption(certPem, { alg: 'RSA-OAEP-512' }) });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.token_encryption).toEqual({ format: 'compact-nested-jwe', encryption_key: { alg: 'RSA-OAEP-512', thumbprint_sha256: createHash('sha256').update(der).digest('base64url') } });
    const partial = await api('PATCH', `/resource-servers/${created.body.id}`, { token_encryption: { encryption_key: { kid: 'only-the-kid' } } });
    expect(partial.status).toBe(400);
    // The answer sent back unchanged (an export imported into its own tenant) keeps the key; any change
    // to it without a pem, or the answer given to another API, is refused naming the pem.
    const echoed = await api('PATCH', `/resource-servers/${created.body.id}`, { token_encryption: patched.body.token_encryption });
    expect(echoed.status, JSON.stringify(echoed.body)).toBe(200);
    expect(echoed.body.token_encryption).toEqual(patched.body.token_encryption);
    const answer = patched.body.token_encryption as { encryption_key: Record<string, unknown> };
    for (const changed of [{ kid: 'renamed' }, { alg: 'RSA-OAEP-256' }, { thumbprint_sha256: spkiThumbprint }]) {
      const res = await api('PATCH', `/resource-servers/${created.body.id}`, { token_encryption: { ...answer, encryption_key: { ...answer.encryption_key, ...changed } } });
      expect(res.status, JSON.stringify(changed)).toBe(400);
      expect(res.body.message).toMatch(/encryption_key\.pem/);
    }
    const copied = await api('POST', '/resource-servers', { identifier: 'urn:jwe-copied', token_encryption: answer });
    expect(copied.status).toBe(400);
    expect(copied.body.message).toMatch(/encryption_key\.pem/);
    // Other fields leave it alone; null turns it off.
    expect((await api('PATCH', `/resource-servers/${created.body.id}`, { name: 'Renamed' })).body.token_encryption.encryption_key.alg).toBe('RSA-OAEP-512');
    const off = await api('PATCH', `/resource-servers/${created.body.id}`, { token_encryption: null });
    expect(off.status).toBe(200);
    expect(off.body.token_encryption ?? null).toBeNull();
  });

  it('nests the signed token in a compact JWE the API decrypts with its private key and verifies with the JWKS; off again, plain JWS', async () => {
    const mgmt = await managementToken(server);
    const auth = { authorization: `Bearer ${mgmt}` };
    const apiKey = rsa();
    const api = await call(server, '/api/v2/resource-servers', {
      headers: auth,
      body: { identifier: 'urn:sealed', scopes: [{ value: 'read:secrets' }], token_encryption: encryption(spkiPem(apiKey), { kid: 'sealed-1' }) },
    });
    expect(api.status, JSON.stringify(api.body)).toBe(201);
    const app = await call(server, '/api/v2/clients', { headers: auth, body: { name: 'Sealed worker', app_type: 'non_interactive' } });
    expect((await call(server, '/api/v2/client-grants', { headers: auth, body: { client_id: app.body.client_id, audience: 'urn:sealed', scope: ['read:secrets'] } })).status).toBe(201);
    const form = { grant_type: 'client_credentials', client_id: app.body.client_id, client_secret: app.body.client_secret, audience: 'urn:sealed' };
    const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/.well-known/jwks.json`));

    const res = await call(server, '/oauth/token', { form });
    expect(res.status).toBe(200);
    const token: string = res.body.access_token;
    expect(token.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT', kid: 'sealed-1' });
    const { plaintext } = await compactDecrypt(token, apiKey.privateKey, { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'] });
    const { payload, protectedHeader } = await jwtVerify(new TextDecoder().decode(plaintext), jwks, { issuer: `${server.baseUrl}/`, audience: 'urn:sealed' });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: `${app.body.client_id}@clients`, azp: app.body.client_id, gty: 'client-credentials', scope: 'read:secrets' });
    // The claims are unreadable without the key: another key does not decrypt, nor does the JWKS verify the JWE.
    await expect(compactDecrypt(token, rsa().privateKey)).rejects.toThrow();
    await expect(jwtVerify(token, jwks)).rejects.toThrow();
    // Each token has its own content key and IV.
    const second = (await call(server, '/oauth/token', { form })).body.access_token as string;
    expect(second.split('.')[1]).not.toBe(token.split('.')[1]);
    expect(second.split('.')[2]).not.toBe(token.split('.')[2]);
    // A JWE is no Management API token: 401, never a 500.
    expect((await call(server, '/api/v2/resource-servers', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

    // RSA-OAEP-384 with a 3072-bit key and no kid, after a PATCH: the cached API is replaced at once.
    const other = rsa(3072);
    expect((await call(server, `/api/v2/resource-servers/${api.body.id}`, { method: 'PATCH', headers: auth, body: { token_encryption: encryption(spkiPem(other), { alg: 'RSA-OAEP-384' }) } })).status).toBe(200);
    const rotated = (await call(server, '/oauth/token', { form })).body.access_token as string;
    expect(decodeProtectedHeader(rotated)).toEqual({ alg: 'RSA-OAEP-384', enc: 'A256GCM', cty: 'JWT' });
    await expect(compactDecrypt(rotated, apiKey.privateKey)).rejects.toThrow();
    const reopened = await compactDecrypt(rotated, other.privateKey);
    await jwtVerify(new TextDecoder().decode(reopened.plaintext), jwks, { issuer: `${server.baseUrl}/`, audience: 'urn:sealed' });

    // Off: plain signed JWTs again, from the next request.
    expect((await call(server, `/api/v2/resource-servers/${api.body.id}`, { method: 'PATCH', headers: auth, body: { token_encryption: null } })).status).toBe(200);
    const plain = (await call(server, '/oauth/token', { form })).body.access_token as string;
    expect(plain.split('.')).toHaveLength(3);
    await jwtVerify(plain, jwks, { issuer: `${server.baseUrl}/`, audience: 'urn:sealed' });
  });
});

describe('tenant resolution', () => {
  it('answers an unknown host with a 404 JSON error', async () => {
    const res = await call(server, '/.well-known/jwks.json', { host: 'nobody.localhost' });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
    const custom = await call(server, '/.well-known/jwks.json', { host: 'auth.example.org' });
    expect(custom.status).toBe(404);
  });

  it('serves a custom domain registered for a tenant', async () => {
    await server.cli('tenants', 'add-domain', 'dev', 'login.example.org');
    const res = await call(server, '/.well-known/openid-configuration', { host: 'login.example.org' });
    expect(res.status).toBe(200);
    expect(res.body.issuer).toBe(`http://login.example.org:${server.port}/`);
  });
});

describe('security headers', () => {
  it('sets them on every response, errors included', async () => {
    for (const path of ['/.well-known/jwks.json', '/nope', '/api/v2/tenants/settings']) {
      const res = await call(server, path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });
});
