/**
 * The Management API as a resource server: token checks (signature, issuer, audience, expiry,
 * tenant), scope checks, Auth0's error format, tenant settings, and signing-key rotation/revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync, sign, createHmac } from 'node:crypto';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startServer();
  await server.createTenant('acme');
  token = await managementToken(server);
});
afterAll(async () => server?.stop());

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
}

describe('authentication', () => {
  it('answers a missing or malformed token with 401 in the Management API format', async () => {
    const missing = await call(server, '/api/v2/tenants/settings');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication', errorCode: 'invalid_token' });
    const garbage = await call(server, '/api/v2/tenants/settings', { headers: bearer('abc.def.ghi') });
    expect(garbage.status).toBe(401);
    expect(garbage.body.statusCode).toBe(401);
  });

  it('rejects a token with a tampered payload', async () => {
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64({ ...payloadOf(token), scope: 'read:tenant_settings update:tenant_settings delete:everything' })}.${s}`;
    const res = await call(server, '/api/v2/tenants/settings', { headers: bearer(forged) });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Invalid signature received for JSON Web Token validation.');
  });

  it('rejects alg none and HS256 signed with the public key (algorithm confusion)', async () => {
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    const none = `${b64({ alg: 'none', typ: 'JWT', kid: header.kid })}.${b64(payloadOf(token))}.`;
    expect((await call(server, '/api/v2/tenants/settings', { headers: bearer(none) })).status).toBe(401);

    const jwks = (await call(server, '/.well-known/jwks.json')).body;
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
    const publicPem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${b64(payloadOf(token))}`;
    const hs = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    expect((await call(server, '/api/v2/tenants/settings', { headers: bearer(hs) })).status).toBe(401);
  });

  it('rejects a token signed by a key that is not the tenant’s', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    const input = `${b64(header)}.${b64(payloadOf(token))}`;
    const foreign = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    expect((await call(server, '/api/v2/tenants/settings', { headers: bearer(foreign) })).status).toBe(401);
  });

  it('keeps tenants apart: a token of one tenant is rejected by the other', async () => {
    const acmeToken = await managementToken(server, 'acme');
    const acmeOwn = await call(server, '/api/v2/tenants/settings', { host: 'acme.localhost', headers: bearer(acmeToken) });
    expect(acmeOwn.status).toBe(200);
    const crossed = await call(server, '/api/v2/tenants/settings', { headers: bearer(acmeToken) });
    expect(crossed.status).toBe(401);
    const reverse = await call(server, '/api/v2/tenants/settings', { host: 'acme.localhost', headers: bearer(token) });
    expect(reverse.status).toBe(401);
    // acme's bootstrap client does not exist in dev, and vice versa.
    const acme = server.bootstrapOf('acme');
    const wrongTenant = await call(server, '/oauth/token', {
      form: { grant_type: 'client_credentials', client_id: acme.client_id, client_secret: acme.client_secret, audience: `http://localhost:${server.port}/api/v2/` },
    });
    expect(wrongTenant.status).toBe(401);
  });

  it('checks each route’s scope and answers 403 insufficient_scope', async () => {
    const readOnly = await managementToken(server, 'dev', 'read:tenant_settings');
    expect((await call(server, '/api/v2/tenants/settings', { headers: bearer(readOnly) })).status).toBe(200);
    const patch = await call(server, '/api/v2/tenants/settings', { method: 'PATCH', headers: bearer(readOnly), body: { friendly_name: 'x' } });
    expect(patch.status).toBe(403);
    expect(patch.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope; expected any of: update:tenant_settings.', errorCode: 'insufficient_scope' });
    const rotate = await call(server, '/api/v2/keys/signing/rotate', { method: 'POST', headers: bearer(await managementToken(server, 'dev', 'create:signing_keys')) });
    expect(rotate.status).toBe(403);
    expect(rotate.body.message).toBe('Insufficient scope; expected create:signing_keys and update:signing_keys.');
  });

  it('answers unknown Management API routes with 404 in its format', async () => {
    const res = await call(server, '/api/v2/nothing-here', { headers: bearer(token) });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('tenant settings', () => {
  it('reads the defaults and projects fields', async () => {
    const res = await call(server, '/api/v2/tenants/settings', { headers: bearer(token) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled_locales: ['en'], session_lifetime: 168, idle_session_lifetime: 72, device_flow: { charset: 'base20', mask: '****-****' } });
    expect(res.body.flags.enable_dynamic_client_registration).toBe(false);
    const only = await call(server, '/api/v2/tenants/settings?fields=enabled_locales,flags&include_fields=true', { headers: bearer(token) });
    expect(Object.keys(only.body).sort()).toEqual(['enabled_locales', 'flags']);
  });

  it('updates, merges flags and keeps both session lifetime units in step', async () => {
    const res = await call(server, '/api/v2/tenants/settings', {
      method: 'PATCH',
      headers: bearer(token),
      body: { friendly_name: 'Acme Corp', support_email: 'help@acme.example', flags: { use_scope_descriptions_for_consent: true }, session_lifetime: 24, enabled_locales: ['en'], environment_tag: 'staging' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ friendly_name: 'Acme Corp', session_lifetime: 24, session_lifetime_in_minutes: 1440, environment_tag: 'staging' });
    expect(res.body.flags).toMatchObject({ use_scope_descriptions_for_consent: true, enable_sso: true });
    const again = await call(server, '/api/v2/tenants/settings', { headers: bearer(token) });
    expect(again.body.friendly_name).toBe('Acme Corp');
    expect(again.body.enabled_locales).toEqual(['en']);
    // The other tenant is untouched.
    const acme = await call(server, '/api/v2/tenants/settings', { host: 'acme.localhost', headers: bearer(await managementToken(server, 'acme')) });
    expect(acme.body.friendly_name).toBeUndefined();
  });

  it('rejects invalid bodies with a 400 naming the field', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ friendly_name: 12 }, /friendly_name/],
      [{ nonsense: true }, /nonsense/],
      [{ flags: { not_a_flag: true } }, /not_a_flag/],
      [{ support_email: 'not-an-email' }, /support_email/],
      [{ picture_url: 'javascript:alert(1)' }, /picture_url/],
      [{ enabled_locales: ['xx-YY'] }, /enabled_locales/],
      [{ session_lifetime: 100000 }, /session_lifetime/],
      [{ device_flow: { mask: 'abc' } }, /device_flow/],
      [{ flags: { change_pwd_flow_v1: true } }, /change_pwd_flow_v1/],
      [{ flags: { enable_sso: 'yes' } }, /enable_sso/],
    ];
    for (const [body, field] of cases) {
      const res = await call(server, '/api/v2/tenants/settings', { method: 'PATCH', headers: bearer(token), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
      expect(res.body.message).toMatch(field);
    }
  });
});

describe('signing keys', () => {
  it('rotates (next becomes current) and revokes the previous key everywhere at once', async () => {
    const before = (await call(server, '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    const oldToken = await managementToken(server);
    const rotated = await call(server, '/api/v2/keys/signing/rotate', { method: 'POST', headers: bearer(token) });
    expect(rotated.status).toBe(201);
    expect(rotated.body.kid).toBe(before[1]); // the published next key is now current
    const after = (await call(server, '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect(after).toHaveLength(3);
    expect(after.slice(0, 1)).toEqual([before[1]]);
    expect(after).toContain(before[0]);

    // Tokens signed with the previous key stay valid until it is revoked.
    expect((await call(server, '/api/v2/tenants/settings', { headers: bearer(oldToken) })).status).toBe(200);
    const newToken = await managementToken(server);
    expect(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid).toBe(before[1]);

    // A refusal says what revoking that key would break (the docs' warnings).
    const current = await call(server, `/api/v2/keys/signing/${before[1]}/revoke`, { method: 'PUT', headers: bearer(newToken) });
    expect(current.status).toBe(400);
    expect(current.body).toMatchObject({ errorCode: 'invalid_signing_key_state', message: expect.stringContaining('the tokens it signed would stop verifying') });
    const next = await call(server, `/api/v2/keys/signing/${after[1]}/revoke`, { method: 'PUT', headers: bearer(newToken) });
    expect(next.status).toBe(400);
    expect(next.body.message).toContain('becomes the current key at the next rotation');
    const revoked = await call(server, `/api/v2/keys/signing/${before[0]}/revoke`, { method: 'PUT', headers: bearer(newToken) });
    expect(revoked.status).toBe(200);
    expect(revoked.body.kid).toBe(before[0]);
    const again = await call(server, `/api/v2/keys/signing/${before[0]}/revoke`, { method: 'PUT', headers: bearer(newToken) });
    expect(again.body.message).toBe('Signing key is already revoked. A revoked key cannot be reused.');
    const jwks = (await call(server, '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect(jwks).not.toContain(before[0]);
    expect((await call(server, '/api/v2/tenants/settings', { headers: bearer(oldToken) })).status).toBe(401);

    const list = await call(server, '/api/v2/keys/signing', { headers: bearer(newToken) });
    const old = list.body.find((k: { kid: string }) => k.kid === before[0]);
    expect(old).toMatchObject({ revoked: true, previous: false, current: false });
    expect(old.fingerprint).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(old.pkcs7).toContain('BEGIN PKCS7');
    const missing = await call(server, '/api/v2/keys/signing/nope/revoke', { method: 'PUT', headers: bearer(newToken) });
    expect(missing.status).toBe(404);
  });
});

describe('OpenAPI document', () => {
  it('is served without a token, generated from the route schemas, with each operation’s scopes', async () => {
    const res = await call(server, '/api/v2/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v2/clients', '/api/v2/clients/{id}', '/api/v2/tenants/settings', '/api/v2/keys/signing/rotate']));
    expect(paths.every((p) => p.startsWith('/api/v2/'))).toBe(true);
    expect(paths).not.toContain('/api/v2/openapi.json');
    const patch = res.body.paths['/api/v2/tenants/settings'].patch;
    expect(patch.description).toBe('Requires any of: update:tenant_settings.');
    expect(patch.requestBody.content['application/json'].schema.properties.friendly_name).toMatchObject({ type: 'string' });
    expect(res.body.paths['/api/v2/keys/signing/rotate'].post.description).toBe('Requires all of: create:signing_keys, update:signing_keys.');
  });
});
