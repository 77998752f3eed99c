/**
 * Finding 19: settings that do nothing must not be accepted silently. Every field the Management
 * API accepts for applications, APIs and tenant settings either takes effect or is refused with a
 * 400 naming it; the "off" value an SDK or the Deploy CLI sends by default is still accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { CLIENT_FIELDS, RESOURCE_SERVER_FIELDS, TENANT_SETTINGS_FIELDS, bodyAt, type Classification } from '../support/settings-classification.js';

let server: TestServer;
let token: string;
let clientId: string;
let apiId: string;

const api = (method: string, path: string, body?: object) => call(server, `/api/v2${path}`, { method, headers: { authorization: `Bearer ${token}` }, ...(body ? { body } : {}) });

beforeAll(async () => {
  server = await startServer();
  token = await managementToken(server);
  const client = await api('POST', '/clients', { name: 'Classified', app_type: 'regular_web', callbacks: ['https://app.example.com/callback'] });
  expect(client.status).toBe(201);
  clientId = client.body.client_id;
  const resourceServer = await api('POST', '/resource-servers', { identifier: 'urn:classified', name: 'Classified' });
  expect(resourceServer.status).toBe(201);
  apiId = resourceServer.body.id;
});
afterAll(async () => server?.stop());

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; additionalProperties?: unknown; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[] };

/**
 * Leaf paths of a request body schema: nested objects with declared properties are walked into.
 * Such objects must also refuse properties they do not declare (`open` collects those that do not),
 * or an Auth0 field Tessera has never heard of would be accepted and ignored.
 */
function fieldPaths(schema: JsonSchema | undefined, prefix = '', open: string[] = []): string[] {
  if (!schema) return [];
  const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  if (alternatives.length) return [...new Set(alternatives.flatMap((alt) => fieldPaths(alt, prefix, open)))];
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return prefix ? [prefix] : [];
  if (schema.additionalProperties !== false) open.push(prefix || '(body)');
  return properties.flatMap(([name, property]) => fieldPaths(property, prefix ? `${prefix}.${name}` : name, open));
}

const bodySchema = (doc: any, path: string, method: string): JsonSchema => doc.paths[path]?.[method]?.requestBody?.content?.['application/json']?.schema;

const SURFACES: Array<{ name: string; table: Record<string, Classification>; operations: Array<[string, string]>; patch: () => string }> = [
  { name: 'clients', table: CLIENT_FIELDS, operations: [['/api/v2/clients', 'post'], ['/api/v2/clients/{id}', 'patch']], patch: () => `/clients/${clientId}` },
  { name: 'resource servers', table: RESOURCE_SERVER_FIELDS, operations: [['/api/v2/resource-servers', 'post'], ['/api/v2/resource-servers/{id}', 'patch']], patch: () => `/resource-servers/${apiId}` },
  { name: 'tenant settings', table: TENANT_SETTINGS_FIELDS, operations: [['/api/v2/tenants/settings', 'patch']], patch: () => '/tenants/settings' },
];

const refusedEntries = (table: Record<string, Classification>) =>
  Object.entries(table).filter((entry): entry is [string, Extract<Classification, { kind: 'refused' }>] => entry[1].kind === 'refused');

