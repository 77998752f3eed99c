/**
 * The official `auth0` SDK (v7) manages a tenant's custom signing keys over HTTPS as it would on
 * Auth0: `keys.customSigning.set`, `get` and `delete`, its errors (404 when there are none, 400 for
 * a refused key) parsed as its own types. The rules and the JWKS are covered in
 * test/in-process/custom-signing-keys.test.ts.
 *
 * @storage-neutral (the SDK's calls and error types; the keys' storage is test/in-process/custom-signing-keys.test.ts's, on both databases): runs on SQLite only (test/support/suite-plan.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { ManagementError } from 'auth0';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';

let tls: TlsTestServer;

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  await tls.server.cli('tenants', 'add-domain', 'dev', 'login.sdk-keys.example');
});
afterAll(async () => tls?.close());

const jwkOf = (curve: 'P-256' | 'P-521') => generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ format: 'jwk' }) as { x: string; y: string };

describe('auth0 v7 keys.customSigning', () => {
  it('sets, gets and deletes the set; a tenant without keys is the SDK’s NotFoundError', async () => {
    const management = tls.v7('dev');
    const missing = await thrown(management.keys.customSigning.get());
    expect(missing).toBeInstanceOf(ManagementError);
    expect(missing.statusCode).toBe(404);

    const p256 = jwkOf('P-256');
    const p521 = jwkOf('P-521');
    const keys = [
      { kty: 'EC' as const, kid: 'sdk-p256', use: 'sig' as const, alg: 'ES256' as const, crv: 'P-256' as const, x: p256.x, y: p256.y },
      { kty: 'EC' as const, kid: 'sdk-p521', alg: 'ES512' as const, crv: 'P-521' as const, x: p521.x, y: p521.y },
    ];
    const set = await management.keys.customSigning.set({ keys });
    expect(set.keys).toEqual(keys);
    expect((await management.keys.customSigning.get()).keys).toEqual(keys);

    // The canonical host's JWKS is the tenant's own: custom keys are published on the custom domain only.
    const jwks = (await (await tls.caFetch(`https://${tls.hostOf('dev')}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).not.toContain('sdk-p256');

    const refused = await thrown(management.keys.customSigning.set({ keys: [{ ...keys[0]!, alg: 'ES384' }] }));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatchObject({ errorCode: 'invalid_body', message: expect.stringContaining('keys[0].alg ES384 does not match crv P-256') });

    await management.keys.customSigning.delete();
    expect((await thrown(management.keys.customSigning.get())).statusCode).toBe(404);
    await management.keys.customSigning.delete(); // deleting nothing is no error
  });
});
