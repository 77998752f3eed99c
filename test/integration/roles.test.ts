/**
 * RBAC through the Management API, over real TLS, driven by the official SDKs (v7 and v4):
 * roles, the permissions they grant, role members, users' roles and direct permissions, tenant
 * isolation (acme never sees or touches dev's roles), validation, and the clean-up of grants when
 * an API, a role or a user goes away. `effectivePermissions` is checked in process on the server's
 * own database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient, ManagementError } from 'auth0';
import { ManagementApiError, ManagementClient as ManagementClientV4 } from 'auth0-v4';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';
import { openDatabase } from '../../src/storage/database.js';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { Storage } from '../../src/storage/storage.js';
import { effectivePermissions } from '../../src/domain/roles/effective-permissions.js';

let tls: TlsTestServer;
const tokens: Record<string, string> = {};

const REPORTS = 'https://reports.example.com/';
const BILLING = 'https://billing.example.com/';
/** Defined only on acme, so dev has no API with this identifier. */
const ACME_ONLY = 'https://acme-only.example.com/';

const perm = (api: string, name: string) => ({ resource_server_identifier: api, permission_name: name });

const sdk = {
  v7: (tenant: string) => {
    const creds = tls.server.bootstrapOf(tenant);
    return new ManagementClient({ domain: tls.hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: tls.caFetch });
  },
  v4: (tenant: string) => {
    const creds = tls.server.bootstrapOf(tenant);
    return new ManagementClientV4({ domain: tls.hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: tls.caFetch });
  },
};


/** A direct call with a full-scope token of the tenant. */
const api = (tenant: string, method: string, path: string, body?: unknown) => tls.api(tenant, tokens[tenant]!, method, path, body);

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  tokens.dev = await tls.tokenFor('dev');
  tokens.acme = await tls.tokenFor('acme');
  for (const [tenant, identifier, name, scopes] of [
    ['dev', REPORTS, 'Reports', [{ value: 'read:reports', description: 'Read reports' }, { value: 'write:reports', description: 'Write reports' }]],
    ['dev', BILLING, 'Billing', [{ value: 'read:invoices', description: 'Read invoices' }]],
    // The same identifier on acme is a different API: grants never cross tenants through it.
    ['acme', REPORTS, 'Acme Reports', [{ value: 'read:reports', description: 'Acme reads' }]],
    ['acme', ACME_ONLY, 'Acme only', [{ value: 'do:things' }]],
  ] as const) {
    const res = await api(tenant, 'POST', '/api/v2/resource-servers', { identifier, name, scopes });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => tls?.close());

describe('roles through auth0 v7', () => {
  it('creates, reads, lists, updates and deletes a role', async () => {
    const management = sdk.v7('dev');
    const { data: created } = await management.roles.create({ name: 'Auditor v7', description: 'Reads everything' }).withRawResponse();
    expect(created).toEqual({ id: expect.stringMatching(/^rol_[A-Za-z0-9]{16}$/), name: 'Auditor v7', description: 'Reads everything' });

    expect(await management.roles.get(created.id!)).toEqual(created);

    const page = await management.roles.list({ name_filter: 'auditor V7' });
    expect(page.data).toEqual([created]);
    expect(page.response).toMatchObject({ start: 0, total: 1 });

    const updated = await management.roles.update(created.id!, { name: 'Auditor v7 (renamed)', description: 'Reads some things' });
    expect(updated).toEqual({ id: created.id, name: 'Auditor v7 (renamed)', description: 'Reads some things' });
    expect(await management.roles.get(created.id!)).toEqual(updated);

    await management.roles.delete(created.id!);
    const error = await thrown(management.roles.get(created.id!));
    expect(error).toBeInstanceOf(ManagementError);
    expect(error.statusCode).toBe(404);
    expect(error.body).toMatchObject({ statusCode: 404, error: 'Not Found', errorCode: 'inexistent_role' });
  });

  it('adds, lists and removes role permissions, with API name and scope description', async () => {
    const management = sdk.v7('dev');
    const role = await management.roles.create({ name: 'Reporter v7' });
    await management.roles.permissions.add(role.id!, { permissions: [perm(REPORTS, 'write:reports'), perm(REPORTS, 'read:reports'), perm(BILLING, 'read:invoices')] });
    // Adding what the role already has is harmless.
    await management.roles.permissions.add(role.id!, { permissions: [perm(REPORTS, 'read:reports')] });

    const page = await management.roles.permissions.list(role.id!);
    expect(page.data).toEqual([
      { permission_name: 'read:invoices', description: 'Read invoices', resource_server_name: 'Billing', resource_server_identifier: BILLING },
      { permission_name: 'read:reports', description: 'Read reports', resource_server_name: 'Reports', resource_server_identifier: REPORTS },
      { permission_name: 'write:reports', description: 'Write reports', resource_server_name: 'Reports', resource_server_identifier: REPORTS },
    ]);
    expect(page.response).toMatchObject({ start: 0, total: 3 });

    await management.roles.permissions.delete(role.id!, { permissions: [perm(REPORTS, 'write:reports'), perm(BILLING, 'read:invoices')] });
    expect((await management.roles.permissions.list(role.id!)).data.map((p) => p.permission_name)).toEqual(['read:reports']);
  });

  it('pages through roles', async () => {
    const management = sdk.v7('dev');
    for (const n of [1, 2, 3]) await management.roles.create({ name: `Paged v7 ${n}` });
    const first = await management.roles.list({ name_filter: 'paged v7', per_page: 2, page: 0 });
    expect(first.data.map((r) => r.name)).toEqual(['Paged v7 1', 'Paged v7 2']);
    expect(first.response).toMatchObject({ start: 0, total: 3 });
    const names: string[] = [];
    for await (const role of await management.roles.list({ name_filter: 'PAGED V7', per_page: 2 })) names.push(role.name!);
    expect(names).toEqual(['Paged v7 1', 'Paged v7 2', 'Paged v7 3']);
  });
});

