/**
 * Pure helpers of Settings and the global search: the certificate downloads (PEM → DER checked
 * against Node's own X.509 parser), key status and order, the field a Management API 400 names
 * (with the server's real messages), the tabs a role may open, the inverted flag switches, and the
 * users' search query (parsed by the server's own `q` parser, so typed text is never syntax).
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateFile, keyStatus, pemToDer, sortKeys } from '../../dashboard/src/lib/certificate.js';
import { fieldOfError } from '../../dashboard/src/lib/settings-errors.js';
import { allowedSettingsTabs } from '../../dashboard/src/lib/settings-tabs.js';
import { escapeSearchValue, filterByText, userSearchQuery } from '../../dashboard/src/lib/global-search.js';
import { flagShown, flagStored, MIGRATION_FLAGS, SETTINGS_FLAGS } from '../../dashboard/src/features/settings/advanced-options.js';
import { createSelfSignedCertificate } from '../../src/crypto/x509.js';
import { parseUserQuery } from '../../src/domain/users/user-search.js';
import { TENANT_FLAGS } from '../../src/domain/tenants/tenant-settings.js';
import { UNSUPPORTED_TENANT_SETTINGS } from '../../src/domain/unsupported-settings.js';
import { DASHBOARD_ROLES } from '../../src/domain/control-plane/dashboard-roles.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

async function certificatePem(): Promise<{ pem: string; der: Buffer }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return createSelfSignedCertificate({ privateKey, publicKey, commonName: 'dev.localhost' });
}

const key = (state: 'current' | 'next' | 'previous' | 'revoked', kid: string, revoked_at?: string) => ({
  kid,
  current: state === 'current',
  next: state === 'next',
  previous: state === 'previous',
  revoked: state === 'revoked',
  ...(revoked_at ? { revoked_at } : {}),
});

describe('certificate downloads', () => {
  it('turns the PEM certificate into the DER bytes Node parses as the same certificate', async () => {
    const { pem, der } = await certificatePem();
    const bytes = pemToDer(pem);
    expect(Buffer.from(bytes).equals(der)).toBe(true);
    expect(new X509Certificate(Buffer.from(bytes)).subject).toBe('CN=dev.localhost');
    // CRLF line ends and surrounding text change nothing.
    expect(Buffer.from(pemToDer(`junk\r\n${pem.replace(/\n/g, '\r\n')}trailer`)).equals(der)).toBe(true);
  });

  it('refuses text that is no PEM certificate', () => {
    expect(() => pemToDer('hello')).toThrow(/No CERTIFICATE PEM block/);
    expect(() => pemToDer('-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----')).toThrow(/not base64/);
    expect(() => pemToDer('-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----')).toThrow(/No CERTIFICATE/);
  });

  it('names the files by kid, with the format each download takes', async () => {
    const { pem, der } = await certificatePem();
    const signing = { kid: 'aB-_9', cert: pem, pkcs7: '-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----\n' };
    expect(certificateFile(signing, 'pem')).toEqual({ name: 'aB-_9.pem', type: 'application/x-pem-file', content: pem });
    const cer = certificateFile(signing, 'cer');
    expect(cer.name).toBe('aB-_9.cer');
    expect(Buffer.from(cer.content as Uint8Array).equals(der)).toBe(true);
    expect(certificateFile(signing, 'p7b')).toMatchObject({ name: 'aB-_9.p7b', content: signing.pkcs7 });
    expect(certificateFile({ ...signing, kid: '../x/y' }, 'pem').name).toBe('___x_y.pem');
  });

  it('orders keys next, current, previous, then revoked (latest revocation first)', () => {
    const keys = [key('revoked', 'r1', '2026-01-01T00:00:00Z'), key('previous', 'p'), key('current', 'c'), key('revoked', 'r2', '2026-02-01T00:00:00Z'), key('next', 'n')];
    expect(sortKeys(keys).map((k) => k.kid)).toEqual(['n', 'c', 'p', 'r2', 'r1']);
    expect(keys.map(keyStatus)).toEqual(['revoked', 'previous', 'current', 'revoked', 'next']);
  });
});

describe('the field a 400 names', () => {
  const fields = ['picture_url', 'support_email', 'default_directory', 'session_lifetime', 'idle_session_lifetime', 'flags'];
  it('reads the schema errors’ "on property" and the rules’ leading field name', () => {
    expect(fieldOfError(`Payload validation error: 'must match format "uri"' on property picture_url.`, fields)).toBe('picture_url');
    expect(fieldOfError(`Payload validation error: 'must match format "email"' on property support_email.`, fields)).toBe('support_email');
    expect(fieldOfError('Payload validation error: default_directory: the connection "nope" does not exist.', fields)).toBe('default_directory');
    expect(fieldOfError('session_lifetime must be between 1 minute and 8760 hours.', fields)).toBe('session_lifetime');
    expect(fieldOfError('idle_session_lifetime must be between 1 minute and 2400 hours.', fields)).toBe('idle_session_lifetime');
    expect(fieldOfError(`Payload validation error: 'Expected type boolean but found type string' on property flags.enable_sso.`, fields)).toBe('flags');
  });
  it('names nothing when the message names no field of the form', () => {
    expect(fieldOfError('Insufficient scope, expected any of: update:tenant_settings', fields)).toBeUndefined();
    expect(fieldOfError(`Payload validation error: 'Additional properties not allowed: x' on property x.`, fields)).toBeUndefined();
    expect(fieldOfError(undefined, fields)).toBeUndefined();
  });
});

describe('Settings tabs', () => {
  const scopesOf = (id: string) => new Set(DASHBOARD_ROLES.find((role) => role.id === id)!.scopes);
  it('follow the roles: Admin all four, Viewer – Config the read-only three, Viewer – Users none', () => {
    expect(allowedSettingsTabs(scopesOf('admin'), true).map((t) => t.key)).toEqual(['general', 'advanced', 'signing-keys', 'members']);
    expect(allowedSettingsTabs(scopesOf('viewer_config'), false).map((t) => t.key)).toEqual(['general', 'advanced', 'signing-keys']);
    expect(allowedSettingsTabs(scopesOf('viewer_users'), false)).toEqual([]);
    expect(allowedSettingsTabs(scopesOf('support_access'), false)).toEqual([]);
  });
});

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('Advanced flags', () => {
  const offered = [...SETTINGS_FLAGS, ...MIGRATION_FLAGS];
  it('offers only flags the API accepts in both positions and the server reads somewhere', () => {
    const readers = sources('src')
      .filter((path) => !/tenant-settings\.ts$|unsupported-settings\.ts$/.test(path))
      .map((path) => readFileSync(path, 'utf8'))
      .join('\n');
    for (const option of offered) {
      expect(TENANT_FLAGS as readonly string[]).toContain(option.flag);
      for (const value of [true, false]) {
        const refused = UNSUPPORTED_TENANT_SETTINGS.some((s) => s.path === `flags.${option.flag}` && !s.isOff(value));
        expect(refused, `${option.flag}=${value}`).toBe(false);
      }
      expect(readers, option.flag).toMatch(new RegExp(`flags\\.${option.flag}\\b`));
    }
  });
  it('shows an inverted flag as the docs phrase it and stores it back', () => {
    const generic = SETTINGS_FLAGS.find((f) => f.flag === 'enable_public_signup_user_exists_error')!;
    expect(flagShown(generic, true)).toBe(false);
    expect(flagShown(generic, undefined)).toBe(false);
    expect(flagStored(generic, true)).toBe(false);
    const connections = SETTINGS_FLAGS.find((f) => f.flag === 'enable_client_connections')!;
    expect(flagShown(connections, undefined)).toBe(true);
    expect(flagStored(connections, false)).toBe(false);
  });
});

describe('global search', () => {
  it('searches users whose name or email contains the text, typed characters never being syntax', () => {
    expect(userSearchQuery('ad')).toBe('name:*ad* OR email:*ad*');
    expect(userSearchQuery(' a ')).toBeUndefined();
    const q = userSearchQuery('ada@example.com')!;
    expect(parseUserQuery(q)).toEqual({
      kind: 'or',
      items: [
        { kind: 'text', field: 'name', pattern: '*ada@example.com*' },
        { kind: 'text', field: 'email', pattern: '*ada@example.com*' },
      ],
    });
    const hostile = 'x OR (user_id:"a") AND -name:b]';
    expect(parseUserQuery(userSearchQuery(hostile))).toEqual({
      kind: 'or',
      items: [
        { kind: 'text', field: 'name', pattern: `*${hostile}*` },
        { kind: 'text', field: 'email', pattern: `*${hostile}*` },
      ],
    });
    expect(escapeSearchValue('Zoë 1')).toBe('Zoë\\ 1');
  });

  it('filters lists by any text, prefix matches first, at most five', () => {
    const apps = ['Shop backend', 'My Shop', 'Admin', 'shopping', 'Workshop', 'Shop 2', 'Shop 3', 'Shop 4'].map((name, i) => ({ name, id: `id${i}` }));
    expect(filterByText(apps, 'shop', (a) => [a.name]).map((a) => a.name)).toEqual(['Shop backend', 'shopping', 'Shop 2', 'Shop 3', 'Shop 4']);
    expect(filterByText(apps, 'id2', (a) => [a.name, a.id]).map((a) => a.name)).toEqual(['Admin']);
    expect(filterByText(apps, 's', (a) => [a.name])).toEqual([]);
  });
});

describe('a cleared Default Directory', () => {
  it('logs in with the default database connection, as an unset one does', async () => {
    const { connectionNameOf } = await import('../../src/login/form.js');
    type Tenant = Parameters<typeof connectionNameOf>[0];
    type Request = Parameters<typeof connectionNameOf>[1];
    const tenantWith = (default_directory: string | undefined) => ({ settings: { default_directory } }) as unknown as Tenant;
    const noConnection = {} as Request;
    expect(connectionNameOf(tenantWith(''), noConnection)).toBe('Username-Password-Authentication');
    expect(connectionNameOf(tenantWith(undefined), noConnection)).toBe('Username-Password-Authentication');
    expect(connectionNameOf(tenantWith('corp-db'), noConnection)).toBe('corp-db');
    expect(connectionNameOf(tenantWith('corp-db'), { connection: 'other' } as Request)).toBe('other');
  });
});
