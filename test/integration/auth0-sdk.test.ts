/**
 * The official Auth0 Node SDK, unchanged, against Tessera over real TLS: `ManagementClient` (v7 and v4)
 * pointed at `dev.localhost:PORT` gets its own token by client credentials and reads and updates
 * tenant settings; tokens never cross tenants; jose verifies our tokens against the remote JWKS.
 *
 * The server certificate is issued by a throwaway dev CA (`runDevCert`). Certificate verification
 * stays on everywhere: clients trust exactly that CA, and a client that does not is refused.
 *
 * @storage-neutral (the SDK's wire format against ours; the storage under these routes runs on both databases in management-api-responses*.test.ts): runs on SQLite only (test/support/suite-plan.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient, ManagementError } from 'auth0';
import { ManagementApiError } from 'auth0-v4';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';
import type { Bootstrap, TestServer } from '../support/server.js';

let tls: TlsTestServer;
let server: TestServer;
let caFetch: typeof fetch;
let hostOf: (tenant: string) => string;
let tokenFor: TlsTestServer['tokenFor'];
let v7Client: TlsTestServer['v7'];
let v4Client: TlsTestServer['v4'];

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  ({ server, caFetch, hostOf, tokenFor, v7: v7Client, v4: v4Client } = tls);
});

afterAll(async () => tls?.close());

describe('TLS with the dev CA', () => {
  it('is verified: the SDK refuses the server without the CA, and accepts it with the CA', async () => {
    // Default fetch, default trust store: the dev CA is unknown, so the token request must fail on the certificate.
    const untrusting = new ManagementClient({ domain: hostOf('dev'), clientId: server.bootstrap.client_id, clientSecret: server.bootstrap.client_secret, maxRetries: 0 });
    const error = await thrown(untrusting.tenants.settings.get());
    const causes = [error, error?.cause, error?.cause?.cause].filter(Boolean);
    expect(causes.map((e) => String(e.code ?? ''))).toEqual(expect.arrayContaining([expect.stringMatching(/CERT|VERIFY|ISSUER/)]));

    const res = await caFetch(`https://${hostOf('dev')}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { issuer: string }).issuer).toBe(`https://${hostOf('dev')}/`);
  });
});

describe('auth0 v7 ManagementClient', () => {
  it('gets its own token and reads tenant settings', async () => {
    const management = v7Client('dev');
    const settings = await management.tenants.settings.get();
    expect(settings.enabled_locales).toEqual(expect.any(Array));
    expect(settings.flags).toEqual(expect.any(Object));
  });

  it('updates tenant settings and reads the change back', async () => {
    const management = v7Client('dev');
    const updated = await management.tenants.settings.update({
      friendly_name: 'Dev via SDK v7',
      support_email: 'support-v7@example.com',
      flags: { enable_public_signup_user_exists_error: false },
    });
    expect(updated).toMatchObject({ friendly_name: 'Dev via SDK v7', support_email: 'support-v7@example.com', flags: { enable_public_signup_user_exists_error: false } });
    const again = await management.tenants.settings.get();
    expect(again).toMatchObject({ friendly_name: 'Dev via SDK v7', support_email: 'support-v7@example.com', flags: { enable_public_signup_user_exists_error: false } });
  });

  it('throws a 400 error for an invalid update', async () => {
    const management = v7Client('dev');
    for (const body of [{ friendly_name: 12 }, { no_such_setting: true }]) {
      const error = await thrown(management.tenants.settings.update(body as never));
      expect(error).toBeInstanceOf(ManagementError);
      expect(error.statusCode).toBe(400);
      expect(error.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    }
    expect((await management.tenants.settings.get()).friendly_name).toBe('Dev via SDK v7');
  });
});

describe('auth0 v4 ManagementClient', () => {
  it('gets its own token, updates tenant settings and reads the change back', async () => {
    const management = v4Client('dev');
    const before = await management.tenants.getSettings();
    expect(before.status).toBe(200);
    expect(before.data.enabled_locales).toEqual(expect.any(Array));

    const updated = await management.tenants.updateSettings({
      friendly_name: 'Dev via SDK v4',
      support_email: 'support-v4@example.com',
      flags: { enable_public_signup_user_exists_error: false },
    });
    expect(updated.status).toBe(200);
    expect(updated.data).toMatchObject({ friendly_name: 'Dev via SDK v4', support_email: 'support-v4@example.com' });

    const { data } = await management.tenants.getSettings();
    expect(data).toMatchObject({ friendly_name: 'Dev via SDK v4', support_email: 'support-v4@example.com', flags: { enable_public_signup_user_exists_error: false } });
  });

  it('throws a 400 ManagementApiError for an invalid update', async () => {
    const management = v4Client('dev');
    for (const body of [{ friendly_name: 12 }, { no_such_setting: true }]) {
      const error = await thrown(management.tenants.updateSettings(body as never));
      expect(error).toBeInstanceOf(ManagementApiError);
      expect(error).toMatchObject({ statusCode: 400, errorCode: 'invalid_body', error: 'Bad Request' });
    }
  });
});

describe('tenant isolation through the SDK', () => {
  let acme: Bootstrap;

  beforeAll(async () => {
    await server.createTenant('acme');
    acme = server.bootstrapOf('acme');
  });

  it('manages the second tenant from its own host, without touching the first', async () => {
    const v7 = v7Client('acme', acme);
    await v7.tenants.settings.update({ friendly_name: 'Acme v7' });
    expect((await v7.tenants.settings.get()).friendly_name).toBe('Acme v7');

    const v4 = v4Client('acme', acme);
    await v4.tenants.updateSettings({ friendly_name: 'Acme v4' });
    expect((await v4.tenants.getSettings()).data.friendly_name).toBe('Acme v4');

    expect((await v7Client('dev').tenants.settings.get()).friendly_name).not.toMatch(/^Acme/);
  });

  it("refuses one tenant's credentials on the other tenant's host", async () => {
    // dev's application does not exist in acme: the SDK's own token request fails, and it surfaces a 401.
    const crossed = new ManagementClient({ domain: hostOf('acme'), clientId: server.bootstrap.client_id, clientSecret: server.bootstrap.client_secret, fetch: caFetch, maxRetries: 0 });
    const error = await thrown(crossed.tenants.settings.get());
    expect(error.statusCode).toBe(401);
  });

  it("rejects a token of one tenant on the other tenant's Management API, both ways (401)", async () => {
    const tokens = { dev: await tokenFor('dev'), acme: await tokenFor('acme') };
    const settings = (tenant: string, token: string) =>
      caFetch(`https://${hostOf(tenant)}/api/v2/tenants/settings`, { headers: { authorization: `Bearer ${token}` } });

    // Each token works at home, so the 401s below are about the tenant and nothing else.
    expect((await settings('dev', tokens.dev)).status).toBe(200);
    expect((await settings('acme', tokens.acme)).status).toBe(200);

    for (const [host, token] of [['dev', tokens.acme], ['acme', tokens.dev]] as const) {
      const res = await settings(host, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }

    // The SDK with a static token from the wrong tenant gets the same 401.
    const wrongToken = new ManagementClient({ domain: hostOf('dev'), token: tokens.acme, fetch: caFetch, maxRetries: 0 });
    const error = await thrown(wrongToken.tenants.settings.get());
    expect(error.statusCode).toBe(401);
  });
});

describe('JWKS over HTTPS', () => {
  it('jose createRemoteJWKSet verifies a token obtained over HTTPS', async () => {
    const token = await tokenFor('dev');
    const jwks = createRemoteJWKSet(new URL(`https://${hostOf('dev')}/.well-known/jwks.json`), { [customFetch]: caFetch });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: `https://${hostOf('dev')}/`,
      audience: `https://${hostOf('dev')}/api/v2/`,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(`${server.bootstrap.client_id}@clients`);

    // acme signs with its own keys: dev's JWKS must not verify an acme token.
    const acmeToken = await tokenFor('acme');
    await expect(jwtVerify(acmeToken, jwks)).rejects.toThrow();
  });
});
