import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config/config.js';

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database).toMatchObject({ kind: 'sqlite' });
    expect((config.database as { file: string }).file).toMatch(/data\/tessera\.db$/);
    expect(config.baseDomain).toBe('localhost');
    expect(config.defaultTenant).toBe('dev');
    expect(config.trustProxy).toBe(false);
    expect(config.tls).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads the DNS servers that verify custom domains', () => {
    expect(loadConfig({}).dnsServers).toBeUndefined();
    expect(loadConfig({ TESSERA_DNS_SERVERS: '1.1.1.1, 127.0.0.1:5353,[::1]:53,2001:db8::1' }).dnsServers).toEqual(['1.1.1.1', '127.0.0.1:5353', '[::1]:53', '2001:db8::1']);
  });

  it('reads PostgreSQL URLs with an optional schema', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/tessera?schema=blue' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/tessera', schema: 'blue' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://x/db?schema=Bad-Name' }, 'DATABASE_URL'],
    [{ TLS_CERT_FILE: 'cert.pem' }, 'TLS_KEY_FILE'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ TESSERA_BASE_DOMAIN: 'not a domain' }, 'TESSERA_BASE_DOMAIN'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ TESSERA_BOOTSTRAP_CLIENT_ID: 'abcdefghijklmnopqrstuvwxyz' }, 'TESSERA_BOOTSTRAP_CLIENT_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TESSERA_DNS_SERVERS: 'dns.example.com' }, 'TESSERA_DNS_SERVERS'],
    [{ TESSERA_DNS_SERVERS: '1.1.1.1,999.1.1.1' }, 'TESSERA_DNS_SERVERS'],
    [{ TESSERA_DNS_SERVERS: '127.0.0.1:70000' }, 'TESSERA_DNS_SERVERS'],
  ])('rejects %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});
