/**
 * Connections are cached in process (by name, and the list a login page offers an application).
 * Two instances on one database, with Redis and with only the database feed: a connection change
 * written through one instance — disabled for an application, signup disabled, deleted, a new one
 * created, a new application enabled on every connection — reaches logins on the other instance,
 * and a change in one tenant never shows in another tenant's same-named connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PASSWORD = 'Xk9#mTq2!vLp';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

type Json = Record<string, any>;

/** The same scenarios for each way invalidations travel; `within` bounds how long the reader may lag. */
function convergenceSuite(label: string, env: Record<string, string>, within: number): void {
  describe(label, () => {
    let database: TestDatabase;
    let writer: TestServer;
    let reader: TestServer;
    let token: string;
    let app: Json;

    const api = async (method: string, path: string, body?: object, tenant = 'dev', mgmt = token) => {
      const res = await call(writer, path, { method, host: tenant === 'dev' ? 'localhost' : `${tenant}.localhost`, headers: { authorization: `Bearer ${mgmt}` }, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
      return res.body as Json;
    };
    const login = (client: Json, realm: string, username: string, tenant = 'dev') =>
      call(reader, '/oauth/token', {
        host: tenant === 'dev' ? 'localhost' : `${tenant}.localhost`,
        form: { grant_type: REALM_GRANT, realm, username, password: PASSWORD, client_id: client.client_id, client_secret: client.client_secret },
      });
    const signup = (client: Json, connection: string, email: string) => call(reader, '/dbconnections/signup', { body: { client_id: client.client_id, connection, email, password: PASSWORD } });
    const lockScript = async (client: Json) => (await call(reader, `/client/${client.client_id}.js`)).text;
    const soon = <T>(read: () => Promise<T>, accept: (value: T) => boolean) => eventually(read, accept, within);
    const newApp = (name: string, tenant = 'dev', mgmt = token) => api('POST', '/api/v2/clients', { name, app_type: 'regular_web', grant_types: [REALM_GRANT] }, tenant, mgmt);

    beforeAll(async () => {
      database = freshDatabase();
      writer = await startServer({ database, env });
      reader = await startServer({ database, env });
      token = await managementToken(writer);
      app = await newApp('Cached');
    });
    afterAll(async () => {
      await writer?.stop();
      await reader?.stop();
      await database?.drop();
    });

    it('an application disabled and re-enabled on a connection through one instance is refused and let in on the other', async () => {
      const staff = await api('POST', '/api/v2/connections', { name: 'Staff', strategy: 'auth0', enabled_clients: [app.client_id] });
      await api('POST', '/api/v2/users', { connection: 'Staff', email: 'ada@example.com', password: PASSWORD });
      expect((await login(app, 'Staff', 'ada@example.com')).status).toBe(200); // the reader now caches Staff

      await api('PATCH', `/api/v2/connections/${staff.id}/clients`, [{ client_id: app.client_id, status: false }]);
      const refused = await soon(() => login(app, 'Staff', 'ada@example.com'), (r) => r.status !== 200);
      expect(refused.body).toEqual({ error: 'invalid_request', error_description: 'the connection was disabled' });

      await api('PATCH', `/api/v2/connections/${staff.id}/clients`, [{ client_id: app.client_id, status: true }]);
      expect((await soon(() => login(app, 'Staff', 'ada@example.com'), (r) => r.status === 200)).status).toBe(200);

      // PATCH /connections/{id} with enabled_clients replaces the list.
      await api('PATCH', `/api/v2/connections/${staff.id}`, { enabled_clients: [] });
      expect((await soon(() => login(app, 'Staff', 'ada@example.com'), (r) => r.status !== 200)).body.error_description).toBe('the connection was disabled');
      await api('PATCH', `/api/v2/connections/${staff.id}`, { enabled_clients: [app.client_id] });
      expect((await soon(() => login(app, 'Staff', 'ada@example.com'), (r) => r.status === 200)).status).toBe(200);
    });

    it('signup disabled through one instance is refused on the other', async () => {
      const staff = (await api('GET', '/api/v2/connections?name=Staff'))[0];
      expect((await signup(app, 'Staff', 'first@example.com')).status).toBe(200);
      await api('PATCH', `/api/v2/connections/${staff.id}`, { options: { disable_signup: true } });
      const refused = await soon(() => signup(app, 'Staff', `later-${Date.now()}@example.com`), (r) => r.status !== 200);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('operation_not_allowed');
    });

    it('a deleted connection disappears from logins and the Lock script on the other instance; a new one appears', async () => {
      const staff = (await api('GET', '/api/v2/connections?name=Staff'))[0];
      expect(await lockScript(app)).toContain('"Staff"');
      await api('DELETE', `/api/v2/connections/${staff.id}`);
      // The deletion takes Staff's users too; wait for the connection itself to be gone, not just the user.
      const gone = await soon(() => login(app, 'Staff', 'ada@example.com'), (r) => r.body?.error_description === 'the connection was not found');
      expect(gone.body).toEqual({ error: 'invalid_request', error_description: 'the connection was not found' });
      expect(await soon(() => lockScript(app), (s) => !s.includes('"Staff"'))).not.toContain('"Staff"');

      // A name looked up and missed is cached too: creating it must drop the miss.
      expect((await login(app, 'Crew', 'ada@example.com')).body.error_description).toBe('the connection was not found');
      await api('POST', '/api/v2/connections', { name: 'Crew', strategy: 'auth0', enabled_clients: [app.client_id] });
      await api('POST', '/api/v2/users', { connection: 'Crew', email: 'ada@example.com', password: PASSWORD });
      expect((await soon(() => login(app, 'Crew', 'ada@example.com'), (r) => r.status === 200)).status).toBe(200);
      expect(await soon(() => lockScript(app), (s) => s.includes('"Crew"'))).toContain('"Crew"');
    });

    it('a new application gets the cached connections (enable_client_connections); a deleted one leaves them', async () => {
      expect((await login(app, 'Crew', 'ada@example.com')).status).toBe(200); // Crew cached with its enabled clients
      const second = await newApp('Second');
      expect((await soon(() => login(second, 'Crew', 'ada@example.com'), (r) => r.status === 200)).status).toBe(200);
      expect(await lockScript(second)).toContain('"Crew"');

      await api('DELETE', `/api/v2/clients/${second.client_id}`);
      const crew = (await api('GET', '/api/v2/connections?name=Crew'))[0];
      expect(crew.enabled_clients).toEqual([app.client_id]);
      expect((await soon(() => login(second, 'Crew', 'ada@example.com'), (r) => r.status !== 200)).status).toBe(401);
    });

    it("keeps each tenant's connections apart: acme's Crew is untouched by dev's changes", async () => {
      await writer.createTenant('acme');
      const acmeToken = await managementToken(writer, 'acme');
      const acmeApp = await newApp('Acme app', 'acme', acmeToken);
      await api('POST', '/api/v2/connections', { name: 'Crew', strategy: 'auth0', enabled_clients: [acmeApp.client_id] }, 'acme', acmeToken);
      await api('POST', '/api/v2/users', { connection: 'Crew', email: 'grace@example.com', password: PASSWORD }, 'acme', acmeToken);
      expect((await login(acmeApp, 'Crew', 'grace@example.com', 'acme')).status).toBe(200);
      // dev's application is unknown in acme, and acme's user is not in dev's Crew.
      expect((await login(app, 'Crew', 'grace@example.com', 'acme')).status).toBe(401);
      expect((await login(app, 'Crew', 'grace@example.com')).status).toBe(403);

      const crew = (await api('GET', '/api/v2/connections?name=Crew'))[0];
      await api('PATCH', `/api/v2/connections/${crew.id}/clients`, [{ client_id: app.client_id, status: false }]);
      expect((await soon(() => login(app, 'Crew', 'ada@example.com'), (r) => r.status !== 200)).body.error_description).toBe('the connection was disabled');
      expect((await login(acmeApp, 'Crew', 'grace@example.com', 'acme')).status).toBe(200);
    });
  });
}

convergenceSuite('two instances sharing a database and Redis', { REDIS_URL }, 1_000);
convergenceSuite('two instances sharing a database without Redis (database feed)', {}, 2_000);
