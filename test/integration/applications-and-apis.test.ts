/**
 * Applications, APIs and client grants through the official Auth0 SDKs (v7 and v4) over TLS,
 * with Auth0's validation rules and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';

let tls: TlsTestServer;
let devToken: string;
let acmeToken: string;

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  devToken = await tls.tokenFor('dev');
  acmeToken = await tls.tokenFor('acme');
});
afterAll(async () => tls?.close());

const dev = (method: string, path: string, body?: unknown) => tls.api('dev', devToken, method, path, body);
const acme = (method: string, path: string, body?: unknown) => tls.api('acme', acmeToken, method, path, body);

async function collect<T>(page: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of page) items.push(item);
  return items;
}

describe('applications (clients)', () => {
  it('v7: creates an SPA with Auth0 defaults, reads, lists, updates and rotates its secret', async () => {
    const management = tls.v7('dev');
    const spa = await management.clients.create({ name: 'Web Shop', app_type: 'spa', callbacks: ['https://shop.example.com/callback', 'https://*.shop.example.com/cb'] });
    expect(spa).toMatchObject({
      name: 'Web Shop',
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['implicit', 'authorization_code', 'refresh_token'],
      is_first_party: true,
      oidc_conformant: true,
      jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000 },
    });
    expect(spa.client_id).toMatch(/^[A-Za-z0-9]{32}$/);

    const read = await management.clients.get(spa.client_id!);
    expect(read.callbacks).toEqual(['https://shop.example.com/callback', 'https://*.shop.example.com/cb']);
    const projected = await management.clients.get(spa.client_id!, { fields: 'is_first_party', include_fields: true });
    expect(projected).toEqual({ is_first_party: true });

    const updated = await management.clients.update(spa.client_id!, { jwt_configuration: { lifetime_in_seconds: 600 }, client_metadata: { tier: 'gold' } });
    expect(updated.jwt_configuration).toMatchObject({ alg: 'RS256', lifetime_in_seconds: 600 });
    expect(updated.client_metadata).toEqual({ tier: 'gold' });

    const rotated = await management.clients.rotateSecret(spa.client_id!);
    expect(rotated.client_secret).toBeTruthy();
    expect(rotated.client_secret).not.toBe(spa.client_secret);

    const all = await collect(await management.clients.list({ per_page: 2 }));
    expect(all.map((c) => c.client_id)).toContain(spa.client_id);
    const m2m = await collect(await management.clients.list({ app_type: 'non_interactive' }));
    expect(m2m.every((c) => c.app_type === 'non_interactive')).toBe(true);

    await management.clients.delete(spa.client_id!);
    expect((await thrown(management.clients.get(spa.client_id!))).statusCode).toBe(404);
  });

  it('v4: creates, reads, lists, updates, rotates and deletes', async () => {
    const management = tls.v4('dev');
    const { data: app } = await management.clients.create({ name: 'Backend', app_type: 'regular_web', callbacks: ['https://backend.example.com/cb'] });
    expect(app.grant_types).toEqual(['implicit', 'authorization_code', 'refresh_token', 'client_credentials']);
    expect(app.token_endpoint_auth_method).toBe('client_secret_post');
    const { data: read } = await management.clients.get({ client_id: app.client_id! });
    expect(read.name).toBe('Backend');
    const { data: list } = await management.clients.getAll({ include_totals: true, per_page: 100 });
    expect(list.clients.map((c) => c.client_id)).toContain(app.client_id);
    expect(list.total).toBeGreaterThanOrEqual(2);
    const { data: updated } = await management.clients.update({ client_id: app.client_id! }, { description: 'Orders backend', allowed_logout_urls: ['https://backend.example.com'] });
    expect(updated.description).toBe('Orders backend');
    const { data: rotated } = await management.clients.rotateClientSecret({ client_id: app.client_id! });
    expect(rotated.client_secret).not.toBe(app.client_secret);
    await management.clients.delete({ client_id: app.client_id! });
  });

  it('hides secrets from tokens without read:client_keys', async () => {
    const app = (await dev('POST', '/api/v2/clients', { name: 'Secretive', app_type: 'non_interactive' })).body;
    const readOnly = await tls.api('dev', await tls.tokenFor('dev', { scope: 'read:clients' }), 'GET', `/api/v2/clients/${app.client_id}`);
    expect(readOnly.status).toBe(200);
    expect(readOnly.body.client_secret).toBeUndefined();
    const keys = await dev('GET', `/api/v2/clients/${app.client_id}`);
    expect(keys.body.client_secret).toBe(app.client_secret);
    const setSecret = await tls.api('dev', await tls.tokenFor('dev', { scope: 'update:clients' }), 'PATCH', `/api/v2/clients/${app.client_id}`, { client_secret: 'n'.repeat(40) });
    expect(setSecret.status).toBe(403);
  });

  it('enforces Auth0’s rules with 400s that name the field', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ name: 'x', callbacks: ['https://*.com/cb'] }, /callbacks/],
      [{ name: 'x', callbacks: ['https://sub.*.example.com/cb'] }, /left-most/],
      [{ name: 'x', web_origins: ['https://app.example.com/path'] }, /web_origins/],
      [{ name: 'x', allowed_logout_urls: ['https://{organization_name}.example.com'] }, /allowed_logout_urls/],
      [{ name: 'x', app_type: 'spa', grant_types: ['client_credentials'] }, /client_credentials/],
      [{ name: 'x', app_type: 'spa', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] }, /native/],
      [{ name: 'x', is_first_party: false, grant_types: ['password'] }, /third-party/],
      [{ name: 'x', client_metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }, /client_metadata/],
      [{ name: 'x', description: 'd'.repeat(141) }, /description/],
      [{ name: 'x', grant_types: ['magic'] }, /grant_types/],
      [{ name: 'x', colour: 'blue' }, /colour/],
      [{ name: '<script>' }, /name/],
      [{ name: 'x', initiate_login_uri: 'http://app.example.com/login' }, /initiate_login_uri/],
      [{ name: 'x', app_type: 'spa', jwt_configuration: { alg: 'HS256' } }, /HS256/],
    ];
    for (const [body, field] of cases) {
      const res = await dev('POST', '/api/v2/clients', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message).toMatch(field);
    }
    const app = (await dev('POST', '/api/v2/clients', { name: 'Rules' })).body;
    expect((await dev('PATCH', `/api/v2/clients/${app.client_id}`, {})).status).toBe(400);
    expect((await dev('PATCH', `/api/v2/clients/${app.client_id}`, { client_id: 'new' })).status).toBe(400);
    expect((await dev('PATCH', `/api/v2/clients/${app.client_id}`, { token_endpoint_auth_method: 'none' })).status).toBe(400); // has client_credentials
  });
});

describe('APIs (resource servers)', () => {
  it('v7: creates, reads by id and by identifier, replaces scopes, deletes', async () => {
    const management = tls.v7('dev');
    const api = await management.resourceServers.create({ name: 'Billing', identifier: 'https://billing.example.com/', scopes: [{ value: 'read:invoices', description: 'Read invoices' }] });
    expect(api).toMatchObject({ signing_alg: 'RS256', token_lifetime: 86400, allow_offline_access: false, token_dialect: 'access_token', enforce_policies: false });
    expect(api.subject_type_authorization).toEqual({ user: { policy: 'allow_all' }, client: { policy: 'require_client_grant' } });
    // The SDK URL-encodes the id; an identifier works wherever an id does.
    expect((await management.resourceServers.get('https://billing.example.com/')).id).toBe(api.id);
    const patched = await management.resourceServers.update(api.id!, { scopes: [{ value: 'write:invoices' }], enforce_policies: true, token_dialect: 'access_token_authz' });
    expect(patched.scopes).toEqual([{ value: 'write:invoices' }]);
    expect(patched.token_dialect).toBe('access_token_authz');
    const list = await collect(await management.resourceServers.list({ identifiers: ['https://billing.example.com/'] }));
    expect(list.map((a) => a.id)).toEqual([api.id]);
    await management.resourceServers.delete(api.id!);
    expect((await thrown(management.resourceServers.get(api.id!))).statusCode).toBe(404);
  });

  it('v4: creates, lists with totals, updates and deletes', async () => {
    const management = tls.v4('dev');
    const { data: api } = await management.resourceServers.create({ name: 'Inventory', identifier: 'urn:inventory', token_lifetime: 3600 });
    const { data: list } = await management.resourceServers.getAll({ include_totals: true });
    expect(list.resource_servers.map((a) => a.identifier)).toEqual(expect.arrayContaining(['urn:inventory', `https://${tls.hostOf('dev')}/api/v2/`]));
    const { data: updated } = await management.resourceServers.update({ id: api.id! }, { allow_offline_access: true });
    expect(updated.allow_offline_access).toBe(true);
    await management.resourceServers.delete({ id: api.id! });
  });

  it('protects the system API and applies the identifier and permission rules', async () => {
    const system = (await dev('GET', `/api/v2/resource-servers/${encodeURIComponent('https://dev.localhost/api/v2/')}`)).body;
    expect(system.is_system).toBe(true);
    const patch = await dev('PATCH', `/api/v2/resource-servers/${system.id}`, { name: 'Mine' });
    expect(patch.status).toBe(400);
    expect(patch.body.message).toBe('System resource servers cannot be patched.');
    expect((await dev('DELETE', `/api/v2/resource-servers/${system.id}`)).body.message).toBe('System resource servers cannot be deleted.');

    const api = (await dev('POST', '/api/v2/resource-servers', { identifier: 'https://rules.example.com' })).body;
    const duplicate = await dev('POST', '/api/v2/resource-servers', { identifier: 'https://rules.example.com' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toBe('A resource server with the same identifier already exists.');
    // The trailing slash is significant: another identifier.
    expect((await dev('POST', '/api/v2/resource-servers', { identifier: 'https://rules.example.com/' })).status).toBe(201);
    expect((await dev('PATCH', `/api/v2/resource-servers/${api.id}`, { identifier: 'https://other' })).body.message).toMatch(/identifier/);
    expect((await dev('PATCH', `/api/v2/resource-servers/${api.id}`, { scopes: [{ value: 'openid' }] })).body.message).toMatch(/reserved/);
    expect((await dev('PATCH', `/api/v2/resource-servers/${api.id}`, { token_lifetime: 2_592_001 })).status).toBe(400);
    expect((await dev('PATCH', `/api/v2/resource-servers/${api.id}`, { token_dialect: 'access_token_authz' })).body.message).toMatch(/enforce_policies/);
    expect((await dev('PATCH', `/api/v2/resource-servers/${api.id}`, { subject_type_authorization: { client: { policy: 'allow_all' } } })).status).toBe(400);
  });
});

describe('client grants', () => {
  it('v7: creates, lists with checkpoint pagination, reads, updates scopes and deletes', async () => {
    const management = tls.v7('dev');
    await management.resourceServers.create({ identifier: 'urn:reports', scopes: [{ value: 'read:reports' }, { value: 'export:reports' }] });
    const apps = await Promise.all([1, 2, 3].map((i) => management.clients.create({ name: `Reporter ${i}`, app_type: 'non_interactive' })));
    const grants = await Promise.all(apps.map((a) => management.clientGrants.create({ client_id: a.client_id!, audience: 'urn:reports', scope: ['read:reports'] })));
    const listed = await collect(await management.clientGrants.list({ audience: 'urn:reports', take: 2 }));
    expect(listed.map((g) => g.id).sort()).toEqual(grants.map((g) => g.id).sort());
    expect((await management.clientGrants.get(grants[0]!.id!)).scope).toEqual(['read:reports']);
    const updated = await management.clientGrants.update(grants[0]!.id!, { scope: ['read:reports', 'export:reports'] });
    expect(updated.scope).toEqual(['read:reports', 'export:reports']);
    await management.clientGrants.delete(grants[0]!.id!);
    expect((await thrown(management.clientGrants.get(grants[0]!.id!))).statusCode).toBe(404);
  });

  it('v4: lists grants for a client', async () => {
    const { data } = await tls.v4('dev').clientGrants.getAll({ client_id: tls.server.bootstrapOf('dev').client_id });
    expect(data.length).toBe(1);
    expect(data[0]!.audience).toBe(`https://${tls.hostOf('dev')}/api/v2/`);
  });

  it('allows one grant per client, API and subject type, and only the API’s scopes', async () => {
    await dev('POST', '/api/v2/resource-servers', { identifier: 'urn:once', scopes: [{ value: 'do:it' }] });
    const app = (await dev('POST', '/api/v2/clients', { name: 'Once', app_type: 'non_interactive' })).body;
    expect((await dev('POST', '/api/v2/client-grants', { client_id: app.client_id, audience: 'urn:once', scope: ['do:it'] })).status).toBe(201);
    expect((await dev('POST', '/api/v2/client-grants', { client_id: app.client_id, audience: 'urn:once', scope: [] })).status).toBe(409);
    expect((await dev('POST', '/api/v2/client-grants', { client_id: app.client_id, audience: 'urn:once', scope: [], subject_type: 'user' })).status).toBe(201);
    const other = (await dev('POST', '/api/v2/clients', { name: 'Other', app_type: 'non_interactive' })).body;
    const unknownScope = await dev('POST', '/api/v2/client-grants', { client_id: other.client_id, audience: 'urn:once', scope: ['nope'] });
    expect(unknownScope.status).toBe(400);
    expect(unknownScope.body.message).toMatch(/nope/);
    expect((await dev('POST', '/api/v2/client-grants', { client_id: other.client_id, audience: 'urn:missing', scope: [] })).status).toBe(404);
  });
});

describe('tenant isolation', () => {
  it('acme cannot see or touch dev’s applications, APIs and grants', async () => {
    const app = (await dev('POST', '/api/v2/clients', { name: 'Dev only', app_type: 'non_interactive' })).body;
    const api = (await dev('POST', '/api/v2/resource-servers', { identifier: 'urn:dev-only', scopes: [{ value: 'x:y' }] })).body;
    const grant = (await dev('POST', '/api/v2/client-grants', { client_id: app.client_id, audience: 'urn:dev-only', scope: ['x:y'] })).body;

    for (const path of [`/api/v2/clients/${app.client_id}`, `/api/v2/resource-servers/${api.id}`, `/api/v2/resource-servers/urn%3Adev-only`, `/api/v2/client-grants/${grant.id}`]) {
      expect((await acme('GET', path)).status, path).toBe(404);
      expect((await acme('DELETE', path)).status, path).toBe(404);
    }
    expect((await acme('PATCH', `/api/v2/clients/${app.client_id}`, { name: 'hijacked' })).status).toBe(404);
    expect((await acme('PATCH', `/api/v2/resource-servers/${api.id}`, { name: 'hijacked' })).status).toBe(404);
    expect((await acme('PATCH', `/api/v2/client-grants/${grant.id}`, { scope: [] })).status).toBe(404);
    expect((await acme('POST', `/api/v2/clients/${app.client_id}/rotate-secret`)).status).toBe(404);
    expect((await acme('POST', '/api/v2/client-grants', { client_id: app.client_id, audience: 'urn:dev-only', scope: [] })).status).toBe(404);

    const acmeClients = (await acme('GET', '/api/v2/clients?per_page=100')).body.map((c: { client_id: string }) => c.client_id);
    expect(acmeClients).not.toContain(app.client_id);
    const acmeApis = (await acme('GET', '/api/v2/resource-servers')).body.map((a: { id: string }) => a.id);
    expect(acmeApis).not.toContain(api.id);
    expect((await acme('GET', '/api/v2/client-grants')).body.map((g: { id: string }) => g.id)).not.toContain(grant.id);
    // Still intact for dev.
    expect((await dev('GET', `/api/v2/clients/${app.client_id}`)).body.name).toBe('Dev only');
  });
});

