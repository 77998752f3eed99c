/**
 * Finding 4: imported bcrypt hashes are accepted with costs 04 to 12 only (a cost-16 hash made
 * every login of its tenant, and through libuv's pool the other tenants' too, take seconds); a
 * higher cost is a 400 naming the field. Cost 12 imports and logs in.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';

const DB = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startServer();
  token = await managementToken(server);
});
afterAll(async () => {
  await server?.stop();
});

const createUser = (body: Record<string, unknown>) =>
  call(server, '/api/v2/users', { headers: { authorization: `Bearer ${token}` }, body: { connection: DB, email: `u-${randomBytes(4).toString('hex')}@example.com`, ...body } });

/** A cost-13 hash, forged: only the cost digits of a real hash matter to the import check (computing one takes seconds). */
const withCost = (hash: string, cost: number) => `${hash.slice(0, 4)}${String(cost).padStart(2, '0')}${hash.slice(6)}`;

describe('finding 4: imported bcrypt costs', () => {
  it('finding 4: an imported bcrypt hash of cost 13 (or 31) is refused with a 400 naming the field', async () => {
    const real = await bcryptHash('whatever-password', { cost: 4 });
    for (const cost of [13, 31]) {
      const plain = await createUser({ password_hash: withCost(real, cost) });
      expect(plain.status).toBe(400);
      expect(plain.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
      expect(plain.body.message).toContain('password_hash');
      expect(plain.body.message).toContain(`cost ${cost}`);

      const custom = await createUser({ custom_password_hash: { algorithm: 'bcrypt', hash: { value: withCost(real, cost) } } });
      expect(custom.status).toBe(400);
      expect(custom.body.message).toContain('custom_password_hash.hash.value');
    }
  });

  it('finding 4: an imported bcrypt hash of cost 12 is accepted and logs in', async () => {
    const password = `Imported-${randomBytes(6).toString('hex')}`;
    const email = `cost12-${randomBytes(4).toString('hex')}@example.com`;
    const created = await createUser({ email, password_hash: await bcryptHash(password, { cost: 12 }) });
    expect(created.status, created.text).toBe(201);

    const app = await call(server, '/api/v2/clients', {
      headers: { authorization: `Bearer ${token}` },
      body: { name: 'password app', app_type: 'regular_web', grant_types: ['password', REALM_GRANT] },
    });
    expect(app.status, app.text).toBe(201);
    const login = (pw: string) =>
      call(server, '/oauth/token', { form: { grant_type: REALM_GRANT, realm: DB, username: email, password: pw, client_id: app.body.client_id, client_secret: app.body.client_secret } });
    const ok = await login(password);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.access_token).toEqual(expect.any(String));
    expect((await login('wrong-password-1')).status).toBe(403);
  });
});
