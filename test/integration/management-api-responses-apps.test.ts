/**
 * Management API responses, field by field. Routes declare response schemas (for the OpenAPI
 * document), and Fastify then writes responses with fast-json-stringify, which leaves out every
 * property a schema does not declare and converts values to the declared types. These cases hold
 * whole objects with every field a client, a connection, an API and the tenant settings can
 * carry, nulls and open-ended objects included, so that a schema missing a field or a `null`
 * shows up here as a changed answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { defaultTenantSettings } from '../../src/domain/tenants/tenant-settings.js';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startServer();
  token = await managementToken(server);
});
afterAll(async () => server?.stop());

async function api(method: string, path: string, body?: object): Promise<{ status: number; body: any }> {
  const response = await call(server, `/api/v2${path}`, { method, headers: { authorization: `Bearer ${token}` }, ...(body ? { body } : {}) });
  return { status: response.status, body: response.body };
}

/** A create body with every client field, each at a value Tessera accepts (refused settings at their off value). */
const EVERY_CLIENT_FIELD = {
  name: 'Every Field',
  description: 'An application with every field set',
  logo_uri: 'https://app.example.com/logo.png',
  app_type: 'regular_web',
  is_first_party: true,
  oidc_conformant: true,
  callbacks: ['https://app.example.com/callback'],
  allowed_origins: ['https://app.example.com'],
  web_origins: ['https://app.example.com'],
  allowed_logout_urls: ['https://app.example.com/bye'],
  client_aliases: [],
  allowed_clients: [],
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  token_endpoint_auth_method: 'client_secret_basic',
  is_token_endpoint_ip_header_trusted: false,
  jwt_configuration: { alg: 'PS256', lifetime_in_seconds: 3600, secret_encoded: false },
  client_metadata: { tier: 'gold', region: 'eu' },
  mobile: { android: {}, ios: {} },
  initiate_login_uri: 'https://app.example.com/login',
  sso: true,
  sso_disabled: false,
  cross_origin_authentication: true,
  cross_origin_loc: 'https://app.example.com/cross-origin',
  custom_login_page_on: true,
  custom_login_page: '',
  custom_login_page_preview: '',
  form_template: '',
  addons: {},
  refresh_token: {
    rotation_type: 'rotating',
    expiration_type: 'expiring',
    leeway: 5,
    token_lifetime: 86_400,
    infinite_token_lifetime: false,
    idle_token_lifetime: 3600,
    infinite_idle_token_lifetime: false,
    policies: null,
  },
  organization_usage: 'deny',
  organization_require_behavior: 'no_prompt',
  require_pushed_authorization_requests: false,
  require_proof_of_possession: false,
  par_request_expiry: null,
  compliance_level: null,
  skip_non_verifiable_callback_uri_confirmation_prompt: null,
  native_social_login: { apple: { enabled: false }, facebook: { enabled: false } },
  oidc_logout: { backchannel_logout_urls: [] },
  oidc_backchannel_logout: { backchannel_logout_urls: [] },
  default_organization: null,
  encryption_key: null,
  session_transfer: { can_create_session_transfer_token: false, allowed_authentication_methods: ['cookie'] },
};

