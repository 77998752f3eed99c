import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import crypto, { type KeyObject } from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  createDevCertificateAuthority,
  createSelfSignedCertificate,
  fingerprintsOf,
  issueServerCertificate,
  pkcs7Of,
  x5tOf,
  x5tS256Of,
} from '../../src/crypto/x509.js';
import { devCertUsage, runDevCert } from '../../src/cli/dev-cert.js';

// Imported lazily: src/crypto/x509.js must install its Reflect shim before the library loads.
const peculiar = () => import('@peculiar/x509');

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
const sha = (alg: string, data: Buffer, enc: 'base64url' | 'hex') =>
  crypto.createHash(alg).update(data).digest(enc);

describe('createSelfSignedCertificate', () => {
  const cases = [
    ['RSA', () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }), 'RSASSA-PKCS1-v1_5'],
    ['EC P-256', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ECDSA'],
  ] as const;

  for (const [label, generate, signatureAlgorithm] of cases) {
    it(`issues a verifiable certificate for an ${label} key`, async () => {
      const { privateKey, publicKey } = generate();
      const { pem, der } = await createSelfSignedCertificate({
        privateKey,
        publicKey,
        commonName: 'dev.localhost',
      });
      const cert = new crypto.X509Certificate(pem);

      expect(cert.raw.equals(der)).toBe(true);
      expect(cert.subject).toBe('CN=dev.localhost');
      expect(cert.issuer).toBe('CN=dev.localhost');
      expect(spki(cert.publicKey).equals(spki(publicKey))).toBe(true);
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(cert.ca).toBe(false);
      const x509 = await peculiar();
      expect(new x509.X509Certificate(der).signatureAlgorithm).toMatchObject({
        name: signatureAlgorithm,
        hash: { name: 'SHA-256' },
      });

      const validDays = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
      expect(validDays).toBeGreaterThan(3649);
      expect(validDays).toBeLessThan(3651);
      expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(Date.now());
    });
  }

  it('honours validDays', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { pem } = await createSelfSignedCertificate({ privateKey, publicKey, commonName: 'x', validDays: 30 });
    const cert = new crypto.X509Certificate(pem);
    expect(Math.round((Date.parse(cert.validTo) - Date.now()) / 86_400_000)).toBe(30);
  });

  it('rejects a public key that does not belong to the private key', async () => {
    const a = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const b = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(
      createSelfSignedCertificate({ privateKey: a.privateKey, publicKey: b.publicKey, commonName: 'x' }),
    ).rejects.toThrow(/does not match/);
  });

  it('rejects curves other than P-256', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    await expect(createSelfSignedCertificate({ privateKey, publicKey, commonName: 'x' })).rejects.toThrow(
      /unsupported certificate key: ec \(secp384r1\)/,
    );
  });
});

