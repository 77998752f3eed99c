/**
 * `/api/v2/custom-domains` (domain/tenants/custom-domains.ts): Auth0's shapes and errors, DNS TXT
 * verification through a local DNS server (TESSERA_DNS_SERVERS), and the rule that only a ready
 * domain serves its tenant, checked with requests carrying the domain as their Host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { startTxtDnsServer, type TxtDnsServer } from '../support/txt-dns-server.js';

let server: InProcessServer;
let dns: TxtDnsServer;
let token: string;

beforeAll(async () => {
  dns = await startTxtDnsServer();
  server = await startInProcess({ env: { TESSERA_DNS_SERVERS: dns.address } });
  await server.createTenant('acme');
  token = await server.tokenFor('dev');
});
afterAll(async () => {
  await server?.close();
  await dns?.close();
});

const api = (method: string, path: string, body?: unknown, tenant = 'dev', bearer = token) => server.api(tenant, bearer, method, `/api/v2${path}`, body);
/** The discovery document as served on `host`: 404 when the host serves no tenant. */
const discoveryOn = async (host: string) => {
  const res = await server.fetch(`https://${host}/.well-known/openid-configuration`);
  return { status: res.status, issuer: res.status === 200 ? ((await res.json()) as { issuer: string }).issuer : undefined };
};

