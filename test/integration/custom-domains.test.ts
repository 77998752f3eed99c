/**
 * Custom domains over real TLS with the official v7 SDK (`management.customDomains`): create, list,
 * get, update the metadata, verify against a DNS server the spawned server is pointed at
 * (TESSERA_DNS_SERVERS), delete; Auth0's errors as the SDK surfaces them; and `tessera tenants
 * add-domain` creating a ready domain through the same service. (Which hosts serve the tenant:
 * test/in-process/custom-domains.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementError } from 'auth0';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';
import { startTxtDnsServer, type TxtDnsServer } from '../support/txt-dns-server.js';

let tls: TlsTestServer;
let dns: TxtDnsServer;

beforeAll(async () => {
  dns = await startTxtDnsServer();
  tls = await startTlsServer(['dev'], { env: { TESSERA_DNS_SERVERS: dns.address } });
});
afterAll(async () => {
  await tls?.close();
  await dns?.close();
});

describe('custom domains with the v7 SDK', () => {
  it('creates, lists, gets, updates, verifies and deletes a domain', async () => {
    const management = tls.v7('dev');
    const created = await management.customDomains.create({ domain: 'auth.shop.example', type: 'self_managed_certs', domain_metadata: { public_brand: 'shop' } });
    expect(created).toMatchObject({ domain: 'auth.shop.example', status: 'pending_verification', type: 'self_managed_certs', primary: false, tls_policy: 'recommended', domain_metadata: { public_brand: 'shop' } });
    const id = created.custom_domain_id;
    const [method] = created.verification.methods ?? [];
    expect(method).toMatchObject({ name: 'txt', domain: '_cf-custom-hostname.auth.shop.example' });

    expect((await management.customDomains.list()).map((d) => d.custom_domain_id)).toEqual([id]);
    expect((await management.customDomains.get(id)).domain).toBe('auth.shop.example');
    const updated = await management.customDomains.update(id, { domain_metadata: { public_brand: null, region: 'eu' } });
    expect(updated.domain_metadata).toEqual({ region: 'eu' });

    expect((await management.customDomains.verify(id)).status).toBe('pending_verification');
    dns.records.set('_cf-custom-hostname.auth.shop.example', [method!.record]);
    const verified = await management.customDomains.verify(id);
    expect(verified).toMatchObject({ status: 'ready', verification: { status: 'verified' } });
    expect((await management.customDomains.get(id)).status).toBe('ready');

    await management.customDomains.delete(id);
    const gone = await thrown(management.customDomains.get(id));
    expect(gone).toBeInstanceOf(ManagementError);
    expect(gone.statusCode).toBe(404);
  });

  it("surfaces Auth0's errors: managed certificates and a taken domain", async () => {
    const management = tls.v7('dev');
    const managed = await thrown(management.customDomains.create({ domain: 'managed.shop.example', type: 'auth0_managed_certs' }));
    expect(managed).toBeInstanceOf(ManagementError);
    expect(managed.statusCode).toBe(400);
    expect(managed.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    expect(managed.body.message).toContain('auth0_managed_certs');

    await management.customDomains.create({ domain: 'twice.shop.example', type: 'self_managed_certs' });
    const taken = await thrown(management.customDomains.create({ domain: 'twice.shop.example', type: 'self_managed_certs' }));
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toMatchObject({ errorCode: 'domain_taken' });
  });

  it('tessera tenants add-domain registers a ready domain the API lists', async () => {
    const output = await tls.server.cli('tenants', 'add-domain', 'dev', 'cli.shop.example');
    expect(output).toMatch(/^cli\.shop\.example now serves tenant dev \(custom domain cd_[A-Za-z0-9]{16}\)\.$/m);
    const listed = (await tls.v7('dev').customDomains.list()).find((d) => d.domain === 'cli.shop.example');
    expect(listed).toMatchObject({ status: 'ready', type: 'self_managed_certs', verification: { status: 'verified' } });
  });
});