describe('responses keep every field', () => {
  it('a client with every field: create, read, list (with totals and projected), update', async () => {
    const created = await api('POST', '/clients', EVERY_CLIENT_FIELD);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const expected = {
      ...EVERY_CLIENT_FIELD,
      tenant: expect.any(String),
      client_id: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      client_secret: expect.any(String),
      global: false,
      // Read-only, as on Auth0: the certificate of the tenant's application signing key.
      signing_keys: [{ cert: expect.stringContaining('-----BEGIN CERTIFICATE-----'), pkcs7: expect.stringContaining('-----BEGIN PKCS7-----'), subject: '/CN=dev.localhost' }],
    };
    expect(created.body).toEqual(expected);

    const id = created.body.client_id as string;
    const read = await api('GET', `/clients/${id}`);
    expect(read.body).toEqual({ ...expected, client_secret: created.body.client_secret });

    const listed = await api('GET', '/clients?include_totals=true&per_page=100');
    expect(listed.body).toEqual({ clients: expect.any(Array), start: 0, limit: 100, total: expect.any(Number) });
    expect(listed.body.clients.find((c: { client_id: string }) => c.client_id === id)).toEqual(read.body);
    const bare = await api('GET', '/clients?per_page=100');
    expect(bare.body.find((c: { client_id: string }) => c.client_id === id)).toEqual(read.body);

    const projected = await api('GET', `/clients/${id}?fields=client_metadata,refresh_token,par_request_expiry&include_fields=true`);
    expect(projected.body).toEqual({ client_metadata: { tier: 'gold', region: 'eu' }, refresh_token: EVERY_CLIENT_FIELD.refresh_token, par_request_expiry: null });
    const excluded = await api('GET', `/clients/${id}?fields=client_secret,callbacks&include_fields=false`);
    const { client_secret: _secret, callbacks: _callbacks, ...rest } = read.body;
    expect(excluded.body).toEqual(rest);

    const updated = await api('PATCH', `/clients/${id}`, { description: 'changed', client_metadata: { tier: 'silver' }, jwt_configuration: { lifetime_in_seconds: 600 } });
    expect(updated.body).toEqual({ ...read.body, description: 'changed', client_metadata: { tier: 'silver' }, jwt_configuration: { ...EVERY_CLIENT_FIELD.jwt_configuration, lifetime_in_seconds: 600 } });

    const rotated = await api('POST', `/clients/${id}/rotate-secret`);
    expect(rotated.body).toEqual({ ...updated.body, client_secret: expect.any(String) });
    expect(rotated.body.client_secret).not.toBe(read.body.client_secret);
  });

  it('a database connection with its options (open: unknown options come back as given), and a null option', async () => {
    const options = {
      passwordPolicy: 'fair',
      password_complexity_options: { min_length: 10 },
      password_history: { enable: true, size: 5 },
      password_no_personal_info: { enable: true },
      password_dictionary: { enable: true, dictionary: ['tessera'] },
      requires_username: true,
      validation: { username: { min: 3, max: 20 } },
      disable_signup: false,
      brute_force_protection: true,
      import_mode: false,
      disable_self_service_change_password: false,
      non_persistent_attrs: ['ip_address'],
      a_future_option: { nested: [1, 'two', null, { three: true }], flag: false },
    };
    const body = { name: 'every-option', strategy: 'auth0', display_name: 'Every option', options, is_domain_connection: false, show_as_button: true, realms: ['every-option'], metadata: { team: 'identity' } };
    const created = await api('POST', '/connections', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const expected = { ...body, id: expect.stringMatching(/^con_/), enabled_clients: expect.any(Array) };
    expect(created.body).toEqual(expected);
    const id = created.body.id as string;
    expect((await api('GET', `/connections/${id}`)).body).toEqual(created.body);

    const checkpoint = await api('GET', '/connections?take=100');
    expect(Object.keys(checkpoint.body)).toEqual(['connections']);
    expect(checkpoint.body.connections.find((c: { id: string }) => c.id === id)).toEqual(created.body);
    const totals = await api('GET', '/connections?include_totals=true');
    expect(totals.body).toEqual({ connections: expect.any(Array), start: 0, limit: 50, total: expect.any(Number) });

    const cleared = await api('PATCH', `/connections/${id}`, { options: { ...options, passwordPolicy: null } });
    expect(cleared.body).toEqual({ ...created.body, options: { ...options, passwordPolicy: null } });

    const email = await api('POST', '/connections', { name: 'email', strategy: 'email' });
    expect(email.body).toEqual({
      id: expect.stringMatching(/^con_/),
      name: 'email',
      display_name: 'email',
      strategy: 'email',
      options: {
        name: 'email',
        disable_signup: false,
        brute_force_protection: true,
        email: { from: expect.any(String), subject: expect.any(String), syntax: 'liquid', body: expect.any(String) },
        totp: { time_step: 180, length: 6 },
      },
      enabled_clients: expect.any(Array),
      realms: ['email'],
      is_domain_connection: false,
    });
  });

  it('an API with every field, nulls included', async () => {
    const body = {
      identifier: 'https://every-field.example.com',
      name: 'Every field',
      scopes: [{ value: 'read:things', description: 'Read things' }, { value: 'write:things' }],
      signing_alg: 'HS256',
      signing_secret: 'a-signing-secret-of-enough-length',
      token_lifetime: 7200,
      token_lifetime_for_web: 3600,
      allow_offline_access: true,
      skip_consent_for_verifiable_first_party_clients: false,
      enforce_policies: true,
      token_dialect: 'access_token_authz',
      subject_type_authorization: { user: { policy: 'require_client_grant' }, client: { policy: 'deny_all' } },
      token_encryption: null,
      consent_policy: null,
      authorization_details: null,
      proof_of_possession: null,
    };
    const created = await api('POST', '/resource-servers', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({ ...body, id: expect.any(String), is_system: false });
    expect((await api('GET', `/resource-servers/${created.body.id}`)).body).toEqual(created.body);
    const listed = await api('GET', '/resource-servers?per_page=100');
    expect(listed.body.find((a: { id: string }) => a.id === created.body.id)).toEqual(created.body);
  });

  it('tenant settings with every setting', async () => {
    const patch = {
      friendly_name: 'Every Setting',
      picture_url: 'https://example.com/logo.png',
      support_email: 'support@example.com',
      support_url: 'https://example.com/support',
      environment_tag: 'staging',
      default_audience: '',
      allowed_logout_urls: ['https://example.com/bye'],
      error_page: { html: '', show_log_link: false, url: '' },
      change_password: { enabled: false, html: '' },
      guardian_mfa_page: { enabled: false, html: '' },
      enabled_locales: ['en'],
      session_lifetime: 48,
      idle_session_lifetime: 0.5,
      session_cookie: { mode: 'non-persistent' },
      sessions: { oidc_logout_prompt_enabled: false },
      oidc_logout: { rp_logout_end_session_endpoint_discovery: false },
      device_flow: { charset: 'base20', mask: '****-****' },
      flags: { enable_sso: true, revoke_refresh_token_grant: true },
      sandbox_version: '18',
      acr_values_supported: [],
      allow_organization_name_in_authentication_api: false,
      customize_mfa_in_postlogin_action: false,
      pushed_authorization_requests_supported: false,
      authorization_response_iss_parameter_supported: false,
      skip_non_verifiable_callback_uri_confirmation_prompt: true,
      resource_parameter_profile: 'audience',
      mtls: { enable_endpoint_aliases: false },
    };
    const patched = await api('PATCH', '/tenants/settings', patch);
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const defaults = defaultTenantSettings();
    const expected = {
      ...defaults,
      ...patch,
      session_lifetime_in_minutes: 48 * 60,
      idle_session_lifetime_in_minutes: 30,
      flags: { ...defaults.flags, ...patch.flags },
    };
    expect(patched.body).toEqual(expected);
    expect((await api('GET', '/tenants/settings')).body).toEqual(expected);
    expect((await api('GET', '/tenants/settings?fields=flags,idle_session_lifetime')).body).toEqual({ flags: expected.flags, idle_session_lifetime: 0.5 });
  });

  it('branding with a gradient background', async () => {
    const body = {
      colors: { primary: '#123abc', page_background: { type: 'linear-gradient', start: '#000000', end: '#ffffff', angle_deg: 35 } },
      logo_url: 'https://example.com/logo.png',
      favicon_url: 'https://example.com/favicon.ico',
      font: { url: 'https://example.com/font.woff2' },
    };
    expect((await api('PATCH', '/branding', body)).body).toEqual(body);
    expect((await api('GET', '/branding')).body).toEqual(body);
    expect((await api('PATCH', '/branding', { colors: { page_background: '#fafafa' } })).body).toEqual({ ...body, colors: { primary: '#123abc', page_background: '#fafafa' } });
  });

  it('signing keys and client grants', async () => {
    const keys = await api('GET', '/keys/signing');
    expect(keys.body[0]).toEqual({
      kid: expect.any(String),
      cert: expect.stringContaining('BEGIN CERTIFICATE'),
      pkcs7: expect.any(String),
      fingerprint: expect.stringMatching(/^([0-9A-F]{2}:)+[0-9A-F]{2}$/),
      thumbprint: expect.stringMatching(/^[0-9A-F]{40}$/),
      current: true,
      next: false,
      previous: false,
      revoked: false,
      current_since: expect.any(String),
    });

    const client = await api('POST', '/clients', { name: 'Grantee', app_type: 'non_interactive' });
    const grant = await api('POST', '/client-grants', { client_id: client.body.client_id, audience: 'https://every-field.example.com', scope: ['read:things'], allow_any_organization: false, organization_usage: 'deny' });
    expect(grant.status, JSON.stringify(grant.body)).toBe(201);
    expect(grant.body).toEqual({
      id: expect.any(String),
      client_id: client.body.client_id,
      audience: 'https://every-field.example.com',
      scope: ['read:things'],
      subject_type: 'client',
      allow_any_organization: false,
      organization_usage: 'deny',
    });
    const page = await api('GET', `/client-grants?client_id=${client.body.client_id}&take=1`);
    expect(page.body).toEqual({ client_grants: [grant.body] });
  });
});

describe('the OpenAPI document describes responses', () => {
  it('documents the answers of these routes, nullable fields and paged lists included', async () => {
    const { body: doc } = await call(server, '/api/v2/openapi.json');
    const client = doc.paths['/api/v2/clients/{id}'].get.responses['200'].content['application/json'].schema;
    expect(client.additionalProperties).toBe(true);
    expect(client.properties.par_request_expiry).toMatchObject({ type: 'integer', nullable: true });
    expect(client.properties.client_metadata.type).toBe('object');
    expect(doc.paths['/api/v2/clients/{id}'].delete.responses).toHaveProperty('204');
    expect(doc.paths['/api/v2/clients'].post.responses).toHaveProperty('201');

    const list = doc.paths['/api/v2/connections'].get.responses['200'].content['application/json'].schema;
    expect(list.anyOf).toHaveLength(3);
    expect(list.anyOf[0]).toMatchObject({ type: 'array' });
    expect(list.anyOf[1].required).toEqual(expect.arrayContaining(['connections', 'start', 'limit', 'total']));
    expect(list.anyOf[2].properties).toHaveProperty('next');

    // Every operation of these resources describes its answer: a body schema, or 204 (no content).
    type Operation = { responses: Record<string, { content?: { 'application/json'?: { schema?: object } } }> };
    for (const [path, item] of Object.entries<Record<string, Operation>>(doc.paths)) {
      if (!/^\/api\/v2\/(clients|client-grants|connections|resource-servers|keys\/signing|keys\/custom-signing|tenants\/settings|branding)\b/.test(path)) continue;
      for (const [method, operation] of Object.entries(item)) {
        const described = Object.entries(operation.responses).some(([status, response]) => status === '204' || response.content?.['application/json']?.schema !== undefined);
        expect(described, `${method} ${path}`).toBe(true);
      }
    }
  });
});
