/**
 * Application credentials and private_key_jwt (issue 16; docs: "Configure Private Key JWT
 * Authentication", "Rotate Credentials"): the Management API's credential rules, and every rule
 * of a client assertion at the token endpoint (RFC 7523, OIDC Core §9), on the test clock.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { X509Certificate, createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createSelfSignedCertificate } from '../../src/crypto/x509.js';
import { SignJWT, base64url } from 'jose';
import { JTI_RETENTION_SECONDS, CLOCK_SKEW_SECONDS } from '../../src/auth-api/client-auth/methods/private-key-jwt.js';
import { startInProcess, type InProcessServer } from '../support/in-process.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
let server: InProcessServer;
let token: string;
let issuer: string;

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const key1 = rsa();
const key2 = rsa();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pemOf = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  issuer = `${server.originOf('dev')}/`;
});
afterAll(async () => server?.close());

const api = (method: string, path: string, body?: unknown) => server.api('dev', token, method, path, body);

async function newClient(): Promise<string> {
  const res = await api('POST', '/api/v2/clients', { name: `pkj ${randomUUID().slice(0, 8)}`, app_type: 'non_interactive', grant_types: ['client_credentials'] });
  expect(res.status).toBe(201);
  const grant = await api('POST', '/api/v2/client-grants', { client_id: res.body.client_id, audience: `${issuer}api/v2/`, scope: ['read:clients'] });
  expect(grant.status, JSON.stringify(grant.body)).toBe(201);
  return res.body.client_id;
}

async function addCredential(clientId: string, body: Record<string, unknown>) {
  return api('POST', `/api/v2/clients/${clientId}/credentials`, { credential_type: 'public_key', name: 'key', ...body });
}

async function associate(clientId: string, ids: string[]) {
  return api('PATCH', `/api/v2/clients/${clientId}`, { client_authentication_methods: { private_key_jwt: { credentials: ids.map((id) => ({ id })) } } });
}

interface AssertionOptions {
  alg?: string;
  kid?: string | null;
  claims?: Record<string, unknown>;
  exp?: number;
  jti?: string | null;
  aud?: unknown;
}

async function assertion(clientId: string, key: KeyObject, options: AssertionOptions = {}): Promise<string> {
  const now = Math.floor(server.clock.now() / 1000);
  const header: Record<string, unknown> = { alg: options.alg ?? 'RS256' };
  if (options.kid) header.kid = options.kid;
  const payload: Record<string, unknown> = { iss: clientId, sub: clientId, aud: options.aud ?? `${issuer}oauth/token`, iat: now, exp: options.exp ?? now + 60, ...options.claims };
  if (options.jti !== null) payload.jti = options.jti ?? randomUUID();
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
}

const tokenRequest = (clientAssertion: string, extra: Record<string, string> = {}) =>
  server.postForm('dev', '/oauth/token', { grant_type: 'client_credentials', audience: `${issuer}api/v2/`, client_assertion_type: JWT_BEARER, client_assertion: clientAssertion, ...extra });

describe('credentials (Management API)', () => {
  it('creates, lists, gets, patches the expiry of and deletes a credential, with Auth0’s shapes', async () => {
    const clientId = await newClient();
    const created = await addCredential(clientId, { pem: pemOf(key1.publicKey), alg: 'RS384' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^cred_/), name: 'key', credential_type: 'public_key', alg: 'RS384', kid: expect.any(String) });
    expect(created.body.pem).toBeUndefined();
    // kid: the key's RFC 7638 thumbprint.
    const { calculateJwkThumbprint } = await import('jose');
    expect(created.body.kid).toBe(await calculateJwkThumbprint(key1.publicKey.export({ format: 'jwk' }) as never));
    expect((await api('GET', `/api/v2/clients/${clientId}/credentials`)).body).toEqual([created.body]);
    expect((await api('GET', `/api/v2/clients/${clientId}/credentials/${created.body.id}`)).body).toEqual(created.body);
    const expiry = new Date(server.clock.now() + 86_400_000).toISOString();
    const patched = await api('PATCH', `/api/v2/clients/${clientId}/credentials/${created.body.id}`, { expires_at: expiry });
    expect(patched.status).toBe(200);
    expect(patched.body.expires_at).toBe(expiry);
    expect((await api('PATCH', `/api/v2/clients/${clientId}/credentials/${created.body.id}`, { name: 'x' })).status).toBe(400);
    expect((await api('DELETE', `/api/v2/clients/${clientId}/credentials/${created.body.id}`)).status).toBe(204);
    expect((await api('GET', `/api/v2/clients/${clientId}/credentials/${created.body.id}`)).status).toBe(404);
  });

  it('refuses private keys, small keys, the same key twice, a third credential and mismatched alg', async () => {
    const clientId = await newClient();
    const privatePem = key1.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const priv = await addCredential(clientId, { pem: privatePem });
    expect(priv.status).toBe(400);
    expect(priv.body.message).toContain('private key');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect((await addCredential(clientId, { pem: pemOf(small.publicKey) })).body.message).toContain('RSA key of 2048 to 4096 bits');
    expect((await addCredential(clientId, { pem: pemOf(ec.publicKey), alg: 'RS256' })).status).toBe(400);
    expect((await addCredential(clientId, { pem: pemOf(key1.publicKey), alg: 'ES256' })).status).toBe(400);
    expect((await addCredential(clientId, { pem: pemOf(key1.publicKey), parse_expiry_from_cert: true })).status).toBe(400);
    expect((await addCredential(clientId, { pem: pemOf(key1.publicKey), expires_at: new Date(server.clock.now() - 1000).toISOString() })).status).toBe(400);
    expect((await addCredential(clientId, { pem: pemOf(key1.publicKey) })).status).toBe(201);
    const twice = await addCredential(clientId, { pem: pemOf(key1.publicKey), alg: 'PS256' });
    expect(twice.status).toBe(409);
    expect((await addCredential(clientId, { pem: pemOf(ec.publicKey), alg: 'ES256' })).status).toBe(201);
    const third = await addCredential(clientId, { pem: pemOf(key2.publicKey) });
    expect(third.status).toBe(400);
    expect(third.body.message).toContain('maximum number of credentials (2)');
  });

  it('holds the two-credential limit and kid uniqueness under concurrent creates', async () => {
    const clientId = await newClient();
    const keys = Array.from({ length: 5 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const limited = await Promise.all(keys.map((pair) => addCredential(clientId, { pem: pemOf(pair.publicKey), alg: 'ES256' })));
    expect(limited.map((res) => res.status).sort()).toEqual([201, 201, 400, 400, 400]);
    expect((await api('GET', `/api/v2/clients/${clientId}/credentials`)).body).toHaveLength(2);

    const other = await newClient();
    const sameKid = await Promise.all(keys.slice(0, 3).map((pair) => addCredential(other, { pem: pemOf(pair.publicKey), alg: 'ES256', kid: 'one-kid-for-all' })));
    expect(sameKid.map((res) => res.status).sort()).toEqual([201, 409, 409]);
    expect((await api('GET', `/api/v2/clients/${other}/credentials`)).body).toHaveLength(1);
  });

  it('takes an X.509 certificate as a public key, with parse_expiry_from_cert (exclusive with expires_at)', async () => {
    const clientId = await newClient();
    const { pem: certPem } = await createSelfSignedCertificate({ privateKey: key2.privateKey, publicKey: key2.publicKey, commonName: 'pkj-cert.example', validDays: 30 });
    const both = await addCredential(clientId, { pem: certPem, parse_expiry_from_cert: true, expires_at: new Date(server.clock.now() + 1000_000).toISOString() });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('mutually exclusive');
    const created = await addCredential(clientId, { pem: certPem, parse_expiry_from_cert: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.expires_at).toBe(new Date(new X509Certificate(certPem).validTo).toISOString());
    expect(created.body.subject_dn).toBe('CN=pkj-cert.example');
    expect((await associate(clientId, [created.body.id])).status).toBe(200);
    expect((await tokenRequest(await assertion(clientId, key2.privateKey, { kid: created.body.kid }))).status).toBe(200);
  });

  it('keeps credentials to their application and tenant', async () => {
    const a = await newClient();
    const b = await newClient();
    const cred = await addCredential(a, { pem: pemOf(key1.publicKey) });
    expect((await api('GET', `/api/v2/clients/${b}/credentials/${cred.body.id}`)).status).toBe(404);
    expect((await api('DELETE', `/api/v2/clients/${b}/credentials/${cred.body.id}`)).status).toBe(404);
    const other = await associate(b, [cred.body.id]);
    expect(other.status).toBe(400);
    expect(other.body.message).toContain('does not exist for this client');
    await server.createTenant('pkjother');
    const otherToken = await server.tokenFor('pkjother');
    expect((await server.api('pkjother', otherToken, 'GET', `/api/v2/clients/${a}/credentials`)).status).toBe(404);
  });

  it('associates credentials with null token_endpoint_auth_method, refuses deleting an associated one, and reverts', async () => {
    const clientId = await newClient();
    const cred = await addCredential(clientId, { pem: pemOf(key1.publicKey) });
    const both = await api('PATCH', `/api/v2/clients/${clientId}`, { token_endpoint_auth_method: 'client_secret_post', client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.body.id }] } } });
    expect(both.status).toBe(400);
    const nullAlone = await api('PATCH', `/api/v2/clients/${clientId}`, { token_endpoint_auth_method: null });
    expect(nullAlone.status).toBe(400);
    const associated = await associate(clientId, [cred.body.id]);
    expect(associated.status, JSON.stringify(associated.body)).toBe(200);
    expect(associated.body).toMatchObject({ token_endpoint_auth_method: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.body.id }] } } });
    const deleting = await api('DELETE', `/api/v2/clients/${clientId}/credentials/${cred.body.id}`);
    expect(deleting.status).toBe(400);
    expect(deleting.body.message).toContain('Remove it from client_authentication_methods');
    const halfRevert = await api('PATCH', `/api/v2/clients/${clientId}`, { token_endpoint_auth_method: 'client_secret_post' });
    expect(halfRevert.status).toBe(400);
    const reverted = await api('PATCH', `/api/v2/clients/${clientId}`, { token_endpoint_auth_method: 'client_secret_post', client_authentication_methods: null });
    expect(reverted.status).toBe(200);
    expect(reverted.body.token_endpoint_auth_method).toBe('client_secret_post');
    expect(reverted.body.client_authentication_methods).toBeUndefined();
    expect((await api('DELETE', `/api/v2/clients/${clientId}/credentials/${cred.body.id}`)).status).toBe(204);
  });

  it('configuring client_authentication_methods needs create:client_credentials / update:client_credentials (Auth0: "Create a client", "Update a client")', async () => {
    const narrow = await server.tokenFor('dev', { scope: 'create:clients update:clients read:clients create:client_credentials' });
    const inline = { private_key_jwt: { credentials: [{ credential_type: 'public_key', name: 'inline', pem: pemOf(key2.publicKey) }] } };
    const withoutCreate = await server.tokenFor('dev', { scope: 'create:clients update:clients read:clients' });
    const refusedCreate = await server.api('dev', withoutCreate, 'POST', '/api/v2/clients', { name: 'no cred scope', app_type: 'non_interactive', client_authentication_methods: inline });
    expect(refusedCreate.status).toBe(403);
    expect(refusedCreate.body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope', message: expect.stringContaining('create:client_credentials') });
    // Nothing half-written: no client of that name.
    expect((await api('GET', '/api/v2/clients?per_page=100')).body.some((client: { name: string }) => client.name === 'no cred scope')).toBe(false);
    expect((await server.api('dev', withoutCreate, 'POST', '/api/v2/clients', { name: 'plain', app_type: 'non_interactive' })).status).toBe(201);
    expect((await server.api('dev', narrow, 'POST', '/api/v2/clients', { name: 'with cred scope', app_type: 'non_interactive', client_authentication_methods: inline })).status).toBe(201);

    const clientId = await newClient();
    const cred = await addCredential(clientId, { pem: pemOf(key1.publicKey) });
    const methods = { private_key_jwt: { credentials: [{ id: cred.body.id }] } };
    const refusedUpdate = await server.api('dev', narrow, 'PATCH', `/api/v2/clients/${clientId}`, { client_authentication_methods: methods });
    expect(refusedUpdate.status).toBe(403);
    expect(refusedUpdate.body).toMatchObject({ errorCode: 'insufficient_scope', message: expect.stringContaining('update:client_credentials') });
    expect((await api('GET', `/api/v2/clients/${clientId}`)).body.client_authentication_methods).toBeUndefined();
    const updater = await server.tokenFor('dev', { scope: 'update:clients update:client_credentials' });
    expect((await server.api('dev', updater, 'PATCH', `/api/v2/clients/${clientId}`, { client_authentication_methods: methods })).status).toBe(200);
    // Reverting is configuring too.
    const revert = { token_endpoint_auth_method: 'client_secret_post', client_authentication_methods: null };
    expect((await server.api('dev', narrow, 'PATCH', `/api/v2/clients/${clientId}`, revert)).status).toBe(403);
    expect((await server.api('dev', updater, 'PATCH', `/api/v2/clients/${clientId}`, revert)).status).toBe(200);
  });

  it('creates a client with its credentials inline, and deleting the client deletes them', async () => {
    const res = await api('POST', '/api/v2/clients', {
      name: 'inline pkj',
      app_type: 'non_interactive',
      client_authentication_methods: { private_key_jwt: { credentials: [{ credential_type: 'public_key', name: 'inline', pem: pemOf(key2.publicKey), alg: 'RS256' }] } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.token_endpoint_auth_method).toBeNull();
    const id = res.body.client_authentication_methods.private_key_jwt.credentials[0].id;
    expect((await api('GET', `/api/v2/clients/${res.body.client_id}/credentials`)).body).toMatchObject([{ id, name: 'inline' }]);
    expect((await api('DELETE', `/api/v2/clients/${res.body.client_id}`)).status).toBe(204);
    const tenant = await server.services.tenants.findByName('dev');
    const left = await server.services.storage.repos.clientCredentials.listForClient(tenant!.id, res.body.client_id);
    expect(left).toEqual([]);
  });
});

describe('private_key_jwt at the token endpoint', () => {
  let clientId: string;
  let kid1: string;
  let otherClientId: string;

  beforeAll(async () => {
    clientId = await newClient();
    const cred = await addCredential(clientId, { pem: pemOf(key1.publicKey) });
    kid1 = cred.body.kid;
    expect((await associate(clientId, [cred.body.id])).status).toBe(200);
    otherClientId = await newClient();
    const otherCred = await addCredential(otherClientId, { pem: pemOf(key2.publicKey) });
    expect((await associate(otherClientId, [otherCred.body.id])).status).toBe(200);
  });

  const UNDISCLOSED = /^Client authentication failed\.$/;
  const failureLogs = async (): Promise<string[]> => {
    const logs = await api('GET', `/api/v2/logs?q=${encodeURIComponent('type:feccft')}&sort=date:-1&per_page=50`);
    return logs.body.map((entry: { description?: string }) => entry.description ?? '');
  };

  const refused = async (clientAssertion: string, description: string | RegExp, extra: Record<string, string> = {}) => {
    const res = await tokenRequest(clientAssertion, extra);
    expect(res.status, JSON.stringify(res.body)).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.body.error_description).toMatch(description);
  };

  it('issues a token for a valid assertion (aud: token endpoint, issuer, or in an array; kid or not)', async () => {
    for (const aud of [`${issuer}oauth/token`, issuer, [issuer]]) {
      const res = await tokenRequest(await assertion(clientId, key1.privateKey, { aud, kid: kid1 }));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.access_token).toEqual(expect.any(String));
    }
    expect((await tokenRequest(await assertion(clientId, key1.privateKey), { client_id: clientId })).status).toBe(200);
  });

  it('refuses a wrong aud', async () => {
    await refused(await assertion(clientId, key1.privateKey, { aud: `${issuer}oauth/revoke` }), /aud must be/);
    await refused(await assertion(clientId, key1.privateKey, { aud: 'https://elsewhere.example/' }), /aud must be/);
  });

  it('refuses expired assertions, exp too far ahead, missing exp, and nbf / iat in the future', async () => {
    const now = Math.floor(server.clock.now() / 1000);
    await refused(await assertion(clientId, key1.privateKey, { exp: now - 60 }), /expired/);
    await refused(await assertion(clientId, key1.privateKey, { exp: now + 3600 }), /at most 300 seconds ahead/);
    await refused(await assertion(clientId, key1.privateKey, { claims: { exp: undefined } }), /exp is required/);
    await refused(await assertion(clientId, key1.privateKey, { claims: { nbf: now + 120 } }), /nbf/);
    await refused(await assertion(clientId, key1.privateKey, { claims: { iat: now + 120 } }), /iat/);
    // An assertion valid now is refused once the clock passes its exp (plus the skew).
    const later = await assertion(clientId, key1.privateKey, { exp: now + 60 });
    server.clock.advance(120_000);
    await refused(later, /expired/);
  });

  it('refuses a replayed jti and a missing jti', async () => {
    const once = await assertion(clientId, key1.privateKey);
    expect((await tokenRequest(once)).status).toBe(200);
    await refused(once, /jti has already been used/);
    await refused(await assertion(clientId, key1.privateKey, { jti: null }), /jti is required/);
  });

  it('refuses an unknown kid, another client’s key, alg none, HS256 keyed with the public key, and an alg mismatch', async () => {
    // Decided by the client's registration: answered exactly as an unknown client (the rule is logged, below).
    await refused(await assertion(clientId, key1.privateKey, { kid: 'unknown-kid-0000' }), UNDISCLOSED);
    await refused(await assertion(clientId, key2.privateKey), UNDISCLOSED);
    const now = Math.floor(server.clock.now() / 1000);
    const claims = { iss: clientId, sub: clientId, aud: issuer, exp: now + 60, jti: randomUUID() };
    const encodedClaims = base64url.encode(JSON.stringify(claims));
    await refused(`${base64url.encode(JSON.stringify({ alg: 'none' }))}.${encodedClaims}.`, /alg must be an asymmetric algorithm/);
    const hsSecret = new TextEncoder().encode(pemOf(key1.publicKey));
    const hs = await new SignJWT({ ...claims, jti: randomUUID() }).setProtectedHeader({ alg: 'HS256' }).sign(hsSecret);
    await refused(hs, /alg must be an asymmetric algorithm/);
    // The header claims the credential's alg, the signature is an HMAC keyed with the public key: only
    // compactVerify's algorithm pin (the credential's RS256) stands between it and a token.
    const forgedInput = `${base64url.encode(JSON.stringify({ alg: 'RS256', kid: kid1 }))}.${base64url.encode(JSON.stringify({ ...claims, jti: randomUUID() }))}`;
    const forged = `${forgedInput}.${createHmac('sha256', pemOf(key1.publicKey)).update(forgedInput).digest('base64url')}`;
    await refused(forged, UNDISCLOSED);
    await refused(await assertion(clientId, key1.privateKey, { alg: 'PS256' }), UNDISCLOSED);
    // iss/sub of one client, signed with another's key: refused; a client_id that is not the assertion's: refused.
    await refused(await assertion(otherClientId, key1.privateKey), UNDISCLOSED);
    await refused(await assertion(clientId, key1.privateKey), /client_id does not match/, { client_id: otherClientId });
    await server.drain();
    const logged = await failureLogs();
    for (const rule of ['no credential of the client has this kid', 'signature verification failed', 'alg does not match']) {
      expect(logged.some((description) => description.includes(rule)), rule).toBe(true);
    }
  });

  it('answers an unknown client, an unconfigured one and a bad signature alike, and names the rule only once the signature verified', async () => {
    const unknown = await tokenRequest(await assertion('unknownclient0000000000000000000', key1.privateKey));
    const badSignature = await tokenRequest(await assertion(clientId, key2.privateKey));
    const secretClient = (await api('POST', '/api/v2/clients', { name: 'secret only', app_type: 'non_interactive', grant_types: ['client_credentials'] })).body.client_id;
    const unconfigured = await tokenRequest(await assertion(secretClient, key1.privateKey));
    for (const res of [unknown, badSignature, unconfigured]) expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } });
    await refused(await assertion(clientId, key1.privateKey, { aud: 'https://elsewhere.example/' }), /aud must be/);
  });

  it('refuses iss ≠ sub, an iss longer than any client_id (before any lookup), and crit / b64 headers', async () => {
    await refused(await assertion(clientId, key1.privateKey, { claims: { sub: otherClientId } }), /iss and sub must both be the client_id/);
    const find = vi.spyOn(server.services.clients, 'find');
    try {
      await refused(await assertion('x'.repeat(65), key1.privateKey), /iss is longer than 64 characters/);
      expect(find).not.toHaveBeenCalled();
    } finally {
      find.mockRestore();
    }
    const now = Math.floor(server.clock.now() / 1000);
    const payload = base64url.encode(JSON.stringify({ iss: clientId, sub: clientId, aud: issuer, exp: now + 60, jti: randomUUID() }));
    for (const header of [{ alg: 'RS256', b64: false, crit: ['b64'] }, { alg: 'RS256', crit: ['exp'], exp: now }, { alg: 'RS256', b64: true }]) {
      await refused(`${base64url.encode(JSON.stringify(header))}.${payload}.${base64url.encode('sig')}`, /crit and b64 header parameters are not accepted/);
    }
  });

  it('keeps a jti well past the assertion’s acceptance limit, so a lagging instance cannot take it again', async () => {
    expect(JTI_RETENTION_SECONDS).toBeGreaterThanOrEqual(2 * CLOCK_SKEW_SECONDS + 60);
    const claim = vi.spyOn(server.services.storage.repos.clientAssertionJtis, 'claim');
    try {
      const exp = Math.floor(server.clock.now() / 1000) + 60;
      expect((await tokenRequest(await assertion(clientId, key1.privateKey, { exp }))).status).toBe(200);
      expect(claim).toHaveBeenCalledTimes(1);
      expect(Date.parse(claim.mock.calls[0]![3]) / 1000).toBe(exp + JTI_RETENTION_SECONDS);
    } finally {
      claim.mockRestore();
    }
  });

  it('refuses an assertion whose aud is another tenant’s issuer', async () => {
    await server.createTenant('pkjaud');
    const otherIssuer = `${server.originOf('pkjaud')}/`;
    expect(otherIssuer).not.toBe(issuer);
    await refused(await assertion(clientId, key1.privateKey, { aud: otherIssuer }), /aud must be/);
    await refused(await assertion(clientId, key1.privateKey, { aud: `${otherIssuer}oauth/token` }), /aud must be/);
  });

  it('refuses an oversized assertion and a malformed one', async () => {
    await refused(await assertion(clientId, key1.privateKey, { claims: { pad: 'x'.repeat(9000) } }), /larger than 8192 bytes/);
    await refused('not.a-jwt', /payload is not a JSON object|not a compact JWS/);
  });

  it('refuses unassociated and expired credentials', async () => {
    const id = await newClient();
    const cred = await addCredential(id, { pem: pemOf(key1.publicKey), expires_at: new Date(server.clock.now() + 3_600_000).toISOString() });
    const spare = await addCredential(id, { pem: pemOf(key2.publicKey) });
    expect((await associate(id, [cred.body.id])).status).toBe(200);
    await refused(await assertion(id, key2.privateKey), UNDISCLOSED);
    expect((await tokenRequest(await assertion(id, key1.privateKey))).status).toBe(200);
    server.clock.advance(3_700_000);
    await refused(await assertion(id, key1.privateKey), UNDISCLOSED);
    expect(spare.status).toBe(201);
  });

  it('refuses the client secret once private_key_jwt is configured, and accepts it again after reverting', async () => {
    const created = await api('POST', '/api/v2/clients', { name: 'secret then pkj', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const { client_id, client_secret } = created.body;
    await api('POST', '/api/v2/client-grants', { client_id, audience: `${issuer}api/v2/`, scope: ['read:clients'] });
    const secretRequest = () => server.postForm('dev', '/oauth/token', { grant_type: 'client_credentials', audience: `${issuer}api/v2/`, client_id, client_secret });
    expect((await secretRequest()).status).toBe(200);
    const cred = await addCredential(client_id, { pem: pemOf(ec.publicKey), alg: 'ES256' });
    expect((await associate(client_id, [cred.body.id])).status).toBe(200);
    expect((await secretRequest()).status).toBe(401);
    expect((await tokenRequest(await assertion(client_id, ec.privateKey, { alg: 'ES256' }))).status).toBe(200);
    expect((await api('PATCH', `/api/v2/clients/${client_id}`, { token_endpoint_auth_method: 'client_secret_post', client_authentication_methods: null })).status).toBe(200);
    expect((await secretRequest()).status).toBe(200);
    await refused(await assertion(client_id, ec.privateKey, { alg: 'ES256' }), UNDISCLOSED);
  });

  it('authenticates at /oauth/revoke and /passwordless/start with the same method', async () => {
    const revoked = await server.postForm('dev', '/oauth/revoke', { token: 'unknown-refresh-token', client_assertion_type: JWT_BEARER, client_assertion: await assertion(clientId, key1.privateKey) });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    const refusedRevoke = await server.postForm('dev', '/oauth/revoke', { token: 'unknown-refresh-token', client_assertion_type: JWT_BEARER, client_assertion: await assertion(clientId, key2.privateKey) });
    expect(refusedRevoke.status).toBe(401);
    const start = (clientAssertion: string) =>
      server.fetch(`${server.originOf('dev')}/passwordless/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ connection: 'email', email: 'a@example.com', send: 'code', client_assertion_type: JWT_BEARER, client_assertion: clientAssertion }),
      });
    const good = await start(await assertion(clientId, key1.privateKey));
    // Past client authentication: whatever the answer, it is not invalid_client.
    expect(((await good.json()) as { error?: string }).error).not.toBe('invalid_client');
    const bad = await start(await assertion(clientId, key2.privateKey));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client', error_description: 'Client authentication failed.' });
  });

  it('authenticates a pushed authorization request, whose assertion may also name the PAR endpoint (RFC 9126 §2); the token endpoint refuses that aud', async () => {
    expect((await api('PATCH', '/api/v2/tenants/settings', { pushed_authorization_requests_supported: true })).status).toBe(200);
    try {
      const push = async (aud: string, key = key1.privateKey) =>
        server.postForm('dev', '/oauth/par', { response_type: 'code', client_assertion_type: JWT_BEARER, client_assertion: await assertion(clientId, key, { aud }) });
      // Authenticated: the answer is the first authorization check's (this application has no callback).
      for (const aud of [issuer, `${issuer}oauth/token`, `${issuer}oauth/par`]) {
        const res = await push(aud);
        expect(res.status, `${aud}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.error).toBe('invalid_request');
      }
      expect((await push(`${issuer}oauth/par`, key2.privateKey)).body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      expect((await push(`${issuer}oauth/revoke`)).body.error).toBe('invalid_client');
      await refused(await assertion(clientId, key1.privateKey, { aud: `${issuer}oauth/par` }), /aud must be/);
    } finally {
      expect((await api('PATCH', '/api/v2/tenants/settings', { pushed_authorization_requests_supported: false })).status).toBe(200);
    }
  });

  it('hides the client secret while credentials are configured, and refuses them for public applications', async () => {
    const shown = await api('GET', `/api/v2/clients/${clientId}`);
    expect(shown.body.client_secret).toBeUndefined();
    const spa = await api('POST', '/api/v2/clients', { name: 'spa pkj', app_type: 'spa' });
    const cred = await addCredential(spa.body.client_id, { pem: pemOf(key1.publicKey) });
    const res = await associate(spa.body.client_id, [cred.body.id]);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('confidential applications');
  });

  it('logs the failed exchange with the rule that failed', async () => {
    await refused(await assertion(clientId, key1.privateKey, { aud: 'https://wrong.example/' }), /aud must be/);
    await server.drain();
    const logs = await api('GET', `/api/v2/logs?q=${encodeURIComponent('type:feccft')}&sort=date:-1&per_page=5`);
    expect(logs.body.some((entry: { description?: string }) => entry.description?.includes('aud must be'))).toBe(true);
  });
});
