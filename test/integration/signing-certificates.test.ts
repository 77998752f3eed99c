/**
 * The application signing certificate in every format Auth0 hands it out, checked with OpenSSL:
 * the public downloads `/pem`, `/rawpem`, `/cer`, `/pb7` and `/fingerprint` (no token, every tenant
 * host, also `/{format}/{client_id}`), `GET /api/v2/keys/signing/{kid}` (PEM, PKCS#7, fingerprint and
 * thumbprint) and `signing_keys` on the application object, read through the v7 SDK over HTTPS.
 *
 * @storage-neutral (certificate encodings checked with OpenSSL): runs on SQLite only (test/support/suite-plan.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';

const run = promisify(execFile);
let tls: TlsTestServer;
let dir: string;

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  dir = await mkdtemp(join(tmpdir(), 'tessera-certs-'));
});
afterAll(async () => {
  await tls?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const download = (path: string) => tls.caFetch(`https://${tls.hostOf('dev')}${path}`);

/** Runs openssl on `contents` saved as `name`; returns its standard output. */
async function openssl(name: string, contents: string | Buffer, ...args: string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, contents);
  return (await run('openssl', [...args, '-in', file])).stdout;
}

const fingerprintIn = (output: string): string => /Fingerprint=([0-9A-F:]+)/i.exec(output)![1]!;
/** The base64 body of the first certificate in PEM text, whitespace removed. */
const certificateBody = (pem: string): string => /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/.exec(pem)![1]!.replace(/\s/g, '');

describe('public certificate downloads', () => {
  it('are the current signing key’s certificate in each format, as OpenSSL reads them', async () => {
    const current = (await tls.v7('dev').keys.signing.list()).find((key) => key.current)!;

    const pem = await download('/pem');
    expect(pem.status).toBe(200);
    expect(pem.headers.get('content-type')).toBe('application/x-pem-file');
    expect(pem.headers.get('content-disposition')).toBe('attachment; filename="dev.pem"');
    const pemText = await pem.text();
    expect(pemText).toBe(current.cert);
    const x509 = await openssl('dev.pem', pemText, 'x509', '-noout', '-subject', '-fingerprint', '-sha1');
    expect(x509).toMatch(/subject=\s*CN\s*=\s*dev\.localhost/);
    expect(fingerprintIn(x509)).toBe(current.fingerprint);
    expect(current.thumbprint).toBe(current.fingerprint!.replaceAll(':', ''));

    const raw = await download('/rawpem');
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(raw.headers.get('content-disposition')).toBeNull();
    expect(await raw.text()).toBe(pemText);

    const cer = await download('/cer');
    expect(cer.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    expect(cer.headers.get('content-disposition')).toBe('attachment; filename="dev.cer"');
    const der = Buffer.from(await cer.arrayBuffer());
    expect(der.toString('base64')).toBe(certificateBody(pemText));
    expect(fingerprintIn(await openssl('dev.cer', der, 'x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha1'))).toBe(current.fingerprint);

    const pb7 = await download('/pb7');
    expect(pb7.headers.get('content-type')).toBe('application/x-pkcs7-certificates');
    const pkcs7 = await pb7.text();
    expect(pkcs7).toBe(current.pkcs7);
    expect(certificateBody(await openssl('dev.p7b', pkcs7, 'pkcs7', '-inform', 'PEM', '-print_certs'))).toBe(certificateBody(pemText));

    const fingerprint = await download('/fingerprint');
    expect(fingerprint.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await fingerprint.text()).trim()).toBe(current.fingerprint);

    // The JWKS publishes the same certificate for the same key.
    const jwks = (await (await download('/.well-known/jwks.json')).json()) as { keys: Array<{ kid: string; x5c: string[] }> };
    expect(jwks.keys.find((k) => k.kid === current.kid)!.x5c[0]).toBe(certificateBody(pemText));
  });

  it('name an application by client id (unknown: 404), refuse the connection certificate, ignore other parameters', async () => {
    const pemText = await (await download('/pem')).text();
    const clientId = tls.server.bootstrapOf('dev').client_id;
    for (const format of ['pem', 'rawpem']) expect(await (await download(`/${format}/${clientId}`)).text()).toBe(pemText);
    expect((await download(`/cer/${clientId}`)).status).toBe(200);

    const unknown = await download('/cer/no-such-client');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
    const connection = await download('/pem?cert=connection');
    expect(connection.status).toBe(404);
    expect(await connection.json()).toMatchObject({ error: 'not_found', error_description: expect.stringContaining('connection signing certificate') });
    expect(await (await download('/pem?connection=Username-Password-Authentication')).text()).toBe(pemText);
    expect((await download(`/pem/${'x'.repeat(65)}`)).status).toBe(400);
  });
});

describe('the Management API', () => {
  it('GET /keys/signing/{kid}: PEM, PKCS#7, fingerprint and thumbprint of every key agree with OpenSSL', async () => {
    const management = tls.v7('dev');
    for (const listed of await management.keys.signing.list()) {
      const key = await management.keys.signing.get(listed.kid);
      const x509 = await openssl(`${key.kid}.pem`, key.cert, 'x509', '-noout', '-fingerprint', '-sha1');
      expect(fingerprintIn(x509)).toBe(key.fingerprint);
      expect(key.thumbprint).toBe(key.fingerprint!.replaceAll(':', ''));
      const printed = await openssl(`${key.kid}.p7b`, key.pkcs7!, 'pkcs7', '-inform', 'PEM', '-print_certs');
      expect(certificateBody(printed)).toBe(certificateBody(key.cert));
    }
  });

  it('answers applications with signing_keys as Auth0 does: the application signing certificate', async () => {
    const management = tls.v7('dev');
    const pemText = await (await download('/pem')).text();
    const pkcs7 = await (await download('/pb7')).text();
    const expected = [{ cert: pemText, pkcs7, subject: '/CN=dev.localhost' }];

    const created = await management.clients.create({ name: 'Certificate Reader', app_type: 'regular_web' });
    expect(created.signing_keys).toEqual(expected);
    expect((await management.clients.get(created.client_id!)).signing_keys).toEqual(expected);
    const page = await management.clients.list({ per_page: 100 });
    expect(page.data.find((c) => c.client_id === created.client_id)!.signing_keys).toEqual(expected);
    expect(await management.clients.get(created.client_id!, { fields: 'signing_keys', include_fields: true })).toEqual({ signing_keys: expected });
    expect((await management.clients.update(created.client_id!, { description: 'reads certificates' })).signing_keys).toEqual(expected);

    // signing_keys is read-only, as on Auth0.
    const token = await tls.tokenFor('dev');
    const refused = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${created.client_id}`, { signing_keys: [] });
    expect(refused.status).toBe(400);
  });

  it('after a rotation, every format follows the new current key', async () => {
    const management = tls.v7('dev');
    const before = await (await download('/pem')).text();
    const rotated = await management.keys.signing.rotate();
    const after = await (await download('/pem')).text();
    expect(after).not.toBe(before);
    expect(after).toBe(rotated.cert);
    const fingerprint = fingerprintIn(await openssl('rotated.pem', after, 'x509', '-noout', '-fingerprint', '-sha1'));
    expect((await (await download('/fingerprint')).text()).trim()).toBe(fingerprint);
    const client = await management.clients.get(tls.server.bootstrapOf('dev').client_id);
    expect(client.signing_keys?.[0]?.cert).toBe(after);
  });
});