describe('roles through auth0 v4', () => {
  it('creates, reads, lists, updates and deletes a role', async () => {
    const management = sdk.v4('dev');
    const { data: created, status } = await management.roles.create({ name: 'Auditor v4' });
    expect(status).toBe(200);
    expect(created).toEqual({ id: expect.stringMatching(/^rol_[A-Za-z0-9]{16}$/), name: 'Auditor v4' });

    expect((await management.roles.get({ id: created.id })).data).toEqual(created);
    const { data: list } = await management.roles.getAll({ name_filter: 'AUDITOR v4', include_totals: true });
    expect(list).toEqual({ roles: [created], start: 0, limit: 50, total: 1 });
    const { data: bare } = await management.roles.getAll({ name_filter: 'auditor v4' });
    expect(bare).toEqual([created]);

    const { data: updated } = await management.roles.update({ id: created.id }, { description: 'Now described' });
    expect(updated).toEqual({ ...created, description: 'Now described' });

    await management.roles.delete({ id: created.id });
    const error = await thrown(management.roles.get({ id: created.id }));
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ statusCode: 404, errorCode: 'inexistent_role' });
  });

  it('adds, lists and removes role permissions', async () => {
    const management = sdk.v4('dev');
    const { data: role } = await management.roles.create({ name: 'Reporter v4', description: 'v4' });
    const added = await management.roles.addPermissions({ id: role.id }, { permissions: [perm(REPORTS, 'read:reports'), perm(BILLING, 'read:invoices')] });
    expect(added.status).toBe(201);

    const { data } = await management.roles.getPermissions({ id: role.id, include_totals: true, per_page: 1, page: 1 });
    expect(data).toEqual({
      permissions: [{ permission_name: 'read:reports', description: 'Read reports', resource_server_name: 'Reports', resource_server_identifier: REPORTS }],
      start: 1,
      limit: 1,
      total: 2,
    });

    await management.roles.deletePermissions({ id: role.id }, { permissions: [perm(REPORTS, 'read:reports')] });
    expect((await management.roles.getPermissions({ id: role.id })).data.map((p) => p.permission_name)).toEqual(['read:invoices']);
  });
});

