/**
 * Connections through the Management API over real TLS, driven by the official SDKs (v7 and v4):
 * the default database connection of a new tenant, CRUD with Auth0's options for database,
 * email and SMS connections, offset and checkpoint pagination, enabled clients (both the
 * `enabled_clients` field and `/connections/{id}/clients`), the `enable_client_connections`
 * flag, the `default_directory` check, tenant isolation and validation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient, ManagementError } from 'auth0';
import { ManagementApiError, ManagementClient as ManagementClientV4 } from 'auth0-v4';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';

let tls: TlsTestServer;
const tokens: Record<string, string> = {};

const v7 = (tenant: string) => {
  const creds = tls.server.bootstrapOf(tenant);
  return new ManagementClient({ domain: tls.hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: tls.caFetch, maxRetries: 0 });
};
const v4 = (tenant: string) => {
  const creds = tls.server.bootstrapOf(tenant);
  return new ManagementClientV4({ domain: tls.hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: tls.caFetch, retry: { enabled: false } });
};

const api = (tenant: string, method: string, path: string, body?: unknown) => tls.api(tenant, tokens[tenant]!, method, path, body);

async function createClient(tenant: string, name: string): Promise<string> {
  const res = await api(tenant, 'POST', '/api/v2/clients', { name, app_type: 'regular_web' });
  expect(res.status).toBe(201);
  return res.body.client_id;
}

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  tokens.dev = await tls.tokenFor('dev');
  tokens.acme = await tls.tokenFor('acme');
});

afterAll(async () => tls?.close());

describe('the default database connection', () => {
  it('exists in every new tenant: Username-Password-Authentication, policy good, brute-force protection on', async () => {
    for (const tenant of ['dev', 'acme']) {
      const res = await api(tenant, 'GET', '/api/v2/connections?name=Username-Password-Authentication');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({
        id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/),
        name: 'Username-Password-Authentication',
        display_name: 'Username-Password-Authentication',
        strategy: 'auth0',
        realms: ['Username-Password-Authentication'],
        is_domain_connection: false,
        options: { passwordPolicy: 'good', brute_force_protection: true, disable_self_service_change_password: false },
        enabled_clients: expect.any(Array),
      });
    }
    const dev = await api('dev', 'GET', '/api/v2/connections?name=Username-Password-Authentication');
    const acme = await api('acme', 'GET', '/api/v2/connections?name=Username-Password-Authentication');
    expect(dev.body[0].id).not.toBe(acme.body[0].id);
  });
});

describe('auth0 v7 ManagementClient', () => {
  it('creates, reads, lists (checkpoint pages), updates and deletes a database connection', async () => {
    const management = v7('dev');
    const clientId = await createClient('dev', 'v7 connections app');
    const created = await management.connections.create({
        name: 'v7-db',
        strategy: 'auth0',
        display_name: 'V7 Database',
        enabled_clients: [clientId],
        metadata: { team: 'identity' },
        options: {
          passwordPolicy: 'excellent',
          password_complexity_options: { min_length: 12 },
          password_history: { enable: true, size: 3 },
          password_no_personal_info: { enable: true },
          password_dictionary: { enable: true, dictionary: ['tessera'] },
          requires_username: true,
          validation: { username: { min: 3, max: 20 } },
          disable_signup: true,
          import_mode: false,
        },
      });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/),
      name: 'v7-db',
      display_name: 'V7 Database',
      strategy: 'auth0',
      realms: ['v7-db'],
      enabled_clients: [clientId],
      metadata: { team: 'identity' },
      options: { passwordPolicy: 'excellent', brute_force_protection: true, disable_self_service_change_password: false, requires_username: true, validation: { username: { min: 3, max: 20 } } },
    });

    expect(await management.connections.get(created.id!)).toEqual(created);
    const projected = await management.connections.get(created.id!, { fields: 'name,strategy', include_fields: true });
    expect(projected).toEqual({ name: 'v7-db', strategy: 'auth0' });

    // The SDK paginates by checkpoint (take/from) and follows `next` itself.
    const page = await management.connections.list({ take: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.hasNextPage()).toBe(true);
    const names: string[] = [];
    for await (const connection of await management.connections.list({ take: 1 })) names.push(connection.name!);
    expect(names).toEqual(expect.arrayContaining(['Username-Password-Authentication', 'v7-db']));
    expect(new Set(names).size).toBe(names.length);

    // Options are replaced whole: what is not sent falls back to the defaults.
    const updated = await management.connections.update(created.id!, { display_name: 'Renamed', options: { passwordPolicy: 'fair' }, metadata: { team: 'platform' } });
    expect(updated).toMatchObject({ name: 'v7-db', display_name: 'Renamed', options: { passwordPolicy: 'fair', brute_force_protection: true, disable_self_service_change_password: false }, metadata: { team: 'platform' } });
    expect(updated.options).not.toHaveProperty('requires_username');

    await management.connections.delete(created.id!);
    const error = await thrown(management.connections.get(created.id!));
    expect(error).toBeInstanceOf(ManagementError);
    expect(error.statusCode).toBe(404);
  });

  it('manages enabled clients through /connections/{id}/clients', async () => {
    const management = v7('dev');
    const [a, b] = [await createClient('dev', 'enabled a'), await createClient('dev', 'enabled b')];
    const connection = await management.connections.create({ name: 'v7-clients', strategy: 'auth0' });
    expect(connection.enabled_clients).toEqual([]);

    await management.connections.clients.update(connection.id!, [
      { client_id: a, status: true },
      { client_id: b, status: true },
    ]);
    const listed = (await management.connections.clients.get(connection.id!)).data.map((c) => c.client_id);
    expect(listed.sort()).toEqual([a, b].sort());
    expect((await management.connections.get(connection.id!)).enabled_clients!.sort()).toEqual([a, b].sort());

    // Checkpoint pages of one.
    const first = await management.connections.clients.get(connection.id!, { take: 1 });
    expect(first.data).toHaveLength(1);
    expect(first.hasNextPage()).toBe(true);
    const firstId = first.data[0]!.client_id;
    // getNextPage() loads the next page into the same Page object.
    const second = await first.getNextPage();
    expect(second.data).toHaveLength(1);
    expect([firstId, second.data[0]!.client_id].sort()).toEqual([a, b].sort());
    expect(second.hasNextPage()).toBe(false);

    await management.connections.clients.update(connection.id!, [{ client_id: a, status: false }]);
    expect((await management.connections.clients.get(connection.id!)).data).toEqual([{ client_id: b }]);
  });
});

describe('auth0 v4 ManagementClient', () => {
  it('creates passwordless email and sms connections with their options', async () => {
    const management = v4('dev');
    const email = await management.connections.create({
      name: 'email',
      strategy: 'email',
      options: {
        email: { from: 'Acme <login@acme.example>', subject: 'Your code', syntax: 'liquid', body: '<p>{{ code }}</p>' },
        totp: { time_step: 300, length: 6 },
        disable_signup: true,
      },
    } as never);
    expect(email.status).toBe(201);
    expect(email.data).toMatchObject({
      strategy: 'email',
      options: {
        name: 'email',
        email: { from: 'Acme <login@acme.example>', subject: 'Your code', syntax: 'liquid', body: '<p>{{ code }}</p>' },
        totp: { time_step: 300, length: 6 },
        disable_signup: true,
        brute_force_protection: true,
      },
    });

    const sms = await management.connections.create({
      name: 'sms',
      strategy: 'sms',
      // No `from`: messages go out from the server's SMS sender, so a connection's own is refused (security-ignored-settings.test.ts).
      options: { template: 'Code: @@password@@', syntax: 'md_with_macros', totp: { length: 8 } },
    } as never);
    expect(sms.data).toMatchObject({
      strategy: 'sms',
      options: { name: 'sms', template: 'Code: @@password@@', syntax: 'md_with_macros', totp: { time_step: 180, length: 8 }, brute_force_protection: true, disable_signup: false },
    });

    const got = await management.connections.get({ id: sms.data.id });
    expect(got.data).toEqual(sms.data);
  });

  it('lists with offset pagination, totals, strategy and name filters and field projection', async () => {
    const management = v4('dev');
    const all = await management.connections.getAll();
    expect(Array.isArray(all.data)).toBe(true);

    const totals = (await management.connections.getAll({ include_totals: true, per_page: 2, page: 0 })).data as unknown as { connections: unknown[]; start: number; limit: number; total: number };
    expect(totals).toMatchObject({ start: 0, total: (all.data as unknown[]).length });
    expect(totals.connections).toHaveLength(2);

    const passwordless = (await management.connections.getAll({ strategy: ['email', 'sms'] as never })).data as Array<{ strategy: string }>;
    expect(passwordless.map((c) => c.strategy).sort()).toEqual(['email', 'sms']);

    const single = (await api('dev', 'GET', '/api/v2/connections?strategy=email')).body as Array<{ name: string }>;
    expect(single.map((c) => c.name)).toEqual(['email']);

    const named = (await management.connections.getAll({ name: 'sms', fields: 'id,name', include_fields: true })).data;
    expect(named).toEqual([{ id: expect.any(String), name: 'sms' }]);
  });

  it('updates, manages enabled clients and deletes', async () => {
    const management = v4('dev');
    const clientId = await createClient('dev', 'v4 connections app');
    const { data: connection } = await management.connections.create({ name: 'v4-db', strategy: 'auth0', realms: ['v4.example.com'], show_as_button: true } as never);
    expect(connection).toMatchObject({ realms: ['v4.example.com'], show_as_button: true });

    const { data: updated } = await management.connections.update({ id: connection.id }, { enabled_clients: [clientId], is_domain_connection: true });
    expect(updated).toMatchObject({ enabled_clients: [clientId], is_domain_connection: true, name: 'v4-db' });

    const enabled = await management.connections.getEnabledClients({ id: connection.id });
    expect(enabled.data.clients).toEqual([{ client_id: clientId }]);
    await management.connections.updateEnabledClients({ id: connection.id }, [{ client_id: clientId, status: false }]);
    expect((await management.connections.getEnabledClients({ id: connection.id })).data.clients).toEqual([]);

    expect((await management.connections.delete({ id: connection.id })).status).toBe(204);
    const error = await thrown(management.connections.get({ id: connection.id }));
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error.statusCode).toBe(404);
  });
});

describe('enabled clients follow the applications', () => {
  it('enables every existing connection for a new application while enable_client_connections is on', async () => {
    const clientId = await createClient('dev', 'gets all connections');
    const connections = (await api('dev', 'GET', '/api/v2/connections')).body as Array<{ enabled_clients: string[] }>;
    expect(connections.length).toBeGreaterThan(1);
    for (const connection of connections) expect(connection.enabled_clients).toContain(clientId);
  });

  it('enables none when the flag is off', async () => {
    expect((await api('dev', 'PATCH', '/api/v2/tenants/settings', { flags: { enable_client_connections: false } })).status).toBe(200);
    try {
      const clientId = await createClient('dev', 'gets no connections');
      const connections = (await api('dev', 'GET', '/api/v2/connections')).body as Array<{ enabled_clients: string[] }>;
      for (const connection of connections) expect(connection.enabled_clients).not.toContain(clientId);
    } finally {
      await api('dev', 'PATCH', '/api/v2/tenants/settings', { flags: { enable_client_connections: true } });
    }
  });

  it('removes a deleted application from every connection', async () => {
    const clientId = await createClient('dev', 'to be deleted');
    expect((await api('dev', 'GET', '/api/v2/connections')).body.every((c: { enabled_clients: string[] }) => c.enabled_clients.includes(clientId))).toBe(true);
    expect((await api('dev', 'DELETE', `/api/v2/clients/${clientId}`)).status).toBe(204);
    for (const connection of (await api('dev', 'GET', '/api/v2/connections')).body) expect(connection.enabled_clients).not.toContain(clientId);
  });
});

describe('default_directory', () => {
  it('accepts an existing connection of an allowed strategy and refuses an unknown one', async () => {
    const ok = await api('dev', 'PATCH', '/api/v2/tenants/settings', { default_directory: 'Username-Password-Authentication' });
    expect(ok.status).toBe(200);
    expect(ok.body.default_directory).toBe('Username-Password-Authentication');

    const bad = await api('dev', 'PATCH', '/api/v2/tenants/settings', { default_directory: 'no-such-connection' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body', message: expect.stringContaining('default_directory') });
    expect((await api('dev', 'GET', '/api/v2/tenants/settings')).body.default_directory).toBe('Username-Password-Authentication');

    // A connection of acme does not count for dev.
    expect((await api('acme', 'POST', '/api/v2/connections', { name: 'acme-only-db', strategy: 'auth0' })).status).toBe(201);
    expect((await api('dev', 'PATCH', '/api/v2/tenants/settings', { default_directory: 'acme-only-db' })).status).toBe(400);
    expect((await api('acme', 'PATCH', '/api/v2/tenants/settings', { default_directory: 'acme-only-db' })).status).toBe(200);
  });
});

describe('users go with their connection', () => {
  it('deleting a connection deletes its users', async () => {
    const connection = (await api('dev', 'POST', '/api/v2/connections', { name: 'short-lived', strategy: 'auth0', options: { passwordPolicy: 'low' } })).body;
    const user = await api('dev', 'POST', '/api/v2/users', { connection: 'short-lived', email: 'gone@example.com', password: 'secret1' });
    expect(user.status).toBe(201);
    expect((await api('dev', 'DELETE', `/api/v2/connections/${connection.id}`)).status).toBe(204);
    expect((await api('dev', 'GET', `/api/v2/users/${encodeURIComponent(user.body.user_id)}`)).status).toBe(404);
  });

  it('deletes a database user by email through /connections/{id}/users', async () => {
    const connection = (await api('dev', 'POST', '/api/v2/connections', { name: 'by-email', strategy: 'auth0', options: { passwordPolicy: 'none' } })).body;
    const user = (await api('dev', 'POST', '/api/v2/users', { connection: 'by-email', email: 'Remove.Me@example.com', password: 'x' })).body;
    const res = await api('dev', 'DELETE', `/api/v2/connections/${connection.id}/users?email=${encodeURIComponent('remove.me@EXAMPLE.com')}`);
    expect(res.status).toBe(204);
    expect((await api('dev', 'GET', `/api/v2/users/${encodeURIComponent(user.user_id)}`)).status).toBe(404);
    expect((await api('dev', 'DELETE', `/api/v2/connections/${connection.id}/users?email=remove.me%40example.com`)).status).toBe(404);
  });
});

describe('tenant isolation', () => {
  it("acme cannot see or touch dev's connections", async () => {
    const devConnection = (await api('dev', 'POST', '/api/v2/connections', { name: 'dev-private', strategy: 'auth0' })).body;
    const path = `/api/v2/connections/${devConnection.id}`;
    expect((await api('acme', 'GET', path)).status).toBe(404);
    expect((await api('acme', 'PATCH', path, { display_name: 'hijacked' })).status).toBe(404);
    expect((await api('acme', 'DELETE', path)).status).toBe(404);
    expect((await api('acme', 'GET', `${path}/clients`)).status).toBe(404);
    expect((await api('acme', 'PATCH', `${path}/clients`, [{ client_id: tls.server.bootstrapOf('acme').client_id, status: true }])).status).toBe(404);

    const acmeNames = (await api('acme', 'GET', '/api/v2/connections')).body.map((c: { name: string }) => c.name);
    expect(acmeNames).not.toContain('dev-private');
    expect((await api('acme', 'GET', '/api/v2/connections?name=dev-private')).body).toEqual([]);

    // Same name in both tenants is fine; dev's applications are unknown to acme.
    expect((await api('acme', 'POST', '/api/v2/connections', { name: 'dev-private', strategy: 'auth0' })).status).toBe(201);
    const devClient = await createClient('dev', 'dev only app');
    const crossed = await api('acme', 'POST', '/api/v2/connections', { name: 'crossed', strategy: 'auth0', enabled_clients: [devClient] });
    expect(crossed.status).toBe(400);
    expect(crossed.body.message).toContain(devClient);

    const stillThere = await api('dev', 'GET', path);
    expect(stillThere.status).toBe(200);
    expect(stillThere.body.display_name).toBe('dev-private');
  });

  it('acme through the SDKs gets 404 for a dev connection id', async () => {
    const devId = (await api('dev', 'GET', '/api/v2/connections?name=Username-Password-Authentication')).body[0].id;
    expect((await thrown(v7('acme').connections.get(devId))).statusCode).toBe(404);
    expect((await thrown(v4('acme').connections.delete({ id: devId }))).statusCode).toBe(404);
  });
});

describe('validation', () => {
  it('refuses bad names, strategies, options, metadata and immutable fields with 400 naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ name: '-starts-with-hyphen', strategy: 'auth0' }, /name/],
      [{ name: 'ends-with-hyphen-', strategy: 'auth0' }, /name/],
      [{ name: 'has space', strategy: 'auth0' }, /name/],
      [{ name: 'under_score', strategy: 'auth0' }, /name/],
      [{ name: 'x'.repeat(129), strategy: 'auth0' }, /name/],
      [{ name: 'ok-name', strategy: 'google-oauth2' }, /strategy/],
      [{ name: 'ok-name' }, /strategy/],
      [{ name: 'ok-name', strategy: 'auth0', options: { passwordPolicy: 'strong' } }, /passwordPolicy/],
      [{ name: 'ok-name', strategy: 'auth0', options: { password_complexity_options: { min_length: 100 } } }, /min_length/],
      [{ name: 'ok-name', strategy: 'auth0', options: { password_history: { enable: true, size: 30 } } }, /size/],
      [{ name: 'ok-name', strategy: 'auth0', options: { validation: { username: { min: 10, max: 5 } } } }, /username/],
      [{ name: 'ok-name', strategy: 'auth0', options: { brute_force_protection: 'yes' } }, /brute_force_protection/],
      [{ name: 'ok-name', strategy: 'email', options: { totp: { length: 2 } } }, /length/],
      [{ name: 'ok-name', strategy: 'auth0', metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }, /metadata/],
      [{ name: 'ok-name', strategy: 'auth0', metadata: { k: 'v'.repeat(256) } }, /metadata/],
      [{ name: 'ok-name', strategy: 'auth0', enabled_clients: ['no-such-client'] }, /no-such-client/],
      [{ name: 'ok-name', strategy: 'auth0', unknown_field: true }, /unknown_field/],
    ];
    for (const [body, message] of cases) {
      const res = await api('dev', 'POST', '/api/v2/connections', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toMatch(message);
    }
    expect((await api('dev', 'GET', '/api/v2/connections?name=ok-name')).body).toEqual([]);

    const id = (await api('dev', 'GET', '/api/v2/connections?name=Username-Password-Authentication')).body[0].id;
    for (const [body, field] of [[{ name: 'renamed' }, 'name'], [{ strategy: 'email' }, 'strategy'], [{ enabled_clients: ['nope'] }, 'nope']] as const) {
      const res = await api('dev', 'PATCH', `/api/v2/connections/${id}`, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    }
    const badClients = await api('dev', 'PATCH', `/api/v2/connections/${id}/clients`, [{ client_id: 'nope', status: true }]);
    expect(badClients.status).toBe(400);
    expect((await api('dev', 'PATCH', `/api/v2/connections/${id}/clients`, [{ client_id: 'x' }])).status).toBe(400);
    expect((await api('dev', 'GET', '/api/v2/connections?from=not-a-checkpoint')).status).toBe(400);
    expect((await api('dev', 'GET', '/api/v2/connections?take=1000')).status).toBe(400);
  });

  it('answers a duplicate name with 409 and an unknown id with 404', async () => {
    const res = await api('dev', 'POST', '/api/v2/connections', { name: 'Username-Password-Authentication', strategy: 'auth0' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'A connection with the same name already exists' });
    for (const method of ['GET', 'DELETE']) {
      const missing = await api('dev', method, '/api/v2/connections/con_0000000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ errorCode: 'inexistent_connection' });
    }
  });

  it('checks scopes', async () => {
    const readOnly = await tls.tokenFor('dev', { scope: 'read:connections' });
    expect((await tls.api('dev', readOnly, 'GET', '/api/v2/connections')).status).toBe(200);
    const denied = await tls.api('dev', readOnly, 'POST', '/api/v2/connections', { name: 'no-scope', strategy: 'auth0' });
    expect(denied.status).toBe(403);
    expect(denied.body.errorCode).toBe('insufficient_scope');
    const writeOnly = await tls.tokenFor('dev', { scope: 'create:connections' });
    expect((await tls.api('dev', writeOnly, 'GET', '/api/v2/connections')).status).toBe(403);
  });
});