describe('finding 19: settings that do nothing must not be accepted silently', () => {
  it('finding 19: every body field of clients, resource servers and tenant settings in /api/v2/openapi.json is classified', async () => {
    const doc = (await call(server, '/api/v2/openapi.json')).body;
    for (const surface of SURFACES) {
      const accepted = new Set<string>();
      for (const [path, method] of surface.operations) {
        const open: string[] = [];
        const fields = fieldPaths(bodySchema(doc, path, method), '', open);
        expect(fields.length, `${method.toUpperCase()} ${path} has a body schema`).toBeGreaterThan(3);
        expect(open, `${method.toUpperCase()} ${path}: objects accepting undeclared properties`).toEqual([]);
        for (const field of fields) accepted.add(field);
      }
      const unclassified = [...accepted].filter((field) => !(field in surface.table));
      expect(unclassified, `${surface.name}: accepted fields missing from test/support/settings-classification.ts`).toEqual([]);
      const stale = Object.keys(surface.table).filter((field) => !accepted.has(field));
      expect(stale, `${surface.name}: classified fields the API no longer accepts`).toEqual([]);
    }
    // An Auth0 field the schemas do not declare is refused by name, never stored.
    for (const [path, body] of [['/clients', { name: 'x', token_quota: { client_credentials: { per_hour: 10 } } }], ['/resource-servers', { identifier: 'urn:x', token_quota: {} }]] as const) {
      const res = await api('POST', path, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/token_quota/);
    }
  });

  it('finding 19: every refused setting is answered 400 naming the field, in the Management API error format', async () => {
    for (const surface of SURFACES) {
      for (const [path, entry] of refusedEntries(surface.table)) {
        const res = await api('PATCH', surface.patch(), bodyAt(path, entry.sample));
        const label = `${surface.name}: ${path} = ${JSON.stringify(entry.sample)}`;
        expect(res.status, label).toBe(400);
        expect(res.body, label).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
        expect(res.body.message, label).toMatch(entry.message ?? new RegExp(`^${(entry.field ?? path).replace(/\./g, '\\.')} is not supported by this server`));
      }
    }
  });

  it('finding 19: the off/default value of every refused setting is accepted, one by one and all at once', async () => {
    for (const surface of SURFACES) {
      const all: Record<string, unknown> = {};
      for (const [path, entry] of refusedEntries(surface.table)) {
        const body = bodyAt(path, entry.off);
        const res = await api('PATCH', surface.patch(), body);
        expect(res.status, `${surface.name}: ${path} = ${JSON.stringify(entry.off)}: ${res.text}`).toBe(200);
        mergeInto(all, body);
      }
      const together = await api('PATCH', surface.patch(), all);
      expect(together.status, `${surface.name}: all off values: ${together.text}`).toBe(200);
    }
  });

  it('finding 19: a create carrying a refused setting is refused too, and nothing is created', async () => {
    const before = (await api('GET', '/clients')).body.length;
    const client = await api('POST', '/clients', { name: 'Organization app', organization_usage: 'require' });
    expect(client.status).toBe(400);
    expect(client.body.message).toMatch(/^organization_usage is not supported by this server/);
    expect((await api('GET', '/clients')).body.length).toBe(before);
    const resourceServer = await api('POST', '/resource-servers', { identifier: 'urn:rar', consent_policy: 'transactional-authorization-with-mfa' });
    expect(resourceServer.status).toBe(400);
    expect(resourceServer.body.message).toMatch(/^consent_policy is not supported by this server .*MFA/);
    expect((await api('GET', '/resource-servers/urn%3Arar')).status).toBe(404);
    // token_encryption is implemented: a key that is no public key is refused by name, and nothing is created.
    const badKey = await api('POST', '/resource-servers', { identifier: 'urn:jwe', token_encryption: { format: 'compact-nested-jwe', encryption_key: { alg: 'RSA-OAEP-256', pem: 'x' } } });
    expect(badKey.status).toBe(400);
    expect(badKey.body.message).toMatch(/token_encryption\.encryption_key\.pem/);
    expect((await api('GET', '/resource-servers/urn%3Ajwe')).status).toBe(404);
  });

  describe('the settings named by the review', () => {
    const refusesClient = async (body: object, field: string) => {
      const res = await api('PATCH', `/clients/${clientId}`, body);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')} is not supported by this server`));
    };

    it('finding 19: token_encryption on an API takes effect (client-credentials.test.ts); a placeholder key is refused by name; null is accepted', async () => {
      const res = await api('PATCH', `/resource-servers/${apiId}`, { token_encryption: { format: 'compact-nested-jwe', encryption_key: { alg: 'RSA-OAEP-256', pem: 'x' } } });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/token_encryption\.encryption_key\.pem/);
      expect((await api('PATCH', `/resource-servers/${apiId}`, { token_encryption: null })).status).toBe(200);
    });

    it('finding 19: compliance_level (FAPI 1 and FAPI 2) and require_pushed_authorization_requests are refused while the tenant does not allow PAR', async () => {
      const par = await api('PATCH', `/clients/${clientId}`, { require_pushed_authorization_requests: true });
      expect(par.status).toBe(400);
      expect(par.body.message).toMatch(/'require_pushed_authorization_requests' needs the tenant setting 'pushed_authorization_requests_supported'/);
      for (const level of ['fapi1_adv_mtls_par', 'fapi1_adv_pkj_par']) {
        const fapi1 = await api('PATCH', `/clients/${clientId}`, { compliance_level: level });
        expect(fapi1.status).toBe(400);
        expect(fapi1.body.message).toMatch(/'compliance_level' needs the tenant setting 'pushed_authorization_requests_supported'/);
      }
      const fapi2 = await api('PATCH', `/clients/${clientId}`, { compliance_level: 'fapi2_sp_pkj_mtls' });
      expect(fapi2.status).toBe(400);
      expect(fapi2.body.message).toMatch(/'compliance_level' needs the tenant setting 'pushed_authorization_requests_supported'/);
      const off = await api('PATCH', `/clients/${clientId}`, { require_pushed_authorization_requests: false, compliance_level: null, require_proof_of_possession: false });
      expect(off.status).toBe(200);
    });

    it('finding 19: jwt_configuration.alg RS512 is refused (ID tokens would come out RS256)', async () => {
      await refusesClient({ jwt_configuration: { alg: 'RS512' } }, 'jwt_configuration.alg');
      const created = await api('POST', '/clients', { name: 'RS512', jwt_configuration: { alg: 'RS512' } });
      expect(created.status).toBe(400);
      const read = await api('GET', `/clients/${clientId}`);
      expect(read.body.jwt_configuration.alg).toBe('RS256');
    });

    it('finding 19: add-ons other than WS-Fed, settings inside addons.wsfed and organizations are refused (mobile takes effect: test/in-process/app-links.test.ts)', async () => {
      await refusesClient({ addons: { samlp: {} } }, 'addons.samlp');
      await refusesClient({ addons: { wsfed: { realm: 'urn:app' } } }, 'addons.wsfed.realm');
      await refusesClient({ addons: { wsfed: true } }, 'addons.wsfed');
      await refusesClient({ organization_usage: 'allow' }, 'organization_usage');
      await refusesClient({ organization_require_behavior: 'post_login_prompt' }, 'organization_require_behavior');
      const defaults = await api('PATCH', `/clients/${clientId}`, { mobile: {}, addons: {}, organization_usage: 'deny', organization_require_behavior: 'no_prompt' });
      expect(defaults.status).toBe(200);
    });

    it('finding 19: response_mode=web_message is answered only to an origin listed in the application’s web_origins', async () => {
      const callback = 'https://spa.example.com/callback';
      const spa = (await api('POST', '/clients', { name: 'Framed SPA', app_type: 'spa', callbacks: [callback] })).body;
      const authorize = () =>
        call(server, `/authorize?${new URLSearchParams({ client_id: spa.client_id, redirect_uri: callback, response_type: 'code', response_mode: 'web_message', prompt: 'none', state: 'st', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`);

      const refused = await authorize();
      expect(refused.text).toContain('does not have a registered origin');
      expect(refused.text).not.toContain('login_required');

      expect((await api('PATCH', `/clients/${spa.client_id}`, { web_origins: ['https://spa.example.com'] })).status).toBe(200);
      const allowed = await authorize();
      expect(allowed.text).toContain('"type":"authorization_response"');
      expect(allowed.text).toContain('login_required');
      expect(allowed.text).not.toContain('registered origin');
      expect(allowed.headers.get('content-security-policy')).toContain('frame-ancestors https://spa.example.com');

      // Subdomain wildcards in Allowed Web Origins follow the usual rules.
      expect((await api('PATCH', `/clients/${spa.client_id}`, { web_origins: ['https://*.example.com'] })).status).toBe(200);
      expect((await authorize()).text).toContain('login_required');

      // An origin listed with its scheme's default port is the same origin (review of finding 19).
      expect((await api('PATCH', `/clients/${spa.client_id}`, { web_origins: ['https://spa.example.com:443'] })).status).toBe(200);
      expect((await authorize()).text).toContain('login_required');
    });

    it('finding 19: GET still shows Auth0’s defaults for the refused settings', async () => {
      const created = (await api('POST', '/clients', { name: 'Defaults' })).body;
      const read = (await api('GET', `/clients/${created.client_id}`)).body;
      expect(read).toMatchObject({ oidc_conformant: true, sso_disabled: false, jwt_configuration: { alg: 'RS256' } });
      const settings = (await api('GET', '/tenants/settings')).body;
      expect(settings).toMatchObject({ enabled_locales: ['en'], device_flow: { charset: 'base20', mask: '****-****' } });
      expect(settings.flags).toMatchObject({ enable_sso: true, enable_dynamic_client_registration: false, allow_legacy_ro_grant_types: false });
    });
  });
});

