/**
 * Full Management API responses, field by field and in key order. Routes declare response schemas
 * (for the OpenAPI document), and Fastify then serializes with fast-json-stringify, which drops any
 * property a schema does not declare and coerces values to the declared type: these assertions pin
 * the whole objects (user with metadata and identities, log with details, lists with totals...) so
 * that a schema that forgot a field, or typed one wrongly, fails here rather than in a client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';

let server: TestServer;
let token: string;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const api = (method: string, path: string, body?: object) => call(server, path, { method, headers: { authorization: `Bearer ${token}` }, ...(body ? { body } : {}) });

beforeAll(async () => {
  server = await startServer();
  token = await managementToken(server);
});

afterAll(async () => server?.stop());

describe('Management API responses keep every field', () => {
  let user: Record<string, unknown>;
  let userId: string;

  it('a created user comes back whole: profile, metadata (nested, open-ended) and identities', async () => {
    const res = await api('POST', '/api/v2/users', {
      connection: 'Username-Password-Authentication',
      email: 'Full.Response@Example.com',
      password: 'correct horse battery staple 1!',
      given_name: 'Full',
      family_name: 'Response',
      name: 'Full Response',
      nickname: 'fully',
      picture: 'https://example.com/p.png',
      user_metadata: { theme: 'dark', nested: { list: [1, 'two', null, { deep: true }], n: 1.5 }, empty: {} },
      app_metadata: { plan: 'gold', flags: [true, false], count: 3 },
    });
    expect(res.status).toBe(201);
    user = res.body;
    userId = user.user_id as string;
    expect(userId).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(user).toEqual({
      user_id: userId,
      identities: [{ connection: 'Username-Password-Authentication', user_id: userId.slice('auth0|'.length), provider: 'auth0', isSocial: false }],
      app_metadata: { plan: 'gold', flags: [true, false], count: 3 },
      user_metadata: { theme: 'dark', nested: { list: [1, 'two', null, { deep: true }], n: 1.5 }, empty: {} },
      created_at: expect.stringMatching(ISO_DATE),
      updated_at: expect.stringMatching(ISO_DATE),
      logins_count: 0,
      email: 'full.response@example.com',
      email_verified: false,
      name: 'Full Response',
      nickname: 'fully',
      given_name: 'Full',
      family_name: 'Response',
      picture: 'https://example.com/p.png',
    });
    // The order toUser builds them in (a schema-driven serializer writes declared properties in its own order).
    expect(Object.keys(user)).toEqual([
      'user_id', 'identities', 'app_metadata', 'user_metadata', 'created_at', 'updated_at', 'logins_count',
      'email', 'email_verified', 'name', 'nickname', 'given_name', 'family_name', 'picture',
    ]);
  });

  it('GET and PATCH answer the same object; fields/include_fields project it', async () => {
    const got = await api('GET', `/api/v2/users/${encodeURIComponent(userId)}`);
    expect(got.status).toBe(200);
    expect(got.text).toBe(JSON.stringify(user));

    const patched = await api('PATCH', `/api/v2/users/${encodeURIComponent(userId)}`, { blocked: true, phone_number: '+15551234567', user_metadata: { extra: 'x' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      ...user,
      user_metadata: { theme: 'dark', nested: { list: [1, 'two', null, { deep: true }], n: 1.5 }, empty: {}, extra: 'x' },
      updated_at: expect.stringMatching(ISO_DATE),
      phone_number: '+15551234567',
      phone_verified: false,
      blocked: true,
    });
    user = patched.body;

    const only = await api('GET', `/api/v2/users/${encodeURIComponent(userId)}?fields=email,user_metadata,blocked`);
    expect(only.body).toEqual({ user_metadata: user.user_metadata, email: 'full.response@example.com', blocked: true });
    const without = await api('GET', `/api/v2/users/${encodeURIComponent(userId)}?fields=identities,app_metadata&include_fields=false`);
    const { identities: _i, app_metadata: _a, ...rest } = user;
    expect(without.body).toEqual(rest);

    const byEmail = await api('GET', `/api/v2/users-by-email?email=${encodeURIComponent('full.response@example.com')}&fields=user_id`);
    expect(byEmail.body).toEqual([{ user_id: userId }]);
  });

  it('the users list, bare and with totals (start, limit, length, total)', async () => {
    const q = encodeURIComponent(`user_id:"${userId}"`);
    const bare = await api('GET', `/api/v2/users?q=${q}`);
    expect(bare.body).toEqual([user]);
    const totals = await api('GET', `/api/v2/users?q=${q}&include_totals=true&per_page=5&fields=user_id,email`);
    expect(totals.body).toEqual({ users: [{ user_id: userId, email: 'full.response@example.com' }], start: 0, limit: 5, length: 1, total: 1 });
    expect(Object.keys(totals.body)).toEqual(['users', 'start', 'limit', 'length', 'total']);
  });

  it('roles, their permissions and members, and a user’s roles and permissions with sources', async () => {
    const rs = await api('POST', '/api/v2/resource-servers', { identifier: 'https://responses.example.com/', name: 'Responses', scopes: [{ value: 'read:things', description: 'Read things' }, { value: 'write:things' }] });
    expect(rs.status).toBe(201);
    const plain = await api('POST', '/api/v2/roles', { name: 'Plain' });
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({ id: expect.stringMatching(/^rol_/), name: 'Plain' });
    const described = await api('POST', '/api/v2/roles', { name: 'Described', description: 'With a description' });
    expect(described.body).toEqual({ id: expect.stringMatching(/^rol_/), name: 'Described', description: 'With a description' });

    const list = await api('GET', '/api/v2/roles?include_totals=true&per_page=10');
    expect(list.body).toEqual({ roles: [described.body, plain.body], start: 0, limit: 10, total: 2 });
    expect(Object.keys(list.body)).toEqual(['roles', 'start', 'limit', 'total']);
    expect((await api('GET', '/api/v2/roles')).body).toEqual([described.body, plain.body]);
    expect((await api('GET', `/api/v2/roles/${described.body.id}`)).body).toEqual(described.body);
    expect((await api('PATCH', `/api/v2/roles/${plain.body.id}`, { description: '' })).body).toEqual({ ...plain.body, description: '' });

    const permission = { resource_server_identifier: 'https://responses.example.com/', permission_name: 'read:things' };
    const added = await api('POST', `/api/v2/roles/${described.body.id}/permissions`, { permissions: [permission, { ...permission, permission_name: 'write:things' }] });
    expect(added.status).toBe(201);
    expect(added.text).toBe('');
    expect((await api('GET', `/api/v2/roles/${described.body.id}/permissions?include_totals=true`)).body).toEqual({
      permissions: [
        { permission_name: 'read:things', description: 'Read things', resource_server_name: 'Responses', resource_server_identifier: 'https://responses.example.com/' },
        { permission_name: 'write:things', description: '', resource_server_name: 'Responses', resource_server_identifier: 'https://responses.example.com/' },
      ],
      start: 0,
      limit: 50,
      total: 2,
    });

    const assigned = await api('POST', `/api/v2/roles/${described.body.id}/users`, { users: [userId] });
    expect(assigned.status).toBe(200);
    expect(assigned.text).toBe('');
    expect((await api('GET', `/api/v2/roles/${described.body.id}/users`)).body).toEqual([{ user_id: userId, picture: 'https://example.com/p.png', name: 'Full Response', email: 'full.response@example.com' }]);
    expect((await api('GET', `/api/v2/roles/${described.body.id}/users?take=1`)).body).toEqual({ users: [{ user_id: userId, picture: 'https://example.com/p.png', name: 'Full Response', email: 'full.response@example.com' }] });

    const user = encodeURIComponent(userId);
    expect((await api('POST', `/api/v2/users/${user}/permissions`, { permissions: [permission] })).status).toBe(201);
    expect((await api('GET', `/api/v2/users/${user}/roles?include_totals=true`)).body).toEqual({ roles: [described.body], start: 0, limit: 50, total: 1 });
    expect((await api('GET', `/api/v2/users/${user}/permissions`)).body).toEqual([
      {
        permission_name: 'read:things',
        description: 'Read things',
        resource_server_name: 'Responses',
        resource_server_identifier: 'https://responses.example.com/',
        sources: [
          { source_id: '', source_name: '', source_type: 'DIRECT' },
          { source_id: described.body.id, source_name: 'Described', source_type: 'ROLE' },
        ],
      },
      {
        permission_name: 'write:things',
        description: '',
        resource_server_name: 'Responses',
        resource_server_identifier: 'https://responses.example.com/',
        sources: [{ source_id: described.body.id, source_name: 'Described', source_type: 'ROLE' }],
      },
    ]);

    const deleted = await api('DELETE', `/api/v2/roles/${plain.body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe('');
  });

  it('a log event comes back whole, with its details', async () => {
    const logs = await eventually(
      async () => (await api('GET', `/api/v2/logs?q=${encodeURIComponent('type:sapi AND description:"POST /api/v2/users"')}`)).body as Array<Record<string, unknown>>,
      (found) => Array.isArray(found) && found.length > 0,
      4_000,
    );
    const log = logs[0]!;
    const expected = {
      date: expect.stringMatching(ISO_DATE),
      type: 'sapi',
      log_id: expect.any(String),
      description: 'POST /api/v2/users',
      client_id: server.bootstrap.client_id,
      ip: '127.0.0.1',
      user_agent: '',
      details: { request: { method: 'post', path: '/api/v2/users' }, response: { statusCode: 201 } },
      tenant_name: 'dev',
    };
    expect(log).toEqual(expected);
    expect(Object.keys(log)).toEqual(Object.keys(expected));
    const one = await api('GET', `/api/v2/logs/${log.log_id as string}`);
    expect(one.text).toBe(JSON.stringify(log));

    const totals = await api('GET', `/api/v2/logs?q=${encodeURIComponent(`log_id:"${log.log_id as string}"`)}&include_totals=true&fields=type,details`);
    expect(totals.body).toEqual({ start: 0, limit: 50, length: 1, total: 1, logs: [{ type: 'sapi', details: expected.details }] });
    const checkpoint = await api('GET', '/api/v2/logs?take=1');
    expect(checkpoint.body).toEqual([expect.objectContaining({ log_id: expect.any(String), type: expect.any(String), tenant_name: 'dev' })]);
  });

  it('the dev outbox, grants, user blocks, attack protection, jobs and tickets', async () => {
    const messages = await api('GET', '/api/v2/tessera/outbox?include_totals=true&to=full.response%40example.com');
    expect(messages.body).toEqual({
      messages: [
        {
          id: expect.any(String),
          channel: 'email',
          to: 'full.response@example.com',
          from: '',
          subject: expect.any(String),
          text: expect.any(String),
          html: expect.any(String),
          created_at: expect.stringMatching(ISO_DATE),
        },
      ],
      start: 0,
      limit: 50,
      total: 1,
    });
    expect(Object.keys(messages.body.messages[0])).toEqual(['id', 'channel', 'to', 'from', 'subject', 'text', 'html', 'created_at']);

    expect((await api('GET', '/api/v2/grants')).body).toEqual([]);
    expect((await api('GET', '/api/v2/grants?include_totals=true')).body).toEqual({ grants: [], start: 0, limit: 50, total: 0 });
    expect((await api('GET', `/api/v2/user-blocks/${encodeURIComponent(userId)}`)).body).toEqual({ blocked_for: [] });
    expect((await api('GET', '/api/v2/user-blocks?identifier=nobody%40example.com')).body).toEqual({ blocked_for: [] });

    expect((await api('GET', '/api/v2/attack-protection/brute-force-protection')).body).toEqual({
      enabled: true, shields: ['block', 'user_notification'], mode: 'count_per_identifier_and_ip', allowlist: [], max_attempts: 10,
    });
    const throttling = await api('PATCH', '/api/v2/attack-protection/suspicious-ip-throttling', { allowlist: ['10.0.0.0/8'], stage: { 'pre-login': { max_attempts: 7 } } });
    expect(throttling.body).toEqual({
      enabled: true,
      shields: ['admin_notification', 'block'],
      allowlist: ['10.0.0.0/8'],
      stage: { 'pre-login': { max_attempts: 7, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 1_728_000 } },
    });
    expect((await api('GET', '/api/v2/attack-protection/breached-password-detection')).body).toEqual({
      enabled: false, shields: [], admin_notification_frequency: [], method: 'standard',
      stage: { 'pre-user-registration': { shields: [] }, 'pre-change-password': { shields: [] } },
    });

    const job = await api('POST', '/api/v2/jobs/verification-email', { user_id: userId });
    expect(job.status).toBe(201);
    expect(job.body).toEqual({ type: 'verification_email', status: 'completed', created_at: expect.stringMatching(ISO_DATE), id: expect.stringMatching(/^job_[A-Za-z0-9]{16}$/) });
    const ticket = await api('POST', '/api/v2/tickets/email-verification', { user_id: userId });
    expect(ticket.status).toBe(201);
    expect(ticket.body).toEqual({ ticket: expect.stringMatching(/^http:\/\/localhost:\d+\//) });

    const notBlocked = await api('GET', '/api/v2/anomaly/blocks/ips/192.0.2.1');
    expect(notBlocked.status).toBe(404);
    const unblocked = await api('DELETE', '/api/v2/anomaly/blocks/ips/192.0.2.1');
    expect(unblocked.status).toBe(204);
    expect(unblocked.text).toBe('');
    const removed = await api('DELETE', `/api/v2/users/${encodeURIComponent(userId)}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
  });
});

describe('the OpenAPI document describes responses', () => {
  it('shows each route’s response schema: the user, paged lists, and answers without a body', async () => {
    const doc = (await call(server, '/api/v2/openapi.json')).body;
    const user = doc.paths['/api/v2/users/{id}'].patch.responses['200'].content['application/json'].schema;
    expect(user.type).toBe('object');
    expect(user.required).toEqual(['user_id', 'identities', 'app_metadata', 'user_metadata', 'created_at', 'updated_at', 'logins_count']);
    expect(user.properties.user_metadata).toMatchObject({ type: 'object', additionalProperties: true });
    expect(user.properties.identities.items.properties).toEqual({ connection: { type: 'string' }, user_id: { type: 'string' }, provider: { type: 'string' }, isSocial: { type: 'boolean' } });
    expect(user.properties).not.toHaveProperty('password');

    const roles = doc.paths['/api/v2/roles'].get.responses['200'].content['application/json'].schema;
    expect(roles.anyOf).toHaveLength(2);
    expect(roles.anyOf[0]).toMatchObject({ type: 'array', items: { type: 'object', required: ['id', 'name'] } });
    expect(roles.anyOf[1]).toMatchObject({ type: 'object', required: ['roles', 'start', 'limit', 'total'] });

    expect(doc.paths['/api/v2/logs/{id}'].get.responses['200'].content['application/json'].schema.properties.details).toMatchObject({ type: 'object', additionalProperties: true });
    // Answers without a body are documented without content.
    expect(doc.paths['/api/v2/users/{id}'].delete.responses).toEqual({ 204: { description: 'No body.' } });
    expect(doc.paths['/api/v2/roles/{id}'].delete.responses).toEqual({ 200: { description: 'No body.' } });
  });
});
