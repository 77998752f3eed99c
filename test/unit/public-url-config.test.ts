/** Finding 2 of issue 11: TESSERA_PUBLIC_URL, the public origin that fixes every tenant's scheme and port. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { PublicOrigin } from '../../src/domain/tenants/public-origin.js';
import { proxyWarnings } from '../../src/cli/start-warnings.js';

describe('finding 2: TESSERA_PUBLIC_URL', () => {
  it('defaults to the server own scheme and port, without default ports', () => {
    expect(loadConfig({}).publicUrl).toEqual({ scheme: 'http', port: 4000, derived: true });
    expect(loadConfig({ PORT: '80' }).publicUrl).toEqual({ scheme: 'http', derived: true });
    expect(loadConfig({ PORT: '443', TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem' }).publicUrl).toEqual({ scheme: 'https', derived: true });
    expect(loadConfig({ PORT: '8443', TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem' }).publicUrl).toEqual({ scheme: 'https', port: 8443, derived: true });
    // PORT=0: the port the server is given when it listens.
    expect(loadConfig({ PORT: '0' }).publicUrl).toEqual({ scheme: 'http', portFromListener: true, derived: true });
  });

  it('warns at start behind a proxy without TESSERA_PUBLIC_URL (scheme and port no longer come from X-Forwarded-*)', () => {
    expect(proxyWarnings(loadConfig({ TRUST_PROXY: 'true' }))).toHaveLength(1);
    expect(proxyWarnings(loadConfig({ TRUST_PROXY: 'true', TESSERA_PUBLIC_URL: 'https://{tenant}.auth.example.com' }))).toEqual([]);
    expect(proxyWarnings(loadConfig({}))).toEqual([]);
  });

  it('reads a template and takes the base domain from it', () => {
    const config = loadConfig({ TESSERA_PUBLIC_URL: 'https://{tenant}.Auth.Example.com/' });
    expect(config.publicUrl).toEqual({ scheme: 'https' });
    expect(config.baseDomain).toBe('auth.example.com');
    expect(loadConfig({ TESSERA_PUBLIC_URL: 'https://{tenant}.localhost:4000', TESSERA_BASE_DOMAIN: 'localhost' }).publicUrl).toEqual({ scheme: 'https', port: 4000 });
    expect(loadConfig({ TESSERA_PUBLIC_URL: 'https://{tenant}.auth.example.com:443' }).publicUrl).toEqual({ scheme: 'https' });
    // Behind a TLS-terminating proxy the server speaks http on PORT; the public URL stays https without a port.
    expect(loadConfig({ PORT: '4000', TESSERA_PUBLIC_URL: 'https://{tenant}.auth.example.com' }).publicUrl).toEqual({ scheme: 'https' });
  });

  it.each([
    'auth.example.com',
    'https://auth.example.com',
    'ftp://{tenant}.auth.example.com',
    'https://{tenant}.auth.example.com/path',
    'https://{tenant}.auth.example.com?x=1',
    'https://{tenant}.auth.example.com:0',
    'https://{tenant}.auth.example.com:99999',
    'https://{tenant}.not a domain',
    'https://user@{tenant}.auth.example.com',
  ])('refuses %s naming TESSERA_PUBLIC_URL', (raw) => {
    expect(() => loadConfig({ TESSERA_PUBLIC_URL: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ TESSERA_PUBLIC_URL: raw })).toThrow('TESSERA_PUBLIC_URL');
  });

  it('refuses a template that disagrees with TESSERA_BASE_DOMAIN', () => {
    expect(() => loadConfig({ TESSERA_PUBLIC_URL: 'https://{tenant}.auth.example.com', TESSERA_BASE_DOMAIN: 'localhost' })).toThrow('TESSERA_PUBLIC_URL');
  });

  it('builds issuers and the Management API identifier from the configured scheme and port only', () => {
    const origin = new PublicOrigin({ scheme: 'https', port: 4000 }, 'localhost');
    expect(origin.issuerFor('Dev.localhost')).toBe('https://dev.localhost:4000/');
    expect(origin.managementApiIdentifier('dev')).toBe('https://dev.localhost:4000/api/v2/');
    const pending = new PublicOrigin({ scheme: 'http', portFromListener: true }, 'localhost');
    expect(pending.issuerFor('localhost')).toBe('http://localhost/');
    pending.bindListeningPort(51234);
    expect(pending.issuerFor('localhost')).toBe('http://localhost:51234/');
    pending.bindListeningPort(1);
    expect(pending.issuerFor('localhost')).toBe('http://localhost:51234/');
    // PORT=0: another instance's (or an earlier start's) port is still current; scheme and host are not.
    expect(pending.isCurrentManagementApiIdentifier('dev', 'http://dev.localhost:40000/api/v2/')).toBe(true);
    expect(pending.isCurrentManagementApiIdentifier('dev', 'https://dev.localhost:51234/api/v2/')).toBe(false);
    expect(origin.isCurrentManagementApiIdentifier('dev', 'https://dev.localhost/api/v2/')).toBe(false);
    expect(origin.isCurrentManagementApiIdentifier('dev', 'https://dev.localhost:4000/api/v2/')).toBe(true);
  });
});