describe('connection options that would change behaviour are refused by name; their defaults are accepted', () => {
  const create = (strategy: string, name: string, options: object) => api('POST', '/connections', { name, strategy, options });
  const refuses = async (strategy: string, options: object, field: string) => {
    const name = `refused-${strategy}`;
    const res = await create(strategy, name, options);
    const label = `${strategy} ${JSON.stringify(options)}`;
    expect(res.status, label).toBe(400);
    expect(res.body, label).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message, label).toContain(field);
    expect((await api('GET', `/connections?name=${name}`)).body, label).toEqual([]);
  };

  it("an SMS connection's own Twilio account, sender or gateway (messages go through the server's SMS provider), and a template it cannot render", async () => {
    await refuses('sms', { twilio_sid: 'AC0123456789', twilio_token: 'twilio-secret' }, 'options.twilio_sid is not supported by this server');
    await refuses('sms', { twilio_token: 'twilio-secret' }, 'options.twilio_token is not supported by this server');
    await refuses('sms', { from: '+15005550006' }, 'options.from is not supported by this server');
    await refuses('sms', { messaging_service_sid: 'MG0123456789abcdef0123456789abcdef' }, 'options.messaging_service_sid is not supported by this server');
    await refuses('sms', { provider: 'sms_gateway', gateway_url: 'https://sms.example.com/send' }, 'options.provider is not supported by this server');
    await refuses('sms', { gateway_url: 'https://sms.example.com/send' }, 'options.gateway_url is not supported by this server');
    await refuses('sms', { gateway_authentication: { method: 'bearer', subject: 'urn:sms', audience: 'urn:gw', secret: 's' } }, 'options.gateway_authentication is not supported');
    await refuses('sms', { forward_req_info: true }, 'options.forward_req_info is not supported by this server');
    await refuses('sms', { template: 'Code {{ code | upcase }}' }, 'options.template uses Liquid this server does not render');

    // What the SDKs and the Deploy CLI send for a connection without its own provider is accepted.
    const defaults = { provider: 'twilio', twilio_sid: '', twilio_token: '', from: '', messaging_service_sid: '', forward_req_info: false, gateway_authentication: null, syntax: 'liquid', template: '{{ code }} is your code' };
    const created = await create('sms', 'sms-defaults', defaults);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const patched = await api('PATCH', `/connections/${created.body.id}`, { options: { ...defaults, twilio_sid: 'AC0123456789' } });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toMatch(/^options\.twilio_sid is not supported by this server/);
    expect((await api('GET', `/connections/${created.body.id}`)).body.options).toMatchObject({ twilio_sid: '', template: '{{ code }} is your code' });
  });

  it("an email connection's default authParams and templates it cannot render; a database connection's custom database", async () => {
    await refuses('email', { authParams: { scope: 'openid profile' } }, 'options.authParams is not supported by this server');
    await refuses('email', { email: { body: '{% for i in (1..3) %}{{ code }}{% endfor %}' } }, 'options.email.body uses Liquid this server does not render');
    await refuses('email', { email: { subject: 'Code for {{ application.name | upcase }}' } }, 'options.email.subject uses Liquid');
    await refuses('auth0', { enabledDatabaseCustomization: true, customScripts: { login: 'function login() {}' } }, 'options.enabledDatabaseCustomization is not supported');
    await refuses('auth0', { import_mode: true }, 'options.import_mode is not supported by this server');
    await refuses('auth0', { authentication_methods: { password: { enabled: false } } }, 'options.authentication_methods.password.enabled is not supported');
    await refuses('auth0', { authentication_methods: { passkey: { enabled: true } } }, 'options.authentication_methods.passkey.enabled is not supported');

    const email = await create('email', 'email-defaults', { authParams: {}, email: { syntax: 'liquid', body: "{% if send == 'link' %}{{ link }}{% elsif send == 'code' %}{{ code }}{% endif %}" } });
    expect(email.status, JSON.stringify(email.body)).toBe(201);
    // Scripts stay dormant while customization is off, as on Auth0.
    const database = await create('auth0', 'db-defaults', { enabledDatabaseCustomization: false, import_mode: false, disable_self_service_change_password: false, authentication_methods: { password: { enabled: true }, passkey: { enabled: false } }, customScripts: { login: 'function login() {}' } });
    expect(database.status, JSON.stringify(database.body)).toBe(201);
  });
});

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing && typeof existing === 'object' && !Array.isArray(existing) && value && typeof value === 'object' && !Array.isArray(value)) {
      mergeInto(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else target[key] = value;
  }
}