describe('role validation', () => {
  it('answers a duplicate name with 409, on create and on rename', async () => {
    const first = await api('dev', 'POST', '/api/v2/roles', { name: 'Unique name' });
    expect(first.status).toBe(200);
    const again = await api('dev', 'POST', '/api/v2/roles', { name: 'Unique name', description: 'another' });
    expect(again).toEqual({ status: 409, body: { statusCode: 409, error: 'Conflict', message: 'The role already exists.', errorCode: 'role_conflict' } });

    const other = await api('dev', 'POST', '/api/v2/roles', { name: 'Other name' });
    const rename = await api('dev', 'PATCH', `/api/v2/roles/${other.body.id}`, { name: 'Unique name' });
    expect(rename.status).toBe(409);
    // Renaming a role to its own name is not a conflict.
    expect((await api('dev', 'PATCH', `/api/v2/roles/${other.body.id}`, { name: 'Other name' })).status).toBe(200);

    // Through both SDKs: the SDK's conflict error.
    const v7 = await thrown(sdk.v7('dev').roles.create({ name: 'Unique name' }));
    expect(v7.statusCode).toBe(409);
    const v4 = await thrown(sdk.v4('dev').roles.create({ name: 'Unique name' }));
    expect(v4).toMatchObject({ statusCode: 409, errorCode: 'role_conflict' });
  });

  it('answers bad role bodies with 400 naming the field', async () => {
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 12 }, 'name'],
      [{ name: 'x'.repeat(256) }, 'name'],
      [{ name: 'ok', description: 7 }, 'description'],
      [{ name: 'ok', colour: 'red' }, 'colour'],
      [{ name: 'ok', type: 'organization' }, 'type'],
    ] as const) {
      const res = await api('dev', 'POST', '/api/v2/roles', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
      expect(res.body.message).toContain(field);
    }
    const blank = await api('dev', 'POST', '/api/v2/roles', { name: '   ' });
    expect(blank.status).toBe(400);

    const role = await api('dev', 'POST', '/api/v2/roles', { name: 'Patch target' });
    for (const body of [{ name: '' }, { id: 'rol_x' }, { description: null }]) {
      const res = await api('dev', 'PATCH', `/api/v2/roles/${role.body.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const malformed = await tls.caFetch(`https://${tls.hostOf('dev')}/api/v2/roles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.dev}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);

    for (const query of ['per_page=0', 'per_page=101', 'page=-1', 'include_totals=maybe', 'type=global']) {
      const res = await api('dev', 'GET', `/api/v2/roles?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errorCode).toBe('invalid_query_string');
    }
  });

  it('answers unknown APIs with 404 and undefined permissions with 400, granting nothing', async () => {
    const role = await api('dev', 'POST', '/api/v2/roles', { name: 'Strict' });
    const path = `/api/v2/roles/${role.body.id}/permissions`;

    const unknownApi = await api('dev', 'POST', path, { permissions: [perm(REPORTS, 'read:reports'), perm('https://nope.example.com/', 'read:x')] });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.body).toMatchObject({ errorCode: 'inexistent_resource_server' });
    expect(unknownApi.body.message).toContain('https://nope.example.com/');

    const unknownPermission = await api('dev', 'POST', path, { permissions: [perm(REPORTS, 'read:reports'), perm(REPORTS, 'delete:reports')] });
    expect(unknownPermission.status).toBe(400);
    expect(unknownPermission.body.message).toContain('delete:reports');

    // All or nothing: the valid permission in the rejected requests was not granted.
    expect((await api('dev', 'GET', path)).body).toEqual([]);

    for (const body of [{}, { permissions: [] }, { permissions: [{ resource_server_identifier: REPORTS }] }, { permissions: [{ ...perm(REPORTS, 'read:reports'), extra: 1 }] }, { permissions: 'read:reports' }]) {
      const res = await api('dev', 'POST', path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errorCode).toBe('invalid_body');
    }

    const v7 = await thrown(sdk.v7('dev').roles.permissions.add(role.body.id, { permissions: [perm(REPORTS, 'nope')] }));
    expect(v7.statusCode).toBe(400);
    const v4 = await thrown(sdk.v4('dev').roles.addPermissions({ id: role.body.id }, { permissions: [perm(BILLING, 'nope')] }));
    expect(v4).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
  });

  it('answers an unknown role id with 404 on every role route', async () => {
    const missing = 'rol_0000000000000000';
    for (const [method, path, body] of [
      ['GET', `/api/v2/roles/${missing}`],
      ['PATCH', `/api/v2/roles/${missing}`, { name: 'x' }],
      ['DELETE', `/api/v2/roles/${missing}`],
      ['GET', `/api/v2/roles/${missing}/permissions`],
      ['POST', `/api/v2/roles/${missing}/permissions`, { permissions: [perm(REPORTS, 'read:reports')] }],
      ['DELETE', `/api/v2/roles/${missing}/permissions`, { permissions: [perm(REPORTS, 'read:reports')] }],
      ['GET', `/api/v2/roles/${missing}/users`],
    ] as const) {
      const res = await api('dev', method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_role' });
    }
  });

  it('checks the Auth0 scope of each route', async () => {
    const readOnly = await tls.tokenFor('dev', { scope: 'read:roles' });
    expect((await tls.api('dev', readOnly, 'GET', '/api/v2/roles')).status).toBe(200);
    const denied = await tls.api('dev', readOnly, 'POST', '/api/v2/roles', { name: 'Not allowed' });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ errorCode: 'insufficient_scope' });
    expect(denied.body.message).toContain('create:roles');

    const role = await api('dev', 'POST', '/api/v2/roles', { name: 'Scoped' });
    expect((await tls.api('dev', readOnly, 'POST', `/api/v2/roles/${role.body.id}/permissions`, { permissions: [perm(REPORTS, 'read:reports')] })).status).toBe(403);
    expect((await tls.api('dev', readOnly, 'DELETE', `/api/v2/roles/${role.body.id}`)).status).toBe(403);
    const createOnly = await tls.tokenFor('dev', { scope: 'create:roles' });
    expect((await tls.api('dev', createOnly, 'GET', `/api/v2/roles/${role.body.id}`)).status).toBe(403);
  });
});

describe('tenant isolation of roles', () => {
  let devRole: string;

  beforeAll(async () => {
    devRole = (await api('dev', 'POST', '/api/v2/roles', { name: 'Dev secret role' })).body.id;
    await api('dev', 'POST', `/api/v2/roles/${devRole}/permissions`, { permissions: [perm(REPORTS, 'read:reports')] });
  });

  it("acme cannot read, change, delete or grant through dev's role (404)", async () => {
    for (const [method, path, body] of [
      ['GET', `/api/v2/roles/${devRole}`],
      ['PATCH', `/api/v2/roles/${devRole}`, { name: 'Hijacked' }],
      ['DELETE', `/api/v2/roles/${devRole}`],
      ['GET', `/api/v2/roles/${devRole}/permissions`],
      ['POST', `/api/v2/roles/${devRole}/permissions`, { permissions: [perm(REPORTS, 'read:reports')] }],
      ['DELETE', `/api/v2/roles/${devRole}/permissions`, { permissions: [perm(REPORTS, 'read:reports')] }],
      ['GET', `/api/v2/roles/${devRole}/users`],
    ] as const) {
      const res = await api('acme', method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // Through the SDKs as well.
    expect((await thrown(sdk.v7('acme').roles.get(devRole))).statusCode).toBe(404);
    expect(await thrown(sdk.v4('acme').roles.delete({ id: devRole }))).toMatchObject({ statusCode: 404 });

    // dev's role is untouched.
    expect((await api('dev', 'GET', `/api/v2/roles/${devRole}`)).body).toEqual({ id: devRole, name: 'Dev secret role' });
    expect((await api('dev', 'GET', `/api/v2/roles/${devRole}/permissions`)).body).toHaveLength(1);
  });

  it("acme's lists never show dev's roles, and names are unique per tenant only", async () => {
    const { body } = await api('acme', 'GET', '/api/v2/roles?per_page=100');
    expect(body.map((r: { id: string }) => r.id)).not.toContain(devRole);
    expect((await api('acme', 'GET', '/api/v2/roles?name_filter=secret')).body).toEqual([]);

    const same = await api('acme', 'POST', '/api/v2/roles', { name: 'Dev secret role' });
    expect(same.status).toBe(200);
    expect(same.body.id).not.toBe(devRole);
  });

  it("grants only the tenant's own APIs: an identifier known only to the other tenant is 404", async () => {
    const acmeRole = (await api('acme', 'POST', '/api/v2/roles', { name: 'Acme reporter' })).body.id;
    // REPORTS exists on both tenants; acme's defines only read:reports (dev's write:reports is unknown here).
    expect((await api('acme', 'POST', `/api/v2/roles/${acmeRole}/permissions`, { permissions: [perm(REPORTS, 'write:reports')] })).status).toBe(400);
    expect((await api('acme', 'POST', `/api/v2/roles/${acmeRole}/permissions`, { permissions: [perm(BILLING, 'read:invoices')] })).status).toBe(404);
    expect((await api('dev', 'POST', `/api/v2/roles/${devRole}/permissions`, { permissions: [perm(ACME_ONLY, 'do:things')] })).status).toBe(404);

    expect((await api('acme', 'POST', `/api/v2/roles/${acmeRole}/permissions`, { permissions: [perm(REPORTS, 'read:reports')] })).status).toBe(201);
    expect((await api('acme', 'GET', `/api/v2/roles/${acmeRole}/permissions`)).body).toEqual([
      { permission_name: 'read:reports', description: 'Acme reads', resource_server_name: 'Acme Reports', resource_server_identifier: REPORTS },
    ]);
  });
});

describe('when an API is deleted', () => {
  it('its permissions disappear from roles, and a new API with the same identifier starts clean', async () => {
    const temp = 'https://temporary.example.com/';
    const created = await api('dev', 'POST', '/api/v2/resource-servers', { identifier: temp, scopes: [{ value: 'use:temp' }] });
    expect(created.status).toBe(201);
    const role = (await api('dev', 'POST', '/api/v2/roles', { name: 'Temporary user' })).body.id;
    await api('dev', 'POST', `/api/v2/roles/${role}/permissions`, { permissions: [perm(temp, 'use:temp'), perm(REPORTS, 'read:reports')] });

    await sdk.v7('dev').resourceServers.delete(created.body.id);
    expect((await api('dev', 'GET', `/api/v2/roles/${role}/permissions`)).body.map((p: { permission_name: string }) => p.permission_name)).toEqual(['read:reports']);

    await api('dev', 'POST', '/api/v2/resource-servers', { identifier: temp, scopes: [{ value: 'use:temp' }] });
    expect((await api('dev', 'GET', `/api/v2/roles/${role}/permissions`)).body).toHaveLength(1);
  });
});

const PASSWORD = 'Xk9#mTq2!vLp';
const userPath = (userId: string, rest: string) => `/api/v2/users/${encodeURIComponent(userId)}/${rest}`;

async function createUser(tenant: string, email: string): Promise<string> {
  const res = await api(tenant, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email, password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.user_id;
}

async function createRole(tenant: string, name: string, permissions: Array<ReturnType<typeof perm>> = []): Promise<string> {
  const role = await api(tenant, 'POST', '/api/v2/roles', { name });
  expect(role.status).toBe(200);
  if (permissions.length) expect((await api(tenant, 'POST', `/api/v2/roles/${role.body.id}/permissions`, { permissions })).status).toBe(201);
  return role.body.id;
}

describe('role members', () => {
  let users: string[];

  beforeAll(async () => {
    users = [];
    for (const name of ['ann', 'ben', 'cat']) users.push(await createUser('dev', `${name}.members@example.com`));
    users.sort();
  });

  it('assigns users and pages through them with checkpoints (auth0 v7)', async () => {
    const management = sdk.v7('dev');
    const role = await createRole('dev', 'Members v7');
    await management.roles.users.assign(role, { users: [users[2]!, users[0]!, users[1]!, users[0]!] });

    const first = await management.roles.users.list(role, { take: 2 });
    expect(first.data.map((u) => u.user_id)).toEqual(users.slice(0, 2));
    expect(first.response.next).toBe(users[2]);
    expect(first.data[0]).toMatchObject({ user_id: users[0], email: expect.stringMatching(/\.members@example\.com$/) });

    const all: string[] = [];
    for await (const member of await management.roles.users.list(role, { take: 2 })) all.push(member.user_id!);
    expect(all).toEqual(users);
    const last = await management.roles.users.list(role, { from: users[2]!, take: 2 });
    expect(last.data.map((u) => u.user_id)).toEqual([users[2]]);
    expect(last.response.next).toBeUndefined();
  });

  it('assigns users and pages through them with offsets (auth0 v4)', async () => {
    const management = sdk.v4('dev');
    const role = await createRole('dev', 'Members v4');
    const assigned = await management.roles.assignUsers({ id: role }, { users });
    expect(assigned.status).toBe(200);

    const { data } = await management.roles.getUsers({ id: role, include_totals: true, per_page: 2, page: 1 });
    expect(data).toEqual({ users: [expect.objectContaining({ user_id: users[2] })], start: 2, limit: 2, total: 3 });
    const { data: bare } = await management.roles.getUsers({ id: role });
    expect(bare.map((u) => u.user_id)).toEqual(users);
    const { data: checkpoint } = await management.roles.getUsers({ id: role, take: 1, from: users[1]! });
    expect(checkpoint).toEqual({ users: [expect.objectContaining({ user_id: users[1] })], next: users[2] });
  });

  it('answers unknown users with 404 and assigns none of the batch; bad bodies with 400', async () => {
    const role = await createRole('dev', 'Members strict');
    const res = await api('dev', 'POST', `/api/v2/roles/${role}/users`, { users: [users[0], 'auth0|doesnotexist'] });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errorCode: 'inexistent_user' });
    expect((await api('dev', 'GET', `/api/v2/roles/${role}/users`)).body).toEqual([]);

    for (const body of [{}, { users: [] }, { users: 'auth0|x' }, { users: [1] }, { users: [users[0]], extra: true }]) {
      const bad = await api('dev', 'POST', `/api/v2/roles/${role}/users`, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    for (const query of ['take=0', 'take=101', 'per_page=0']) expect((await api('dev', 'GET', `/api/v2/roles/${role}/users?${query}`)).status, query).toBe(400);
    expect((await api('dev', 'POST', `/api/v2/roles/rol_0000000000000000/users`, { users: [users[0]] })).status).toBe(404);
  });
});

describe("users' roles and permissions", () => {
  let user: string;
  let other: string;
  let readers: string;
  let writers: string;

  beforeAll(async () => {
    user = await createUser('dev', 'dana.rbac@example.com');
    other = await createUser('dev', 'eve.rbac@example.com');
    readers = await createRole('dev', 'Readers', [perm(REPORTS, 'read:reports'), perm(BILLING, 'read:invoices')]);
    writers = await createRole('dev', 'Writers', [perm(REPORTS, 'read:reports'), perm(REPORTS, 'write:reports')]);
  });

  it('assigns, lists and removes roles (auth0 v7)', async () => {
    const management = sdk.v7('dev');
    await management.users.roles.assign(user, { roles: [writers, readers] });
    const page = await management.users.roles.list(user);
    expect(page.data).toEqual([{ id: readers, name: 'Readers' }, { id: writers, name: 'Writers' }]);
    expect(page.response).toMatchObject({ start: 0, total: 2 });
    await management.users.roles.delete(user, { roles: [readers] });
    expect((await management.users.roles.list(user)).data).toEqual([{ id: writers, name: 'Writers' }]);
  });

  it('assigns, lists and removes roles (auth0 v4)', async () => {
    const management = sdk.v4('dev');
    const assigned = await management.users.assignRoles({ id: other }, { roles: [readers] });
    expect(assigned.status).toBe(204);
    expect((await management.users.getRoles({ id: other, include_totals: true })).data).toEqual({ roles: [{ id: readers, name: 'Readers' }], start: 0, limit: 50, total: 1 });
    const removed = await management.users.deleteRoles({ id: other }, { roles: [readers] });
    expect(removed.status).toBe(204);
    expect((await management.users.getRoles({ id: other })).data).toEqual([]);
  });

  it('lists direct and role permissions once each, with their sources (auth0 v7)', async () => {
    const management = sdk.v7('dev');
    await management.users.roles.assign(user, { roles: [readers, writers] });
    await management.users.permissions.create(user, { permissions: [perm(REPORTS, 'write:reports'), perm(BILLING, 'read:invoices')] });

    const page = await management.users.permissions.list(user);
    const direct = { source_id: '', source_name: '', source_type: 'DIRECT' };
    const viaReaders = { source_id: readers, source_name: 'Readers', source_type: 'ROLE' };
    const viaWriters = { source_id: writers, source_name: 'Writers', source_type: 'ROLE' };
    expect(page.data).toEqual([
      { permission_name: 'read:invoices', description: 'Read invoices', resource_server_name: 'Billing', resource_server_identifier: BILLING, sources: [direct, viaReaders] },
      { permission_name: 'read:reports', description: 'Read reports', resource_server_name: 'Reports', resource_server_identifier: REPORTS, sources: [viaReaders, viaWriters] },
      { permission_name: 'write:reports', description: 'Write reports', resource_server_name: 'Reports', resource_server_identifier: REPORTS, sources: [direct, viaWriters] },
    ]);
    expect(page.response).toMatchObject({ start: 0, total: 3 });

    // Removing the direct grant leaves what the role grants.
    await management.users.permissions.delete(user, { permissions: [perm(REPORTS, 'write:reports')] });
    const after = (await management.users.permissions.list(user)).data.find((p) => p.permission_name === 'write:reports') as { sources?: unknown } | undefined;
    expect(after?.sources).toEqual([viaWriters]);
  });

  it('grants, lists and revokes direct permissions (auth0 v4)', async () => {
    const management = sdk.v4('dev');
    const granted = await management.users.assignPermissions({ id: other }, { permissions: [perm(REPORTS, 'read:reports')] });
    expect(granted.status).toBe(201);
    const { data } = await management.users.getPermissions({ id: other, include_totals: true });
    expect(data).toEqual({
      permissions: [
        {
          permission_name: 'read:reports',
          description: 'Read reports',
          resource_server_name: 'Reports',
          resource_server_identifier: REPORTS,
          sources: [{ source_id: '', source_name: '', source_type: 'DIRECT' }],
        },
      ],
      start: 0,
      limit: 50,
      total: 1,
    });
    const revoked = await management.users.deletePermissions({ id: other }, { permissions: [perm(REPORTS, 'read:reports')] });
    expect(revoked.status).toBe(204);
    expect((await management.users.getPermissions({ id: other })).data).toEqual([]);
  });

  it('validates: unknown users, roles and permissions, bad bodies', async () => {
    const missing = 'auth0|000000000000000000000000';
    for (const [method, rest, body] of [
      ['GET', 'roles'],
      ['POST', 'roles', { roles: [readers] }],
      ['DELETE', 'roles', { roles: [readers] }],
      ['GET', 'permissions'],
      ['POST', 'permissions', { permissions: [perm(REPORTS, 'read:reports')] }],
      ['DELETE', 'permissions', { permissions: [perm(REPORTS, 'read:reports')] }],
    ] as const) {
      const res = await api('dev', method, userPath(missing, rest), body);
      expect(res.status, `${method} ${rest}`).toBe(404);
      expect(res.body.errorCode).toBe('inexistent_user');
    }
    const unknownRole = await api('dev', 'POST', userPath(other, 'roles'), { roles: [readers, 'rol_0000000000000000'] });
    expect(unknownRole.status).toBe(404);
    expect(unknownRole.body.errorCode).toBe('inexistent_role');
    expect((await api('dev', 'GET', userPath(other, 'roles'))).body).toEqual([]);

    expect((await api('dev', 'POST', userPath(other, 'permissions'), { permissions: [perm(REPORTS, 'nope')] })).status).toBe(400);
    expect((await api('dev', 'POST', userPath(other, 'permissions'), { permissions: [perm(ACME_ONLY, 'do:things')] })).status).toBe(404);
    for (const [rest, body] of [
      ['roles', {}],
      ['roles', { roles: [] }],
      ['roles', { roles: [7] }],
      ['permissions', { permissions: [] }],
      ['permissions', { permissions: [{ permission_name: 'read:reports' }] }],
    ] as const) {
      const res = await api('dev', 'POST', userPath(other, rest), body);
      expect(res.status, `${rest} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.errorCode).toBe('invalid_body');
    }
  });

  it('effectivePermissions: direct ∪ roles for one API, and grants vanish with their role', async () => {
    const { db, dialect } = await openDatabase(parseDatabaseUrl(tls.server.database.url));
    const storage = new Storage(db, dialect);
    try {
      const tenant = await storage.repos.tenants.findByName('dev');
      const subject = await createUser('dev', 'frank.effective@example.com');
      const role = await createRole('dev', 'Effective', [perm(REPORTS, 'read:reports'), perm(BILLING, 'read:invoices')]);
      await api('dev', 'POST', userPath(subject, 'roles'), { roles: [role] });
      await api('dev', 'POST', userPath(subject, 'permissions'), { permissions: [perm(REPORTS, 'write:reports'), perm(REPORTS, 'read:reports')] });

      const effective = (audience: string) => effectivePermissions(storage.repos, tenant!.id, subject, audience);
      expect(await effective(REPORTS)).toEqual(['read:reports', 'write:reports']);
      expect(await effective(BILLING)).toEqual(['read:invoices']);
      expect(await effective('https://nope.example.com/')).toEqual([]);
      // Another user holds nothing.
      expect(await effectivePermissions(storage.repos, tenant!.id, other, BILLING)).toEqual([]);

      // Deleting the role takes its grants and its assignments with it.
      expect((await api('dev', 'DELETE', `/api/v2/roles/${role}`)).status).toBe(200);
      expect(await effective(REPORTS)).toEqual(['read:reports', 'write:reports']);
      expect(await effective(BILLING)).toEqual([]);
      expect((await api('dev', 'GET', userPath(subject, 'roles'))).body).toEqual([]);

      // acme's tenant id sees nothing of dev's grants, even for an API identifier both tenants have.
      const acme = await storage.repos.tenants.findByName('acme');
      expect(await effectivePermissions(storage.repos, acme!.id, subject, REPORTS)).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it("deleting an API removes users' direct grants of it", async () => {
    const temp = 'https://direct-temp.example.com/';
    const created = await api('dev', 'POST', '/api/v2/resource-servers', { identifier: temp, name: 'Direct temp', scopes: [{ value: 'use:it' }] });
    await api('dev', 'POST', userPath(other, 'permissions'), { permissions: [perm(temp, 'use:it')] });
    expect((await api('dev', 'GET', userPath(other, 'permissions'))).body.map((p: { permission_name: string }) => p.permission_name)).toContain('use:it');
    expect((await api('dev', 'DELETE', `/api/v2/resource-servers/${created.body.id}`)).status).toBe(204);
    expect((await api('dev', 'GET', userPath(other, 'permissions'))).body.map((p: { permission_name: string }) => p.permission_name)).not.toContain('use:it');
  });
});

describe('tenant isolation of user authorization', () => {
  let devUser: string;
  let acmeUser: string;
  let devRole: string;
  let acmeRole: string;

  beforeAll(async () => {
    devUser = await createUser('dev', 'gina.isolated@example.com');
    acmeUser = await createUser('acme', 'hank.isolated@example.com');
    devRole = await createRole('dev', 'Dev isolated', [perm(REPORTS, 'read:reports')]);
    acmeRole = await createRole('acme', 'Acme isolated', [perm(REPORTS, 'read:reports')]);
    await api('dev', 'POST', userPath(devUser, 'roles'), { roles: [devRole] });
  });

  it("acme cannot see or change dev users' roles and permissions (404)", async () => {
    for (const [method, rest, body] of [
      ['GET', 'roles'],
      ['POST', 'roles', { roles: [acmeRole] }],
      ['DELETE', 'roles', { roles: [devRole] }],
      ['GET', 'permissions'],
      ['POST', 'permissions', { permissions: [perm(REPORTS, 'read:reports')] }],
    ] as const) {
      const res = await api('acme', method, userPath(devUser, rest), body);
      expect(res.status, `${method} ${rest}`).toBe(404);
    }
    expect((await thrown(sdk.v7('acme').users.roles.list(devUser))).statusCode).toBe(404);
    expect(await thrown(sdk.v4('acme').users.getPermissions({ id: devUser }))).toMatchObject({ statusCode: 404 });
    expect((await api('dev', 'GET', userPath(devUser, 'roles'))).body).toEqual([{ id: devRole, name: 'Dev isolated' }]);
  });

  it("acme cannot assign dev's role to its user, nor its role to dev's user", async () => {
    const devRoleOnAcme = await api('acme', 'POST', userPath(acmeUser, 'roles'), { roles: [devRole] });
    expect(devRoleOnAcme.status).toBe(404);
    expect(devRoleOnAcme.body.errorCode).toBe('inexistent_role');
    const devUserInAcmeRole = await api('acme', 'POST', `/api/v2/roles/${acmeRole}/users`, { users: [devUser] });
    expect(devUserInAcmeRole.status).toBe(404);
    expect(devUserInAcmeRole.body.errorCode).toBe('inexistent_user');
    expect((await api('acme', 'GET', `/api/v2/roles/${acmeRole}/users`)).body).toEqual([]);
    // dev's role members are not visible from acme, and acme's own assignments work.
    expect((await api('acme', 'GET', `/api/v2/roles/${devRole}/users`)).status).toBe(404);
    expect((await api('acme', 'POST', userPath(acmeUser, 'roles'), { roles: [acmeRole] })).status).toBe(204);
    expect((await api('acme', 'GET', userPath(acmeUser, 'permissions'))).body).toEqual([
      expect.objectContaining({ permission_name: 'read:reports', resource_server_name: 'Acme Reports', sources: [{ source_id: acmeRole, source_name: 'Acme isolated', source_type: 'ROLE' }] }),
    ]);
  });
});

describe('when a scope is removed from an API', () => {
  it('grants of that scope disappear from roles and users, and re-adding the scope does not bring them back', async () => {
    const identifier = 'https://shrinking.example.com/';
    const scopes = [{ value: 'keep:it' }, { value: 'drop:it' }];
    const created = await api('dev', 'POST', '/api/v2/resource-servers', { identifier, name: 'Shrinking', scopes });
    expect(created.status).toBe(201);
    const holder = await createUser('dev', 'kim.scopes@example.com');
    const role = await createRole('dev', 'Shrinking role', [perm(identifier, 'keep:it'), perm(identifier, 'drop:it')]);
    await api('dev', 'POST', userPath(holder, 'permissions'), { permissions: [perm(identifier, 'drop:it')] });

    await sdk.v7('dev').resourceServers.update(created.body.id, { scopes: [{ value: 'keep:it' }] });
    const names = (res: { body: Array<{ permission_name: string }> }) => res.body.map((p) => p.permission_name);
    expect(names(await api('dev', 'GET', `/api/v2/roles/${role}/permissions`))).toEqual(['keep:it']);
    expect(names(await api('dev', 'GET', userPath(holder, 'permissions')))).toEqual([]);

    await sdk.v4('dev').resourceServers.update({ id: created.body.id }, { scopes });
    expect(names(await api('dev', 'GET', `/api/v2/roles/${role}/permissions`))).toEqual(['keep:it']);
    expect(names(await api('dev', 'GET', userPath(holder, 'permissions')))).toEqual([]);
  });
});

describe('when a user is deleted', () => {
  it('their role assignments and direct permissions go too', async () => {
    const leaving = await createUser('dev', 'ivan.leaving@example.com');
    const staying = await createUser('dev', 'judy.staying@example.com');
    const role = await createRole('dev', 'Leavers', [perm(REPORTS, 'read:reports')]);
    await api('dev', 'POST', `/api/v2/roles/${role}/users`, { users: [leaving, staying] });
    await api('dev', 'POST', userPath(leaving, 'permissions'), { permissions: [perm(BILLING, 'read:invoices')] });

    expect((await api('dev', 'DELETE', `/api/v2/users/${encodeURIComponent(leaving)}`)).status).toBe(204);
    // The total counts assignments, so a leftover row of the deleted user would show here.
    const { body } = await api('dev', 'GET', `/api/v2/roles/${role}/users?include_totals=true`);
    expect(body).toMatchObject({ users: [expect.objectContaining({ user_id: staying })], total: 1 });
    // A user created later cannot inherit anything (ids are random, but the grants are gone regardless).
    expect((await api('dev', 'GET', userPath(leaving, 'permissions'))).status).toBe(404);
  });
});

describe('name_filter', () => {
  it('matches case-insensitively anywhere in the name, with % and _ taken literally', async () => {
    for (const name of ['100% Legit', 'Snake_case role', 'Plain Legit']) await createRole('dev', name);
    const names = async (filter: string) => (await api('dev', 'GET', `/api/v2/roles?per_page=100&name_filter=${encodeURIComponent(filter)}`)).body.map((r: { name: string }) => r.name);
    expect(await names('legit')).toEqual(['100% Legit', 'Plain Legit']);
    expect(await names('0%')).toEqual(['100% Legit']);
    expect(await names('e_c')).toEqual(['Snake_case role']);
    expect(await names('%')).toEqual(['100% Legit']);
    expect(await names('_')).toEqual(['Snake_case role']);
  });
});