describe('thumbprints and PKCS#7', () => {
  let der: Buffer;
  beforeAll(async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    ({ der } = await createSelfSignedCertificate({ privateKey, publicKey, commonName: 'tenant.example' }));
  });

  it('computes x5t and x5t#S256 over the DER bytes', () => {
    expect(x5tOf(der)).toBe(sha('sha1', der, 'base64url'));
    expect(x5tS256Of(der)).toBe(sha('sha256', der, 'base64url'));
    expect(x5tOf(der)).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(x5tS256Of(der)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('formats Auth0 fingerprint and thumbprint like Node does', () => {
    const { fingerprint, thumbprint } = fingerprintsOf(der);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(fingerprint).toBe(new crypto.X509Certificate(der).fingerprint);
    expect(thumbprint).toBe(sha('sha1', der, 'hex').toUpperCase());
    expect(thumbprint).toBe(fingerprint.replaceAll(':', ''));
  });

  it('wraps the certificate in a certs-only PKCS#7 that parses back to it', async () => {
    const pem = pkcs7Of(der);
    expect(pem).toMatch(/^-----BEGIN PKCS7-----\n[A-Za-z0-9+/=\n]+\n-----END PKCS7-----\n$/);
    const x509 = await peculiar();
    const certs = new x509.X509Certificates(pem);
    expect(certs).toHaveLength(1);
    expect(Buffer.from(certs[0]!.rawData).equals(der)).toBe(true);
    // Degenerate SignedData carries no content and no signers: ContentInfo + 47 bytes of framing.
    const body = Buffer.from(pem.replace(/-----[^-]+-----|\n/g, ''), 'base64');
    expect(body.length).toBe(der.length + 47);
    expect(body.subarray(-2).equals(Buffer.from([0x31, 0x00]))).toBe(true);
  });
});

describe('development CA and server certificate', () => {
  const dnsNames = ['tessera.localhost', '*.tessera.localhost', 'localhost', '*.localhost'];
  let ca: { certPem: string; keyPem: string };
  let server: { certPem: string; keyPem: string };
  let httpsServer: https.Server;
  let port: number;

  beforeAll(async () => {
    ca = await createDevCertificateAuthority();
    server = await issueServerCertificate({ ca, dnsNames });
    httpsServer = https.createServer({ cert: server.certPem, key: server.keyPem }, (_req, res) => {
      res.end('ok');
    });
    await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
    port = (httpsServer.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => httpsServer.close(resolve));
  });

  function get(options: https.RequestOptions): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, agent: false, ...options }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('makes a CA certificate restricted to signing certificates', async () => {
    const caCert = new crypto.X509Certificate(ca.certPem);
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=Tessera Development CA');
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(spki(crypto.createPublicKey(ca.keyPem)).equals(spki(caCert.publicKey))).toBe(true);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    const x509 = await peculiar();
    const parsed = new x509.X509Certificate(ca.certPem);
    const basic = parsed.getExtension(x509.BasicConstraintsExtension)!;
    expect([basic.ca, basic.critical, basic.pathLength]).toEqual([true, true, 0]);
    const usage = parsed.getExtension(x509.KeyUsagesExtension)!;
    expect(usage.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(usage.critical).toBe(true);
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
  });

  it('issues a server certificate chained to the CA with the expected extensions', async () => {
    const caCert = new crypto.X509Certificate(ca.certPem);
    const leaf = new crypto.X509Certificate(server.certPem);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toBe('CN=tessera.localhost');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // Node reports extKeyUsage here
    expect(leaf.subjectAltName).toBe(
      'DNS:tessera.localhost, DNS:*.tessera.localhost, DNS:localhost, DNS:*.localhost, ' +
        'IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(BigInt(`0x${leaf.serialNumber}`)).toBeGreaterThan(0n);
    const another = await issueServerCertificate({ ca, dnsNames });
    expect(new crypto.X509Certificate(another.certPem).serialNumber).not.toBe(leaf.serialNumber);
    const validDays = (Date.parse(leaf.validTo) - Date.now()) / 86_400_000;
    expect(Math.round(validDays)).toBe(825);

    const x509 = await peculiar();
    const parsed = new x509.X509Certificate(server.certPem);
    const usage = parsed.getExtension(x509.KeyUsagesExtension)!;
    expect(usage.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    const aki = parsed.getExtension(x509.AuthorityKeyIdentifierExtension)!;
    const caSki = new x509.X509Certificate(ca.certPem).getExtension(x509.SubjectKeyIdentifierExtension)!;
    expect(aki.keyId).toBe(caSki.keyId);
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
    expect(parsed.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(false);
  });

  it('is accepted by Node TLS for a wildcard subdomain when the CA is trusted', async () => {
    const servername = 'dev.tessera.localhost';
    await expect(get({ servername, ca: ca.certPem, headers: { host: servername } })).resolves.toBe('ok');
  });

  it('is accepted by Node TLS for the bare loopback IP (IP SAN)', async () => {
    await expect(get({ ca: ca.certPem })).resolves.toBe('ok');
  });

  it('is rejected by Node TLS when the CA is not trusted', async () => {
    const servername = 'dev.tessera.localhost';
    await expect(get({ servername, headers: { host: servername } })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('is rejected by another CA', async () => {
    const otherCa = await createDevCertificateAuthority();
    await expect(get({ servername: 'localhost', ca: otherCa.certPem })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('matches hostnames the way Node checkServerIdentity does', () => {
    const peer = new crypto.X509Certificate(server.certPem).toLegacyObject();
    for (const host of ['localhost', 'tessera.localhost', 'dev.tessera.localhost', '127.0.0.1', '::1']) {
      expect(tls.checkServerIdentity(host, peer), host).toBeUndefined();
    }
    // Node refuses wildcards directly under a single-label name ("*.tld"), so the
    // *.localhost SAN does not cover dev.localhost; tenants need a two-label base domain.
    expect(tls.checkServerIdentity('dev.localhost', peer)).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('fails a real request to dev.localhost for the same reason', async () => {
    const servername = 'dev.localhost';
    await expect(get({ servername, ca: ca.certPem, headers: { host: servername } })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('refuses a CA key that does not match the CA certificate', async () => {
    const other = await createDevCertificateAuthority();
    await expect(
      issueServerCertificate({ ca: { certPem: ca.certPem, keyPem: other.keyPem }, dnsNames }),
    ).rejects.toThrow(/does not match/);
  });

  it('requires at least one DNS name', async () => {
    await expect(issueServerCertificate({ ca, dnsNames: [] })).rejects.toThrow(/dnsNames/);
  });
});

describe('runDevCert', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-dev-cert-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const mode = async (file: string) => (await stat(file)).mode & 0o777;

  it('creates the CA once, re-issues the server certificate, and keeps keys private', async () => {
    const outDir = join(dir, 'certs');
    const first = await runDevCert({ outDir, baseDomain: 'tessera.localhost' });
    expect(first).toEqual({
      caCertFile: join(outDir, 'dev-ca.pem'),
      certFile: join(outDir, 'dev-cert.pem'),
      keyFile: join(outDir, 'dev-key.pem'),
    });
    const caPem = await readFile(first.caCertFile, 'utf8');
    const caKeyPem = await readFile(join(outDir, 'dev-ca-key.pem'), 'utf8');
    const certPem = await readFile(first.certFile, 'utf8');

    const second = await runDevCert({ outDir, baseDomain: 'tessera.localhost' });
    expect(second).toEqual(first);
    expect(await readFile(second.caCertFile, 'utf8')).toBe(caPem);
    expect(await readFile(join(outDir, 'dev-ca-key.pem'), 'utf8')).toBe(caKeyPem);
    const reissued = await readFile(second.certFile, 'utf8');
    expect(reissued).not.toBe(certPem);
    expect(new crypto.X509Certificate(reissued).checkIssued(new crypto.X509Certificate(caPem))).toBe(true);

    expect(await mode(outDir)).toBe(0o700);
    expect(await mode(join(outDir, 'dev-ca-key.pem'))).toBe(0o600);
    expect(await mode(second.keyFile)).toBe(0o600);
    expect(new crypto.X509Certificate(reissued).subjectAltName).toBe(
      'DNS:tessera.localhost, DNS:*.tessera.localhost, DNS:localhost, DNS:*.localhost, ' +
        'IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
  });

  it('makes a new CA with force', async () => {
    const outDir = join(dir, 'forced');
    const first = await runDevCert({ outDir, baseDomain: 'localhost' });
    const caPem = await readFile(first.caCertFile, 'utf8');
    await runDevCert({ outDir, baseDomain: 'localhost', force: true });
    expect(await readFile(first.caCertFile, 'utf8')).not.toBe(caPem);
    expect(await mode(join(outDir, 'dev-ca-key.pem'))).toBe(0o600);
    // localhost as base domain is not listed twice
    expect(new crypto.X509Certificate(await readFile(first.certFile)).subjectAltName).toBe(
      'DNS:localhost, DNS:*.localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
  });

  it('refuses to replace half a CA without force', async () => {
    const outDir = join(dir, 'half');
    await runDevCert({ outDir, baseDomain: 'localhost' });
    await rm(join(outDir, 'dev-ca-key.pem'));
    await expect(runDevCert({ outDir, baseDomain: 'localhost' })).rejects.toThrow(/use force/);
  });

  it('tells the user how to use the files', () => {
    const text = devCertUsage({ caCertFile: '/c/ca.pem', certFile: '/c/cert.pem', keyFile: '/my dir/key.pem' });
    expect(text).toContain("TLS_CERT_FILE=/c/cert.pem TLS_KEY_FILE='/my dir/key.pem'");
    expect(text).toContain('NODE_EXTRA_CA_CERTS=/c/ca.pem');
  });
});
