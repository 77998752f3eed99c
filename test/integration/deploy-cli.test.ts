/**
 * Environments as code: Auth0's real Deploy CLI (`a0deploy`, pinned) against Tessera tenants over
 * TLS, as `auth0-overview__create-tenants__set-up-multiple-environments.md` tells a team to keep
 * development and production in step. The development tenant is configured through the Management
 * API; it is exported (YAML and directory formats), the YAML is turned into a template with keywords
 * for what differs per environment, imported into the production tenant, imported again (nothing
 * changes, even with AUTH0_ALLOW_DELETE), exported back (equal to the first export but for ids,
 * secrets and keyword values), and imported with AUTH0_ALLOW_DELETE after resources were removed from it.
 * Everything is checked through the Management API of the tenant written to. An application that
 * authenticates with Private Key JWT goes across too: the export names its credential (never key
 * material), the template adds the public key's PEM as a keyword, and the import creates and
 * associates it in production, where the application then gets a token with an assertion.
 *
 * It runs on both databases: one CLI process serves the whole file, so the CLI's own schema compile
 * (some 35 s of CPU) is paid once per file rather than once per import (apps/deploy-cli-runner.cjs).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump as dumpYaml, load as loadYaml } from 'js-yaml';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { a0deploy, closeDeployCli, exportFolder, exportYaml } from '../support/deploy-cli.js';

let tls: TlsTestServer;
const tokens: Record<string, string> = {};
const folders: Array<{ cleanup(): Promise<void> }> = [];

/** Management API call on a tenant; fails the test on an error status. */
async function api(tenant: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await tls.api(tenant, tokens[tenant]!, method, path, body);
  if (res.status >= 400) throw new Error(`${method} ${path} on ${tenant}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const DEV_APP = 'https://app.dev.example.com';
const PROD_APP = 'https://app.prod.example.com';
/** Each environment's custom domain (a host name belongs to one tenant only, so it is a keyword too). */
const DEV_LOGIN = 'login.dev.example.com';
const PROD_LOGIN = 'login.prod.example.com';

/** The key pair of the application that authenticates with Private Key JWT (the team keeps the private key). */
const ledgerKeys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
/** The Orders API's JWE key pair (the API keeps the private key; the tenant holds the public one). */
const ordersJweKeys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

/** The development tenant, configured as a team would through the Dashboard or the Management API. */
async function configureDevelopment(): Promise<void> {
  const orders = await api('dev', 'POST', '/api/v2/resource-servers', {
    name: 'Orders API',
    identifier: 'https://orders.example.com/',
    scopes: [
      { value: 'read:orders', description: 'Read orders' },
      { value: 'write:orders', description: 'Write orders' },
    ],
    signing_alg: 'RS256',
    token_lifetime: 3600,
    allow_offline_access: true,
    skip_consent_for_verifiable_first_party_clients: true,
    token_encryption: { format: 'compact-nested-jwe', encryption_key: { name: 'orders-jwe', alg: 'RSA-OAEP-256', kid: 'orders-jwe-1', pem: ordersJweKeys.publicKey } },
  });
  const storefront = await api('dev', 'POST', '/api/v2/clients', {
    name: 'Storefront',
    app_type: 'spa',
    callbacks: [`${DEV_APP}/callback`],
    allowed_logout_urls: [DEV_APP],
    web_origins: [DEV_APP],
    allowed_origins: [DEV_APP],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 1800 },
    refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', token_lifetime: 86400, idle_token_lifetime: 43200, infinite_token_lifetime: false, infinite_idle_token_lifetime: false, leeway: 0 },
    client_metadata: { team: 'web' },
  });
  // Native app links (mobile.ios / mobile.android) survive the round trip too.
  await api('dev', 'POST', '/api/v2/clients', {
    name: 'Phone app',
    app_type: 'native',
    callbacks: ['com.example.phone://callback'],
    mobile: {
      ios: { team_id: 'ABCDE12345', app_bundle_identifier: 'com.example.phone' },
      android: { app_package_name: 'com.example.phone', sha256_cert_fingerprints: ['14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5'] },
    },
  });
  // A CIBA application and its notification channel survive the round trip too.
  await api('dev', 'POST', '/api/v2/clients', { name: 'Payments agent', app_type: 'regular_web', grant_types: ['urn:openid:params:grant-type:ciba'], async_approval_notification_channels: ['email'] });
  const worker = await api('dev', 'POST', '/api/v2/clients', { name: 'Billing worker', app_type: 'non_interactive', grant_types: ['client_credentials'], description: 'Nightly billing' });
  await api('dev', 'POST', '/api/v2/client-grants', { client_id: worker.client_id, audience: orders.identifier, scope: ['read:orders'] });
  const ledger = await api('dev', 'POST', '/api/v2/clients', { name: 'Ledger sync', app_type: 'non_interactive', grant_types: ['client_credentials'] });
  await api('dev', 'POST', '/api/v2/client-grants', { client_id: ledger.client_id, audience: orders.identifier, scope: ['read:orders'] });
  const credential = await api('dev', 'POST', `/api/v2/clients/${ledger.client_id}/credentials`, { credential_type: 'public_key', name: 'ledger-key', pem: ledgerKeys.publicKey, alg: 'RS256' });
  await api('dev', 'PATCH', `/api/v2/clients/${ledger.client_id}`, { token_endpoint_auth_method: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: credential.id }] } } });
  await api('dev', 'POST', '/api/v2/connections', {
    name: 'customers',
    strategy: 'auth0',
    enabled_clients: [storefront.client_id],
    options: { passwordPolicy: 'good', password_history: { enable: true, size: 5 }, brute_force_protection: true, requires_username: false, disable_signup: false },
  });
  await api('dev', 'POST', '/api/v2/connections', {
    name: 'email',
    strategy: 'email',
    enabled_clients: [storefront.client_id],
    options: { otp_length: 6, otp_expiration: 300, disable_signup: false, brute_force_protection: true },
  });
  const role = await api('dev', 'POST', '/api/v2/roles', { name: 'Order admin', description: 'Manages orders' });
  await api('dev', 'POST', `/api/v2/roles/${role.id}/permissions`, {
    permissions: [
      { resource_server_identifier: orders.identifier, permission_name: 'read:orders' },
      { resource_server_identifier: orders.identifier, permission_name: 'write:orders' },
    ],
  });
  await api('dev', 'PATCH', '/api/v2/tenants/settings', { friendly_name: DEV_NAME, support_email: 'support@example.com', allowed_logout_urls: [DEV_APP], session_lifetime: 72, idle_session_lifetime: 24 });
  await api('dev', 'PATCH', '/api/v2/branding', { colors: { primary: '#0059d6', page_background: '#101820' }, logo_url: 'https://cdn.example.com/logo.png' });
  await api('dev', 'PATCH', '/api/v2/attack-protection/brute-force-protection', { max_attempts: 5 });
  await api('dev', 'PATCH', '/api/v2/attack-protection/breached-password-detection', { enabled: true, shields: ['block'] });
  await api('dev', 'POST', '/api/v2/custom-domains', { domain: DEV_LOGIN, type: 'self_managed_certs', domain_metadata: { public_brand: 'shop' } });
}

/** A tenant's custom domains without what is drawn per tenant (id, verification token). */
const withoutVerification = (domains: any[]) => domains.map(({ custom_domain_id, verification, ...domain }) => domain);

/** What a tenant holds, as the Management API answers it, without ids, secrets and timestamps: two tenants configured alike compare equal. */
async function snapshot(tenant: string): Promise<Record<string, unknown>> {
  const clients = (await api(tenant, 'GET', '/api/v2/clients?per_page=100')) as any[];
  const nameOf = new Map(clients.map((client) => [client.client_id, client.name]));
  const userClients = clients.filter((client) => client.client_id !== tls.server.bootstrapOf(tenant).client_id && !client.global);
  const strip = (object: any, ...keys: string[]) => Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
  const resourceServers = ((await api(tenant, 'GET', '/api/v2/resource-servers?per_page=100')) as any[]).filter((api) => !api.is_system);
  const grants = (await api(tenant, 'GET', '/api/v2/client-grants?per_page=100')) as any[];
  const connections = (await api(tenant, 'GET', '/api/v2/connections?per_page=100')) as any[];
  const roles = (await api(tenant, 'GET', '/api/v2/roles?per_page=100')) as any[];
  const sortBy = <T>(list: T[], key: (item: T) => string) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
  /** A client's credential references by name and type: ids are drawn per tenant. */
  const credentialsByName = async (client: any) => {
    if (!client.client_authentication_methods) return client;
    const credentials = (await api(tenant, 'GET', `/api/v2/clients/${client.client_id}/credentials`)) as any[];
    const described = new Map(credentials.map((c) => [c.id, { name: c.name, credential_type: c.credential_type, alg: c.alg, kid: c.kid }]));
    const methods = Object.fromEntries(
      Object.entries(client.client_authentication_methods as Record<string, { credentials: Array<{ id: string }> }>).map(([method, value]) => [method, value.credentials.map((c) => described.get(c.id))]),
    );
    return { ...client, client_authentication_methods: methods };
  };
  return {
    clients: sortBy(
      (await Promise.all(userClients.map(credentialsByName))).map((client) => strip(client, 'client_id', 'client_secret', 'signing_keys', 'tenant', 'created_at', 'updated_at')),
      (c: any) => c.name,
    ),
    resourceServers: sortBy(resourceServers.map((rs) => strip(rs, 'id', 'signing_secret', 'created_at', 'updated_at')), (r: any) => r.identifier),
    clientGrants: sortBy(
      grants.filter((grant) => nameOf.has(grant.client_id) && grant.client_id !== tls.server.bootstrapOf(tenant).client_id).map((grant) => ({ ...strip(grant, 'id', 'client_id'), client: nameOf.get(grant.client_id) })),
      (g: any) => `${g.client} ${g.audience}`,
    ),
    connections: sortBy(
      await Promise.all(
        connections.map(async (connection) => {
          const enabled = await api(tenant, 'GET', `/api/v2/connections/${connection.id}/clients`);
          return { ...strip(connection, 'id', 'enabled_clients', 'realms'), enabled_clients: enabled.clients.map((c: any) => nameOf.get(c.client_id)).sort() };
        }),
      ),
      (c: any) => c.name,
    ),
    roles: sortBy(
      await Promise.all(roles.map(async (role) => ({ ...strip(role, 'id'), permissions: (await api(tenant, 'GET', `/api/v2/roles/${role.id}/permissions`)).map((p: any) => `${p.resource_server_identifier} ${p.permission_name}`).sort() }))),
      (r: any) => r.name,
    ),
    customDomains: withoutVerification(await api(tenant, 'GET', '/api/v2/custom-domains')),
    tenant: await api(tenant, 'GET', '/api/v2/tenants/settings'),
    branding: await api(tenant, 'GET', '/api/v2/branding'),
    attackProtection: {
      bruteForce: await api(tenant, 'GET', '/api/v2/attack-protection/brute-force-protection'),
      suspiciousIp: await api(tenant, 'GET', '/api/v2/attack-protection/suspicious-ip-throttling'),
      breachedPassword: await api(tenant, 'GET', '/api/v2/attack-protection/breached-password-detection'),
    },
  };
}

async function newFolder(): Promise<string> {
  const folder = await exportFolder();
  folders.push(folder);
  return folder.path;
}

const DEV_NAME = 'Example Shop';
const PROD_NAME = 'Example Shop Production';

/** The export turned into an environment template: the development URLs and the tenant's name become keywords. */
const templateOf = (text: string) => text.replaceAll(DEV_APP, '##APP_URL##').replace(`friendly_name: ${DEV_NAME}`, 'friendly_name: ##SHOP_NAME##').replaceAll(DEV_LOGIN, '##LOGIN_DOMAIN##');
/**
 * The export names each credential and never holds key material; the Deploy CLI creates a credential
 * only from a `pem` in the file, so the template gets one as a keyword (`@@…@@`: a JSON string, which
 * keeps the PEM's line breaks in YAML).
 */
/** The same for an API's JWE key: exported with its thumbprint, never its pem (docs/deploy-cli.md). */
const withPems = (text: string) =>
  text
    .replace(/^(\s+)credential_type: public_key$/m, '$1credential_type: public_key\n$1pem: @@LEDGER_PEM@@')
    .replace(/^(\s+)thumbprint_sha256: (.+)$/m, '$1thumbprint_sha256: $2\n$1pem: @@ORDERS_JWE_PEM@@');
const PROD_KEYWORDS = { AUTH0_KEYWORD_REPLACE_MAPPINGS: { APP_URL: PROD_APP, SHOP_NAME: PROD_NAME, LOGIN_DOMAIN: PROD_LOGIN, LEDGER_PEM: ledgerKeys.publicKey, ORDERS_JWE_PEM: ordersJweKeys.publicKey } };
/** A production value put back to its development one, so that the two tenants compare. */
const asDevelopment = (text: string) => text.replaceAll(PROD_APP, DEV_APP).replaceAll(PROD_NAME, DEV_NAME).replaceAll(PROD_LOGIN, DEV_LOGIN);

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'prod']);
  await tls.server.createTenant('prod');
  tokens.dev = await tls.tokenFor('dev');
  tokens.prod = await tls.tokenFor('prod');
  await configureDevelopment();
});
afterAll(async () => {
  await closeDeployCli();
  await Promise.all(folders.map((folder) => folder.cleanup()));
  await tls?.close();
});

// The CLI paces its own Management API calls (8 a second); the first import of the file also spends
// some 35 s of CPU compiling the CLI's own 8 MB JSON schema (apps/deploy-cli-runner.cjs).
describe('the Deploy CLI keeps two Tessera tenants in step', { timeout: 240_000 }, () => {
  let devExport: { tenant: Record<string, any>; text: string };
  /** The export's folder: it holds the files the YAML refers to (a passwordless connection's email body). */
  let devFolder: string;
  let template: string;
  let templateFile: string;

  it('exports a tenant as YAML with everything Tessera implements, skipping only the excluded resource types', async () => {
    devFolder = await newFolder();
    devExport = await exportYaml(devFolder, { tls, tenant: 'dev' });
    const exported = devExport.tenant;
    const byName = (list: any[], name: string) => list.find((item) => item.name === name);

    expect(byName(exported.clients, 'Storefront')).toMatchObject({ app_type: 'spa', callbacks: [`${DEV_APP}/callback`], web_origins: [DEV_APP], client_metadata: { team: 'web' }, jwt_configuration: { lifetime_in_seconds: 1800 } });
    expect(byName(exported.clients, 'Billing worker')).toMatchObject({ app_type: 'non_interactive', grant_types: ['client_credentials'] });
    expect(byName(exported.clients, 'Phone app').mobile).toEqual({ ios: { team_id: 'ABCDE12345', app_bundle_identifier: 'com.example.phone' }, android: { app_package_name: 'com.example.phone', sha256_cert_fingerprints: ['14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5'] } });
    // Every application is exported, the CLI's own included (an import never changes the application it runs as).
    expect(byName(exported.clients, 'Payments agent')).toMatchObject({ grant_types: ['urn:openid:params:grant-type:ciba'], async_approval_notification_channels: ['email'] });
    expect(exported.clients.map((client: any) => client.name).sort()).toEqual(['Billing worker', 'Ledger sync', 'Payments agent', 'Phone app', 'Storefront', 'Tessera Bootstrap (Management API)']);
    // A Private Key JWT credential is exported by name and type, never with key material.
    expect(byName(exported.clients, 'Ledger sync').client_authentication_methods).toEqual({ private_key_jwt: { credentials: [{ name: 'ledger-key', credential_type: 'public_key' }] } });
    expect(devExport.text).not.toContain('BEGIN PUBLIC KEY');
    expect(byName(exported.resourceServers, 'Orders API')).toMatchObject({ identifier: 'https://orders.example.com/', token_lifetime: 3600, allow_offline_access: true });
    // A JWE key by its name, algorithm, kid and thumbprint: the key itself stays in the tenant.
    expect(byName(exported.resourceServers, 'Orders API').token_encryption).toEqual({
      format: 'compact-nested-jwe',
      encryption_key: { name: 'orders-jwe', alg: 'RSA-OAEP-256', kid: 'orders-jwe-1', thumbprint_sha256: expect.any(String) },
    });
    // References are written as names, so that they resolve in another tenant.
    expect(exported.clientGrants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ client_id: 'Billing worker', audience: 'https://orders.example.com/', scope: ['read:orders'] }),
        expect.objectContaining({ client_id: 'Ledger sync', audience: 'https://orders.example.com/' }),
      ]),
    );
    expect(byName(exported.databases, 'customers')).toMatchObject({ strategy: 'auth0', enabled_clients: ['Storefront'], options: { passwordPolicy: 'good', password_history: { enable: true, size: 5 } } });
    expect(byName(exported.connections, 'email')).toMatchObject({ strategy: 'email', enabled_clients: ['Storefront'], options: { otp_length: 6 } });
    expect(byName(exported.roles, 'Order admin').permissions).toEqual(
      expect.arrayContaining([
        { permission_name: 'read:orders', resource_server_identifier: 'https://orders.example.com/' },
        { permission_name: 'write:orders', resource_server_identifier: 'https://orders.example.com/' },
      ]),
    );
    expect(exported.tenant).toMatchObject({ friendly_name: DEV_NAME, support_email: 'support@example.com', session_lifetime: 72 });
    expect(exported.branding).toMatchObject({ colors: { primary: '#0059d6', page_background: '#101820' }, logo_url: 'https://cdn.example.com/logo.png' });
    expect(exported.attackProtection.bruteForceProtection).toMatchObject({ max_attempts: 5 });
    expect(exported.attackProtection.breachedPasswordDetection).toMatchObject({ enabled: true, shields: ['block'] });
    // A custom domain goes across as Auth0's object (the target verifies it with its own TXT record).
    expect(exported.customDomains).toEqual([expect.objectContaining({ domain: DEV_LOGIN, type: 'self_managed_certs', status: 'pending_verification', domain_metadata: { public_brand: 'shop' } })]);
    // No secret leaves the tenant unless asked for (AUTH0_EXPORT_SECRETS).
    expect(devExport.text).not.toContain(byName(await api('dev', 'GET', '/api/v2/clients?per_page=100'), 'Billing worker').client_secret);
  });

  it('exports the directory format too', async () => {
    const folder = await newFolder();
    await a0deploy(['export', '--format', 'directory', '--output_folder', folder], { tls, tenant: 'dev' });
    expect((await readdir(join(folder, 'clients'))).sort()).toEqual(['Billing worker.json', 'Ledger sync.json', 'Payments agent.json', 'Phone app.json', 'Storefront.json', 'Tessera Bootstrap (Management API).json']);
    expect(JSON.parse(await readFile(join(folder, 'clients', 'Storefront.json'), 'utf8'))).toMatchObject({ name: 'Storefront', callbacks: [`${DEV_APP}/callback`] });
    expect(existsSync(join(folder, 'resource-servers', 'Orders API.json'))).toBe(true);
    expect(existsSync(join(folder, 'database-connections', 'customers', 'database.json'))).toBe(true);
    expect(JSON.parse(await readFile(join(folder, 'tenant.json'), 'utf8'))).toMatchObject({ friendly_name: DEV_NAME });
  });

  it('imports the template into another tenant, replacing the keywords, with the same fields', async () => {
    template = withPems(templateOf(devExport.text));
    expect(template).toContain('pem: @@LEDGER_PEM@@');
    expect(template).toContain('pem: @@ORDERS_JWE_PEM@@');
    expect(template).toContain('##APP_URL##/callback');
    expect(template).toContain('friendly_name: ##SHOP_NAME##');
    templateFile = join(devFolder, 'template.yaml');
    await writeFile(templateFile, template);
    await a0deploy(['import', '--input_file', templateFile], { tls, tenant: 'prod', config: PROD_KEYWORDS });

    const [dev, prod] = [await snapshot('dev'), await snapshot('prod')];
    // The production tenant is the development one with production URLs and name.
    expect(JSON.parse(asDevelopment(JSON.stringify(prod)))).toEqual(dev);
    const storefront = (prod.clients as any[]).find((client) => client.name === 'Storefront');
    expect(storefront.callbacks).toEqual([`${PROD_APP}/callback`]);
    expect((prod.tenant as any).friendly_name).toBe(PROD_NAME);
  });

  it('the imported Private Key JWT application authenticates in production with its key and no secret', async () => {
    const prodClients = (await api('prod', 'GET', '/api/v2/clients?per_page=100')) as any[];
    const ledger = prodClients.find((client) => client.name === 'Ledger sync');
    expect(ledger.token_endpoint_auth_method).toBeNull();
    const tokenEndpoint = `https://${tls.hostOf('prod')}/oauth/token`;
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(ledger.client_id)
      .setSubject(ledger.client_id)
      .setAudience(`https://${tls.hostOf('prod')}/`)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(await importPKCS8(ledgerKeys.privateKey, 'RS256'));
    const res = await tls.caFetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ledger.client_id,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        audience: 'https://orders.example.com/',
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { access_token: string }).access_token).toEqual(expect.any(String));
  });

  it('changes nothing when the same template is imported again, even with AUTH0_ALLOW_DELETE=true', async () => {
    const before = await snapshot('prod');
    await a0deploy(['import', '--input_file', templateFile], { tls, tenant: 'prod', config: { ...PROD_KEYWORDS, AUTH0_ALLOW_DELETE: true } });
    expect(await snapshot('prod')).toEqual(before);
  });

  it('exports the second tenant equal to the first but for the keyword values', async () => {
    const prodExport = await exportYaml(await newFolder(), { tls, tenant: 'prod' });
    // But for each custom domain's verification record, drawn by the tenant that holds it.
    const comparable = (tenant: any) => ({ ...tenant, customDomains: withoutVerification(tenant.customDomains) });
    expect(comparable(loadYaml(asDevelopment(prodExport.text)))).toEqual(comparable(devExport.tenant));
  });

  it('removes what the template no longer has with AUTH0_ALLOW_DELETE=true', async () => {
    // Parsed from the export, not the template: `##KEYWORD##` would start a YAML comment.
    const trimmed = structuredClone(devExport.tenant);
    trimmed.clients = trimmed.clients.filter((client: any) => client.name !== 'Billing worker');
    trimmed.clientGrants = [];
    trimmed.roles = [];
    const trimmedFile = join(devFolder, 'trimmed.yaml');
    await writeFile(trimmedFile, withPems(templateOf(dumpYaml(trimmed))));

    await a0deploy(['import', '--input_file', trimmedFile], { tls, tenant: 'prod', config: { ...PROD_KEYWORDS, AUTH0_ALLOW_DELETE: true } });
    const after = await snapshot('prod');
    expect((after.clients as any[]).map((client) => client.name)).toEqual(['Ledger sync', 'Payments agent', 'Phone app', 'Storefront']);
    expect(after.clientGrants).toEqual([]);
    expect(after.roles).toEqual([]);
    // What the template still has is untouched; the CLI's own application and the Management API stay.
    expect((after.resourceServers as any[]).map((rs) => rs.identifier)).toEqual(['https://orders.example.com/']);
    expect((await api('prod', 'GET', `/api/v2/clients/${tls.server.bootstrapOf('prod').client_id}`)).client_id).toBe(tls.server.bootstrapOf('prod').client_id);
  });

  it('imports the export back into its own tenant unchanged (the JWE key is kept: the answer sent back is no change)', async () => {
    const before = await snapshot('dev');
    const file = join(devFolder, 'tessera.yaml');
    await writeFile(file, devExport.text);
    await a0deploy(['import', '--input_file', file], { tls, tenant: 'dev' });
    expect(await snapshot('dev')).toEqual(before);
  });

  it('an import asking for the guardian-push CIBA channel fails with the 400 naming the field, and creates nothing', async () => {
    const file = join(devFolder, 'push.yaml');
    const pushAgent = { name: 'Push agent', app_type: 'regular_web', grant_types: ['urn:openid:params:grant-type:ciba'], async_approval_notification_channels: ['guardian-push'] };
    await writeFile(file, dumpYaml({ clients: [pushAgent] }));
    await expect(a0deploy(['import', '--input_file', file], { tls, tenant: 'prod' })).rejects.toThrow(/async_approval_notification_channels/);
    expect(((await api('prod', 'GET', '/api/v2/clients?per_page=100')) as any[]).map((client) => client.name)).not.toContain('Push agent');
  });
});
