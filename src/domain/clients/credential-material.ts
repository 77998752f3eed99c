/**
 * What an application credential's key material is (issue 16; docs: "Configure Private Key JWT
 * Authentication", "Configure mTLS Authentication for a Client"), checked once when it is created:
 *
 * - `public_key` (private_key_jwt): a PEM public key (SPKI or PKCS#1) or an X.509 certificate.
 *   RSA of 2048 to 4096 bits with `alg` RS256 (default), RS384 or PS256, as Auth0. Tessera also
 *   accepts an EC P-256 key with `alg` ES256 (an extension: shorter assertions, cheaper checks).
 *   `kid` is the key's RFC 7638 thumbprint unless given ([0-9a-zA-Z-_]{10,64}).
 * - `cert_subject_dn` (tls_client_auth): a subject DN, given or read from a certificate.
 * - `x509_cert` (self_signed_tls_client_auth): a certificate, matched by its SHA-256 thumbprint.
 *
 * Only public material is accepted: a PEM that holds a private key is refused for what it is.
 */
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { invalid } from '../errors.js';
import { x5tS256Of } from '../../crypto/x509.js';
import type { CredentialType } from '../../storage/repositories/client-credentials.js';

export const CREDENTIAL_TYPES = ['public_key', 'cert_subject_dn', 'x509_cert'] as const;
/** Auth0's algorithms for public_key credentials, plus ES256 (Tessera extension, P-256 keys only). */
export const CREDENTIAL_ALGS = ['RS256', 'RS384', 'PS256', 'ES256'] as const;
export type CredentialAlg = (typeof CREDENTIAL_ALGS)[number];

/** Auth0's bounds on RSA credentials. */
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 4096;
/** A PEM larger than this is no single key or certificate (a 4096-bit certificate is about 2 KB). */
export const MAX_PEM_LENGTH = 16_384;
const KID = /^[0-9a-zA-Z\-_]{10,64}$/;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/g;

export interface CredentialInput {
  credential_type: CredentialType;
  name?: string;
  pem?: string;
  alg?: CredentialAlg;
  kid?: string;
  subject_dn?: string;
  parse_expiry_from_cert?: boolean;
  expires_at?: string;
}

/** The checked material, ready to store (everything but ids and timestamps). */
export interface CredentialMaterial {
  name: string;
  credentialType: CredentialType;
  pem: string | null;
  kid: string | null;
  alg: CredentialAlg | null;
  subjectDn: string | null;
  thumbprintSha256: string | null;
  expiresAt: string | null;
  /** RFC 7638 thumbprint of the key: two credentials of one application never share a key. */
  keyThumbprint: string | null;
}

function pemLabels(pem: string): string[] {
  return [...pem.matchAll(PEM_BLOCK)].map((match) => match[1]!);
}

/** One PEM block of a public key or a certificate; anything else (private keys above all) is refused. */
function parsePem(pem: string): { key: KeyObject; certificate?: X509Certificate } {
  if (pem.length > MAX_PEM_LENGTH) throw invalid(`Payload validation error: 'pem' must be at most ${MAX_PEM_LENGTH} characters.`);
  const labels = pemLabels(pem);
  if (labels.some((label) => label.includes('PRIVATE'))) throw invalid("Payload validation error: 'pem' holds a private key; upload the public key or certificate only.", 'invalid_body');
  if (labels.length !== 1) throw invalid("Payload validation error: 'pem' must hold exactly one PEM public key or X.509 certificate.");
  try {
    if (labels[0] === 'CERTIFICATE') {
      const certificate = new X509Certificate(pem);
      return { key: certificate.publicKey, certificate };
    }
    if (labels[0] !== 'PUBLIC KEY' && labels[0] !== 'RSA PUBLIC KEY') throw new Error('not a public key');
    return { key: createPublicKey({ key: pem, format: 'pem', type: labels[0] === 'RSA PUBLIC KEY' ? 'pkcs1' : 'spki' }) };
  } catch {
    throw invalid('Payload validation error: invalid certificate or public key in \'pem\'.');
  }
}

/** The key's type and size agree with the algorithm it will verify. */
function checkKeyForAlg(key: KeyObject, alg: CredentialAlg): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (alg === 'ES256') {
    if (key.asymmetricKeyType !== 'ec' || details.namedCurve !== 'prime256v1') throw invalid("Payload validation error: alg 'ES256' requires an EC P-256 key.");
    return;
  }
  if (key.asymmetricKeyType !== 'rsa') throw invalid(`Payload validation error: alg '${alg}' requires an RSA key.`);
  checkRsaSize(key);
}

function checkRsaSize(key: KeyObject): void {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) throw invalid(`Payload validation error: RSA keys must be between ${MIN_RSA_BITS} and ${MAX_RSA_BITS} bits (got ${bits}).`);
}

/** The key of a certificate credential: RSA within Auth0's bounds, or EC. */
function checkCertificateKey(key: KeyObject): void {
  if (key.asymmetricKeyType === 'rsa') checkRsaSize(key);
  else if (key.asymmetricKeyType !== 'ec') throw invalid('Payload validation error: the certificate must hold an RSA or EC key.');
}

export const keyThumbprintOf = (key: KeyObject): Promise<string> => calculateJwkThumbprint(key.export({ format: 'jwk' }) as JWK, 'sha256');

