import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  webcrypto,
  type KeyObject,
} from 'node:crypto';
// @peculiar/x509 registers its algorithms through tsyringe, which needs the Reflect metadata
// polyfill loaded first; ESM evaluates imports in order, so this line must stay above it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const DAY_MS = 24 * 60 * 60 * 1000;
// Backdate notBefore so relying parties with a slightly slow clock accept a fresh certificate.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const LOOPBACK_IPS = ['127.0.0.1', '::1'];

const OID_PKCS7_DATA = Buffer.from('06092a864886f70d010701', 'hex');
const OID_PKCS7_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');

export interface PemKeyPair {
  certPem: string;
  keyPem: string;
}

/** A self-signed certificate for a tenant signing key, published in the JWKS as x5c / x5t. */
export async function createSelfSignedCertificate(opts: {
  privateKey: KeyObject;
  publicKey: KeyObject;
  commonName: string;
  validDays?: number;
}): Promise<{ pem: string; der: Buffer }> {
  const spki = spkiOf(opts.publicKey);
  assertKeyPair(opts.privateKey, spki);
  const name = [{ CN: [opts.commonName] }];
  const cert = await x509.X509CertificateGenerator.create({
    subject: name,
    issuer: name,
    publicKey: spki,
    signingKey: await toSigningKey(opts.privateKey),
    ...validity(opts.validDays ?? 3650),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(spki),
    ],
  });
  const der = Buffer.from(cert.rawData);
  return { pem: toPem('CERTIFICATE', der), der };
}

/** SHA-1 thumbprint of a DER certificate, base64url (JWK x5t) */
export function x5tOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('base64url');
}

/** SHA-256 thumbprint, base64url (JWK x5t#S256) */
export function x5tS256Of(der: Buffer): string {
  return createHash('sha256').update(der).digest('base64url');
}

/** Auth0's `fingerprint` (colon-separated uppercase hex SHA-1) and `thumbprint` (same hex, no colons). */
export function fingerprintsOf(der: Buffer): { fingerprint: string; thumbprint: string } {
  const thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
  return { fingerprint: thumbprint.replace(/(..)(?!$)/g, '$1:'), thumbprint };
}

/**
 * Certs-only PKCS#7 (degenerate SignedData, RFC 5652 §5.2) for Auth0's `pkcs7` field.
 * Hand-encoded rather than via x509.X509Certificates because that adds an empty
 * eContent, which neither Auth0 nor `openssl crl2pkcs7 -nocrl` emit.
 */
export function pkcs7Of(der: Buffer): string {
  const signedData = derTlv(
    0x30,
    derTlv(0x02, Buffer.from([1])), // version
    derTlv(0x31), // digestAlgorithms: none
    derTlv(0x30, OID_PKCS7_DATA), // encapContentInfo, content omitted
    derTlv(0xa0, der), // [0] IMPLICIT certificates
    derTlv(0x31), // signerInfos: none
  );
  return toPem('PKCS7', derTlv(0x30, OID_PKCS7_SIGNED_DATA, derTlv(0xa0, signedData)));
}

/** Local development certificate authority, only ever used to sign server certificates. */
export async function createDevCertificateAuthority(
  opts: { commonName?: string; validDays?: number } = {},
): Promise<PemKeyPair> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = spkiOf(publicKey);
  const name = [{ CN: [opts.commonName ?? 'Tessera Development CA'] }];
  const cert = await x509.X509CertificateGenerator.create({
    subject: name,
    issuer: name,
    publicKey: spki,
    signingKey: await toSigningKey(privateKey),
    ...validity(opts.validDays ?? 3650),
    extensions: [
      // pathLen 0: a leaked dev CA key cannot mint intermediate CAs.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(spki),
    ],
  });
  return { certPem: toPem('CERTIFICATE', Buffer.from(cert.rawData)), keyPem: pkcs8PemOf(privateKey) };
}

/** A TLS server certificate for `dnsNames` plus the loopback IPs, signed by `ca`. */
export async function issueServerCertificate(opts: {
  ca: PemKeyPair;
  dnsNames: string[];
  validDays?: number;
}): Promise<PemKeyPair> {
  const [commonName] = opts.dnsNames;
  if (commonName === undefined) throw new Error('issueServerCertificate: dnsNames must not be empty');
  const caCert = new x509.X509Certificate(opts.ca.certPem);
  const caKey = createPrivateKey(opts.ca.keyPem);
  assertKeyPair(caKey, Buffer.from(caCert.publicKey.rawData));

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = spkiOf(publicKey);
  const cert = await x509.X509CertificateGenerator.create({
    subject: [{ CN: [commonName] }],
    // Reuse the CA's encoded name so issuer/subject chaining matches byte for byte.
    issuer: caCert.subjectName,
    publicKey: spki,
    signingKey: await toSigningKey(caKey),
    ...validity(opts.validDays ?? 825),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...opts.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...LOOPBACK_IPS.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await authorityKeyIdentifierFor(caCert),
      await x509.SubjectKeyIdentifierExtension.create(spki),
    ],
  });
  return { certPem: toPem('CERTIFICATE', Buffer.from(cert.rawData)), keyPem: pkcs8PemOf(privateKey) };
}

/** Prefer the CA's own SKI: a CA made by another tool may derive it differently than we would. */
async function authorityKeyIdentifierFor(caCert: x509.X509Certificate): Promise<x509.Extension> {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski
    ? new x509.AuthorityKeyIdentifierExtension(ski.keyId)
    : x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
}

function validity(validDays: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + validDays * DAY_MS) };
}

/** node:crypto KeyObject → non-extractable WebCrypto signing key (KeyObject.toCryptoKey needs Node 22.10). */
function toSigningKey(privateKey: KeyObject): Promise<webcrypto.CryptoKey> {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', pkcs8, signingAlgorithmFor(privateKey), false, ['sign']);
}

function signingAlgorithmFor(key: KeyObject): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { name: 'ECDSA', namedCurve: 'P-256' };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new Error(`unsupported certificate key: ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''}`);
}

/** A mismatched pair would yield a certificate whose signature never verifies; fail loudly instead. */
function assertKeyPair(privateKey: KeyObject, spki: Buffer): void {
  if (!spkiOf(createPublicKey(privateKey)).equals(spki)) {
    throw new Error('private key does not match the certificate public key');
  }
}

function spkiOf(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' });
}

function pkcs8PemOf(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function derTlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