describe('custom domains', () => {
  it('creates a pending domain that serves nothing until its TXT record is verified', async () => {
    const created = await api('POST', '/custom-domains', { domain: 'Login.Example.COM', type: 'self_managed_certs', domain_metadata: { region: 'eu' } });
    expect(created.status).toBe(201);
    const id = created.body.custom_domain_id;
    expect(id).toMatch(/^cd_[A-Za-z0-9]{16}$/);
    const record = created.body.verification.methods[0].record;
    expect(created.body).toEqual({
      custom_domain_id: id,
      domain: 'login.example.com',
      primary: false,
      status: 'pending_verification',
      type: 'self_managed_certs',
      verification: { methods: [{ name: 'txt', record, domain: '_cf-custom-hostname.login.example.com' }], status: 'pending' },
      custom_client_ip_header: null,
      tls_policy: 'recommended',
      domain_metadata: { region: 'eu' },
    });
    expect(record).toMatch(/^tessera-domain-verification=[A-Za-z0-9_-]{32}$/);
    expect(await discoveryOn('login.example.com')).toEqual({ status: 404, issuer: undefined });

    // No record yet, then a wrong one: still pending, and the answer says what is missing.
    const missing = await api('POST', `/custom-domains/${id}/verify`);
    expect(missing.status).toBe(200);
    expect(missing.body.status).toBe('pending_verification');
    expect(missing.body.verification.error_msg).toContain('_cf-custom-hostname.login.example.com');
    dns.records.set('_cf-custom-hostname.login.example.com', ['tessera-domain-verification=someone-else']);
    expect((await api('POST', `/custom-domains/${id}/verify`)).body.status).toBe('pending_verification');
    expect(await discoveryOn('login.example.com')).toEqual({ status: 404, issuer: undefined });

    dns.records.set('_cf-custom-hostname.login.example.com', ['unrelated', record]);
    const verified = await api('POST', `/custom-domains/${id}/verify`);
    expect(verified.body).toMatchObject({ status: 'ready', verification: { status: 'verified', last_verified_at: expect.any(String) } });
    expect(verified.body.verification.error_msg).toBeUndefined();
    expect(dns.questions).toContain('_cf-custom-hostname.login.example.com');
    // The host now serves the tenant, with its own issuer.
    expect(await discoveryOn('login.example.com')).toEqual({ status: 200, issuer: 'https://login.example.com/' });
    const token = await server.postForm('dev', '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: server.bootstrap.client_id,
      client_secret: server.bootstrap.client_secret,
      audience: 'https://login.example.com/api/v2/',
    });
    expect(token.status).toBe(200);

    // Listed, read, metadata merged (null removes a key), then deleted: the host stops serving.
    expect((await api('GET', '/custom-domains')).body.map((d: { domain: string }) => d.domain)).toEqual(['login.example.com']);
    expect((await api('GET', '/custom-domains?fields=domain,status&include_fields=true')).body).toEqual([{ domain: 'login.example.com', status: 'ready' }]);
    expect((await api('GET', `/custom-domains/${id}`)).body.status).toBe('ready');
    const patched = await api('PATCH', `/custom-domains/${id}`, { domain_metadata: { region: null, public_app: 'shop' }, tls_policy: 'recommended' });
    expect(patched.status).toBe(200);
    expect(patched.body.domain_metadata).toEqual({ public_app: 'shop' });
    expect((await api('DELETE', `/custom-domains/${id}`)).status).toBe(204);
    expect(await discoveryOn('login.example.com')).toEqual({ status: 404, issuer: undefined });
    expect(await api('GET', `/custom-domains/${id}`)).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'The custom domain does not exist.', errorCode: 'inexistent_custom_domain' },
    });
  });

  it('refuses what Tessera cannot serve with 400s naming the field, and a taken domain with 409', async () => {
    const refused = async (body: unknown, pattern: RegExp, path = '/custom-domains', method = 'POST') => {
      const res = await api(method, path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toMatch(pattern);
    };
    await refused({ domain: 'login.example.net', type: 'auth0_managed_certs' }, /auth0_managed_certs.*not supported.*obtains no certificates/);
    for (const domain of ['not a domain', 'localhost', '10.0.0.1', 'https://login.example.net', '-bad.example.net', 'login.example.net.']) {
      await refused({ domain, type: 'self_managed_certs' }, /domain must be a DNS host name/);
    }
    await refused({ domain: 'shop.localhost', type: 'self_managed_certs' }, /under the base domain/);
    await refused({ domain: 'manage.localhost', type: 'self_managed_certs' }, /admin host|base domain/);
    await refused({ domain: 'login.example.net', type: 'self_managed_certs', tls_policy: 'compatible' }, /tls_policy/);
    await refused({ domain: 'login.example.net', type: 'self_managed_certs', custom_client_ip_header: 'x-real-ip' }, /custom_client_ip_header/);
    await refused({ domain: 'login.example.net', type: 'self_managed_certs', relying_party_identifier: 'example.net' }, /relying_party_identifier/);
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`key${i}`, 'v']));
    await refused({ domain: 'login.example.net', type: 'self_managed_certs', domain_metadata: eleven }, /domain_metadata/);
    await refused({ domain: 'login.example.net', type: 'self_managed_certs', domain_metadata: { long: 'x'.repeat(256) } }, /domain_metadata\.long must be a string of at most 255/);
    await refused({ domain: 'login.example.net', type: 'self_managed_certs', domain_metadata: { nested: { a: 1 } } }, /domain_metadata/);

    // null and '' ask for no header, as the SDKs and the Deploy CLI send them.
    const created = await api('POST', '/custom-domains', { domain: 'login.example.net', type: 'self_managed_certs', verification_method: 'txt', custom_client_ip_header: null, domain_metadata: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, 'v'])) });
    expect(created.status).toBe(201);
    const id = created.body.custom_domain_id;
    // Ten keys are the most; an eleventh added by a PATCH is refused, replacing one is not.
    await refused({ domain_metadata: { key10: 'v' } }, /domain_metadata can have at most 10 properties/, `/custom-domains/${id}`, 'PATCH');
    expect((await api('PATCH', `/custom-domains/${id}`, { domain_metadata: { key0: null, key10: 'v' }, custom_client_ip_header: '' })).status).toBe(200);
    await refused({ domain: 'other.example.net' }, /domain/, `/custom-domains/${id}`, 'PATCH');

    // The same host name, in any case, for this tenant or another: 409.
    const acmeToken = await server.tokenFor('acme');
    for (const [tenant, bearer] of [['dev', token], ['acme', acmeToken]] as const) {
      const taken = await api('POST', '/custom-domains', { domain: 'LOGIN.example.net', type: 'self_managed_certs' }, tenant, bearer);
      expect(taken).toEqual({ status: 409, body: { statusCode: 409, error: 'Conflict', message: 'The domain login.example.net is already registered.', errorCode: 'domain_taken' } });
    }
    // Another tenant's domain is not found by id, and cannot be changed, verified or deleted.
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/verify']] as const) {
      const res = await api(method, `/custom-domains/${id}${path}`, method === 'PATCH' ? { tls_policy: 'recommended' } : undefined, 'acme', acmeToken);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await api('GET', '/custom-domains', undefined, 'acme', acmeToken)).body).toEqual([]);
  });

  it("takes the client IP of requests on the domain from its custom_client_ip_header, behind a trusted proxy", async () => {
    const created = await api('POST', '/custom-domains', { domain: 'ip.example.com', type: 'self_managed_certs', custom_client_ip_header: 'cf-connecting-ip' });
    expect(created.body.custom_client_ip_header).toBe('cf-connecting-ip');
    const id = created.body.custom_domain_id;
    dns.records.set('_cf-custom-hostname.ip.example.com', [created.body.verification.methods[0].record]);
    expect((await api('POST', `/custom-domains/${id}/verify`)).body.status).toBe('ready');

    /** A client-credentials token request on `host` naming `ip` in cf-connecting-ip; its `seccft` log event shows the address counted. */
    const tokenRequestFrom = async (host: string, ip: string) => {
      const res = await server.fetch(`https://${host}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': ip },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: server.bootstrap.client_id, client_secret: server.bootstrap.client_secret, audience: `https://${host}/api/v2/` }),
      });
      expect(res.status).toBe(200);
    };
    await tokenRequestFrom('ip.example.com', '203.0.113.7');
    // Another host of the tenant, and the same domain once the header is unset, do not read it.
    await tokenRequestFrom(server.hostOf('dev'), '203.0.113.8');
    expect((await api('PATCH', `/custom-domains/${id}`, { custom_client_ip_header: null })).body.custom_client_ip_header).toBeNull();
    await tokenRequestFrom('ip.example.com', '203.0.113.9');
    await server.drain();
    const ips = (await api('GET', '/logs?q=type:seccft&per_page=100')).body.map((e: { ip: string }) => e.ip);
    expect(ips).toContain('203.0.113.7');
    expect(ips).not.toContain('203.0.113.8');
    expect(ips).not.toContain('203.0.113.9');
  });

  it('refuses custom_client_ip_header on a server that trusts no proxy (TRUST_PROXY off)', async () => {
    const direct = await startInProcess({ env: { TRUST_PROXY: 'false' } });
    try {
      const bearer = await direct.tokenFor('dev');
      const res = await direct.api('dev', bearer, 'POST', '/api/v2/custom-domains', { domain: 'direct.example.com', type: 'self_managed_certs', custom_client_ip_header: 'true-client-ip' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^custom_client_ip_header needs TRUST_PROXY/);
      const accepted = await direct.api('dev', bearer, 'POST', '/api/v2/custom-domains', { domain: 'direct.example.com', type: 'self_managed_certs', custom_client_ip_header: null });
      expect(accepted.status).toBe(201);
      const patched = await direct.api('dev', bearer, 'PATCH', `/api/v2/custom-domains/${accepted.body.custom_domain_id}`, { custom_client_ip_header: 'x-forwarded-for' });
      expect(patched.status).toBe(400);
    } finally {
      await direct.close();
    }
  });

  it('asks for the custom_domains scopes', async () => {
    const readOnly = await server.tokenFor('dev', { scope: 'read:custom_domains' });
    expect((await api('GET', '/custom-domains', undefined, 'dev', readOnly)).status).toBe(200);
    const create = await api('POST', '/custom-domains', { domain: 'scoped.example.net', type: 'self_managed_certs' }, 'dev', readOnly);
    expect(create.status).toBe(403);
    expect(create.body.message).toContain('create:custom_domains');
  });

  it('serves a domain the operator adds (tessera tenants add-domain) at once, as ready', async () => {
    const added = await server.services.customDomains.addVerified('acme', 'id.acme.example');
    expect(added).toMatchObject({ domain: 'id.acme.example', status: 'ready', type: 'self_managed_certs' });
    expect(await discoveryOn('id.acme.example')).toEqual({ status: 200, issuer: 'https://id.acme.example/' });
    const acmeToken = await server.tokenFor('acme');
    expect((await api('GET', '/custom-domains', undefined, 'acme', acmeToken)).body).toEqual([added]);
  });

  it("refuses another tenant's mTLS alias: mtls.{x} when x is another tenant's domain, and x when mtls.{x} is (409 domain_taken)", async () => {
    await server.services.customDomains.addVerified('acme', 'sso.acme.example');
    const alias = await api('POST', '/custom-domains', { domain: 'mtls.sso.acme.example', type: 'self_managed_certs' });
    expect(alias.status).toBe(409);
    expect(alias.body).toMatchObject({ errorCode: 'domain_taken', message: "The domain mtls.sso.acme.example is the mTLS alias of another tenant's custom domain." });
    await server.services.customDomains.addVerified('acme', 'mtls.auth.acme.example');
    const base = await api('POST', '/custom-domains', { domain: 'auth.acme.example', type: 'self_managed_certs' });
    expect(base.status).toBe(409);
    expect(base.body.errorCode).toBe('domain_taken');
    // The tenant's own alias host is its own to register.
    expect((await server.services.customDomains.addVerified('acme', 'mtls.sso.acme.example')).domain).toBe('mtls.sso.acme.example');
  });
});