function expiryOf(input: CredentialInput, certificate: X509Certificate | undefined, now: number): string | null {
  if (input.parse_expiry_from_cert && input.expires_at !== undefined) throw invalid('Payload validation error: parse_expiry_from_cert and expires_at are mutually exclusive.');
  if (input.parse_expiry_from_cert) {
    if (!certificate) throw invalid('Payload validation error: parse_expiry_from_cert requires an X.509 certificate in \'pem\'.');
    return new Date(certificate.validTo).toISOString();
  }
  if (input.expires_at === undefined) return null;
  return checkedExpiry(input.expires_at, now);
}

/** An ISO-8601 date in the future, normalised. */
export function checkedExpiry(value: string, now: number): string {
  const time = Date.parse(value);
  if (!Number.isFinite(time) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw invalid("Payload validation error: 'expires_at' must be an ISO 8601 date.");
  if (time <= now) throw invalid("Payload validation error: 'expires_at' must be in the future.");
  return new Date(time).toISOString();
}

/** Checks a create body and derives what is stored. */
export async function credentialMaterial(input: CredentialInput, now: number): Promise<CredentialMaterial> {
  const name = input.name ?? '';
  const base = { name, kid: null, alg: null, subjectDn: null, thumbprintSha256: null, expiresAt: null, keyThumbprint: null, pem: null };
  const type = input.credential_type;
  if (type !== 'public_key') {
    for (const field of ['alg', 'kid', 'parse_expiry_from_cert', 'expires_at'] as const) {
      if (input[field] !== undefined) throw invalid(`Payload validation error: '${field}' applies to public_key credentials only.`);
    }
  }
  if (type === 'public_key') {
    if (input.subject_dn !== undefined) throw invalid("Payload validation error: 'subject_dn' applies to cert_subject_dn credentials only.");
    if (!input.pem) throw invalid("Payload validation error: Missing required property: pem.");
    const { key, certificate } = parsePem(input.pem);
    const alg = input.alg ?? 'RS256';
    checkKeyForAlg(key, alg);
    if (input.kid !== undefined && !KID.test(input.kid)) throw invalid("Payload validation error: 'kid' must match [0-9a-zA-Z-_]{10,64}.");
    const keyThumbprint = await keyThumbprintOf(key);
    return {
      ...base,
      credentialType: type,
      pem: input.pem,
      alg,
      kid: input.kid ?? keyThumbprint,
      keyThumbprint,
      expiresAt: expiryOf(input, certificate, now),
      ...(certificate ? { subjectDn: certificate.subject.replace(/\n/g, ','), thumbprintSha256: x5tS256Of(certificate.raw) } : {}),
    };
  }
  if (type === 'cert_subject_dn') {
    if ((input.pem === undefined) === (input.subject_dn === undefined)) throw invalid("Payload validation error: cert_subject_dn credentials take exactly one of 'pem' or 'subject_dn'.");
    if (input.subject_dn !== undefined) {
      if (parseDn(input.subject_dn).length === 0) throw invalid("Payload validation error: 'subject_dn' is not a distinguished name.");
      return { ...base, credentialType: type, subjectDn: input.subject_dn };
    }
    const { key, certificate } = parsePem(input.pem!);
    if (!certificate) throw invalid("Payload validation error: 'pem' of a cert_subject_dn credential must be an X.509 certificate.");
    checkCertificateKey(key);
    return { ...base, credentialType: type, pem: input.pem!, subjectDn: certificate.subject.replace(/\n/g, ','), thumbprintSha256: x5tS256Of(certificate.raw), keyThumbprint: await keyThumbprintOf(key) };
  }
  if (input.subject_dn !== undefined) throw invalid("Payload validation error: 'subject_dn' applies to cert_subject_dn credentials only.");
  if (!input.pem) throw invalid("Payload validation error: Missing required property: pem.");
  const { key, certificate } = parsePem(input.pem);
  if (!certificate) throw invalid("Payload validation error: 'pem' of an x509_cert credential must be an X.509 certificate.");
  checkCertificateKey(key);
  return { ...base, credentialType: type, pem: input.pem, subjectDn: certificate.subject.replace(/\n/g, ','), thumbprintSha256: x5tS256Of(certificate.raw), keyThumbprint: await keyThumbprintOf(key) };
}

/**
 * A distinguished name as a sorted list of `TYPE=value` attributes: attribute types upper-cased,
 * spaces around separators dropped, values kept as written. Accepts RFC 4514 (`CN=a,O=b`), Node's
 * one-per-line form and OpenSSL's `/C=XX/CN=a`. Order-insensitive, because ecosystems print RDNs
 * in opposite orders (docs: "Subject DN extraction may differ between different ecosystems").
 */
export function parseDn(dn: string): string[] {
  const text = dn.trim();
  const parts = text.startsWith('/') ? text.slice(1).split('/') : text.split(/(?<!\\)[,\n+]/);
  const attributes: string[] = [];
  for (const part of parts) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq < 1) return [];
    attributes.push(`${trimmed.slice(0, eq).trim().toUpperCase()}=${trimmed.slice(eq + 1).trim()}`);
  }
  return attributes.sort();
}

/** Whether two DNs name the same subject (see parseDn). */
export function sameDn(a: string, b: string): boolean {
  const left = parseDn(a);
  const right = parseDn(b);
  return left.length > 0 && left.length === right.length && left.every((attribute, i) => attribute === right[i]);
}

/** The public key a stored public_key credential verifies with. */
export function verificationKeyOf(pem: string): KeyObject {
  return pemLabels(pem)[0] === 'CERTIFICATE' ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}
