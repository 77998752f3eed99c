/**
 * Private Key JWT over real HTTPS (issue 16): the `auth0` SDK v7 manages an application's
 * credentials (`clients.credentials.*`), `openid-client` v6 gets tokens with `PrivateKeyJwt`, and a
 * key rotation as "Rotate Credentials" describes it (add key 2, associate both, switch the signer,
 * associate key 2 only, delete key 1) runs under continuous token traffic without one failed request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import * as oidc from 'openid-client';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';

let tls: TlsTestServer;
let token: string;
const AUDIENCE = 'urn:pkj-api';

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  token = await tls.tokenFor('dev');
  expect((await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: AUDIENCE, scopes: [{ value: 'run:jobs' }] })).status).toBe(201);
});
afterAll(async () => tls?.close());

async function keyPair(kind: 'ES256' | 'RS256'): Promise<{ privateKey: webcrypto.CryptoKey; pem: string }> {
  const algorithm = kind === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const pair = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
  return { privateKey: pair.privateKey, pem: `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n` };
}

async function m2m(name: string): Promise<string> {
  const app = await tls.api('dev', token, 'POST', '/api/v2/clients', { name, app_type: 'non_interactive', grant_types: ['client_credentials'] });
  expect(app.status).toBe(201);
  expect((await tls.api('dev', token, 'POST', '/api/v2/client-grants', { client_id: app.body.client_id, audience: AUDIENCE, scope: ['run:jobs'] })).status).toBe(201);
  return app.body.client_id;
}

const configFor = (clientId: string, key: webcrypto.CryptoKey, kid: string) =>
  oidc.discovery(new URL(`https://${tls.hostOf('dev')}/`), clientId, undefined, oidc.PrivateKeyJwt({ key, kid } as Parameters<typeof oidc.PrivateKeyJwt>[0]), { [oidc.customFetch]: tls.caFetch as oidc.CustomFetch });

describe('the auth0 SDK v7 manages credentials', () => {
  it('creates, lists, gets, updates and deletes a credential; associates it through clients.update', async () => {
    const management = tls.v7('dev');
    const clientId = await m2m('SDK credentials');
    const { pem } = await keyPair('RS256');
    const created = await management.clients.credentials.create(clientId, { credential_type: 'public_key', name: 'sdk key', pem, alg: 'RS256' });
    expect(created).toMatchObject({ id: expect.stringMatching(/^cred_/), name: 'sdk key', credential_type: 'public_key', alg: 'RS256', kid: expect.any(String) });
    expect(await management.clients.credentials.list(clientId)).toEqual([created]);
    expect(await management.clients.credentials.get(clientId, created.id!)).toEqual(created);
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect(await management.clients.credentials.update(clientId, created.id!, { expires_at: expiresAt })).toMatchObject({ id: created.id, expires_at: expiresAt });
    const client = await management.clients.update(clientId, { token_endpoint_auth_method: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: created.id! }] } } } as never);
    expect(client).toMatchObject({ token_endpoint_auth_method: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: created.id }] } } });
    await expect(management.clients.credentials.delete(clientId, created.id!)).rejects.toMatchObject({ statusCode: 400 });
    await management.clients.update(clientId, { token_endpoint_auth_method: 'client_secret_post', client_authentication_methods: null } as never);
    await management.clients.credentials.delete(clientId, created.id!);
    expect(await management.clients.credentials.list(clientId)).toEqual([]);
  });
});

describe('openid-client v6 with PrivateKeyJwt', () => {
  it('gets a client_credentials token with an ES256 assertion', async () => {
    const clientId = await m2m('openid-client pkj');
    const { privateKey, pem } = await keyPair('ES256');
    const cred = await tls.api('dev', token, 'POST', `/api/v2/clients/${clientId}/credentials`, { credential_type: 'public_key', pem, alg: 'ES256' });
    expect(cred.status).toBe(201);
    expect((await tls.api('dev', token, 'PATCH', `/api/v2/clients/${clientId}`, { client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.body.id }] } } })).status).toBe(200);
    const config = await configFor(clientId, privateKey, cred.body.kid);
    const tokens = await oidc.clientCredentialsGrant(config, { audience: AUDIENCE, scope: 'run:jobs' });
    expect(tokens.scope).toBe('run:jobs');
    expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString())).toMatchObject({ aud: AUDIENCE, gty: 'client-credentials', sub: `${clientId}@clients` });
  });
});

describe('rotation under traffic', () => {
  it('switches from key 1 to key 2 with zero failed token requests', async () => {
    const clientId = await m2m('rotating');
    const key1 = await keyPair('RS256');
    const key2 = await keyPair('RS256');
    const api = (method: string, path: string, body?: unknown) => tls.api('dev', token, method, path, body);
    const cred1 = (await api('POST', `/api/v2/clients/${clientId}/credentials`, { credential_type: 'public_key', name: 'key 1', pem: key1.pem })).body;
    const associate = async (ids: string[]) => {
      const res = await api('PATCH', `/api/v2/clients/${clientId}`, { client_authentication_methods: { private_key_jwt: { credentials: ids.map((id) => ({ id })) } } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await associate([cred1.id]);

    // The application's side: whichever key it currently signs with; requests in flight counted per key.
    let signer = { config: await configFor(clientId, key1.privateKey, cred1.kid), name: 'key 1' };
    let running = true;
    const failures: string[] = [];
    const served: Record<string, number> = { 'key 1': 0, 'key 2': 0 };
    const inFlight: Record<string, number> = { 'key 1': 0, 'key 2': 0 };
    const worker = async () => {
      while (running) {
        const current = signer;
        inFlight[current.name]!++;
        try {
          await oidc.clientCredentialsGrant(current.config, { audience: AUDIENCE });
          served[current.name]!++;
        } catch (error) {
          failures.push(`${current.name}: ${(error as Error).message}`);
        } finally {
          inFlight[current.name]!--;
        }
      }
    };
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => setImmediate(resolve));
    };
    const workers = [worker(), worker()];
    await until(() => served['key 1']! >= 5);

    const cred2 = (await api('POST', `/api/v2/clients/${clientId}/credentials`, { credential_type: 'public_key', name: 'key 2', pem: key2.pem })).body;
    await associate([cred1.id, cred2.id]);
    const before = served['key 1']!;
    await until(() => served['key 1']! >= before + 3);
    signer = { config: await configFor(clientId, key2.privateKey, cred2.kid), name: 'key 2' };
    // Key 1 is unassociated only once no request signed with it is still on its way.
    await until(() => inFlight['key 1'] === 0 && served['key 2']! >= 3);
    await associate([cred2.id]);
    expect((await api('DELETE', `/api/v2/clients/${clientId}/credentials/${cred1.id}`)).status).toBe(204);
    const after = served['key 2']!;
    await until(() => served['key 2']! >= after + 5);
    running = false;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(served['key 1']).toBeGreaterThanOrEqual(8);
    expect(served['key 2']).toBeGreaterThanOrEqual(8);
    // And key 1 is now refused.
    const old = await configFor(clientId, key1.privateKey, cred1.kid);
    await expect(oidc.clientCredentialsGrant(old, { audience: AUDIENCE })).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
