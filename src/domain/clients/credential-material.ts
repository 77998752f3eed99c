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
import { DomainError, invalid } from '../errors.js';
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

/**
 * One PEM block of a public key or a certificate; anything else (private keys above all) is refused.
 * Shared with the JWE keys of APIs (resource-servers/token-encryption.ts).
 */
export function parsePem(pem: string, field = 'pem'): { key: KeyObject; certificate?: X509Certificate } {
  if (pem.length > MAX_PEM_LENGTH) throw invalid(`Payload validation error: '${field}' must be at most ${MAX_PEM_LENGTH} characters.`);
  const labels = pemLabels(pem);
  if (labels.some((label) => label.includes('PRIVATE'))) throw invalid(`Payload validation error: '${field}' holds a private key; upload the public key or certificate only.`, 'invalid_body');
  if (labels.length !== 1) throw invalid(`Payload validation error: '${field}' must hold exactly one PEM public key or X.509 certificate.`);
  let parsed: { key: KeyObject; certificate?: X509Certificate };
  try {
    if (labels[0] === 'CERTIFICATE') {
      const certificate = new X509Certificate(pem);
      parsed = { key: certificate.publicKey, certificate };
    } else {
      if (labels[0] !== 'PUBLIC KEY' && labels[0] !== 'RSA PUBLIC KEY') throw new Error('not a public key');
      parsed = { key: createPublicKey({ key: pem, format: 'pem', type: labels[0] === 'RSA PUBLIC KEY' ? 'pkcs1' : 'spki' }) };
    }
  } catch {
    throw invalid(`Payload validation error: invalid certificate or public key in '${field}'.`);
  }
  // An RSA key with a tiny public exponent (e = 1 above all, which Node imports and encrypts with)
  // protects nothing: a JWE's content key would be readable, a signature forgeable. FIPS 186-5's floor.
  const exponent = parsed.key.asymmetricKeyDetails?.publicExponent;
  if (parsed.key.asymmetricKeyType === 'rsa' && (exponent === undefined || exponent < 65537n || exponent % 2n === 0n)) {
    throw invalid(`Payload validation error: the RSA key in '${field}' must have an odd public exponent of at least 65537.`);
  }
  return parsed;
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

/** Auth0's RSA bounds, for credentials and for API encryption keys alike; `field` names the PEM's field in the error. */
export function checkRsaSize(key: KeyObject, field = 'pem'): void {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) throw invalid(`Payload validation error: '${field}' must hold an RSA key of ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits (got ${bits}).`);
}

/** The EC curves of certificate credentials: those JOSE and every TLS stack know (Node names them by their OpenSSL names). */
const CERTIFICATE_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** The key of a certificate credential: RSA within Auth0's bounds, or EC on P-256, P-384 or P-521. */
function checkCertificateKey(key: KeyObject): void {
  if (key.asymmetricKeyType === 'rsa') checkRsaSize(key);
  else if (key.asymmetricKeyType !== 'ec') throw invalid('Payload validation error: the certificate must hold an RSA or EC key.');
  else if (!CERTIFICATE_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) throw invalid('Payload validation error: the certificate\'s EC key must be on P-256, P-384 or P-521.');
}

export const keyThumbprintOf = (key: KeyObject): Promise<string> => calculateJwkThumbprint(key.export({ format: 'jwk' }) as JWK, 'sha256');

/** keyThumbprintOf for a key being registered: a key Node cannot export as a JWK is a 400, never a 500. */
async function newKeyThumbprint(key: KeyObject): Promise<string> {
  try {
    return await keyThumbprintOf(key);
  } catch {
    throw invalid("Payload validation error: the key in 'pem' is of an unsupported type.");
  }
}

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

/**
 * Checks a create body and derives what is stored. Whatever Node throws while reading the material
 * (an odd certificate extension, a date it cannot print, a key it cannot export) is the caller's
 * invalid input: a 400, never a 500.
 */
export async function credentialMaterial(input: CredentialInput, now: number): Promise<CredentialMaterial> {
  try {
    return await checkedMaterial(input, now);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw invalid("Payload validation error: invalid certificate or public key in 'pem'.");
  }
}

async function checkedMaterial(input: CredentialInput, now: number): Promise<CredentialMaterial> {
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
    const keyThumbprint = await newKeyThumbprint(key);
    return {
      ...base,
      credentialType: type,
      pem: input.pem,
      alg,
      kid: input.kid ?? keyThumbprint,
      keyThumbprint,
      expiresAt: expiryOf(input, certificate, now),
      ...(certificate ? certificateFields(certificate) : {}),
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
    return { ...base, credentialType: type, pem: input.pem!, ...certificateFields(certificate), keyThumbprint: await newKeyThumbprint(key) };
  }
  if (input.subject_dn !== undefined) throw invalid("Payload validation error: 'subject_dn' applies to cert_subject_dn credentials only.");
  if (!input.pem) throw invalid("Payload validation error: Missing required property: pem.");
  const { key, certificate } = parsePem(input.pem);
  if (!certificate) throw invalid("Payload validation error: 'pem' of an x509_cert credential must be an X.509 certificate.");
  checkCertificateKey(key);
  return { ...base, credentialType: type, pem: input.pem, ...certificateFields(certificate), keyThumbprint: await newKeyThumbprint(key) };
}

/** One RDN: its attributes as `TYPE=value`, sorted (a multi-valued RDN is a set). */
export type Rdn = string[];

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/**
 * Splits on unescaped separators, resolving RFC 4514 escapes (`\,` `\+` `\"` `\\` ... and `\XX`
 * hex pairs, decoded as UTF-8) in the pieces. `null` when an escape is cut off.
 */
function splitEscaped(text: string, separators: string): Array<{ raw: string; value: string }> | null {
  const pieces: Array<{ raw: string; value: string }> = [];
  let raw = '';
  let bytes: number[] = [];
  let value = '';
  const flush = () => {
    if (bytes.length > 0) value += Buffer.from(bytes).toString('utf8');
    bytes = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\') {
      const pair = text.slice(i + 1, i + 3);
      if (HEX_PAIR.test(pair)) {
        bytes.push(Number.parseInt(pair, 16));
        raw += char + pair;
        i += 2;
        continue;
      }
      if (i + 1 >= text.length) return null;
      flush();
      value += text[i + 1];
      raw += char + text[i + 1];
      i += 1;
      continue;
    }
    flush();
    if (separators.includes(char)) {
      pieces.push({ raw, value });
      raw = '';
      value = '';
      continue;
    }
    raw += char;
    value += char;
  }
  flush();
  pieces.push({ raw, value });
  return pieces;
}

/** `TYPE=value`: the type upper-cased, unescaped spaces around both dropped, the value unescaped. */
function attributeOf(text: string): string | null {
  const eq = text.indexOf('=');
  if (eq < 1) return null;
  const type = text.slice(0, eq).trim().toUpperCase();
  if (!/^([A-Z][A-Z0-9-]*|\d+(\.\d+)*)$/.test(type)) return null;
  // Spaces around the value are insignificant unless escaped (RFC 4514 §2.4).
  const pieces = splitEscaped(text.slice(eq + 1).replace(/^ +/, '').replace(/(?<!\\) +$/, ''), '');
  if (!pieces) return null;
  const value = pieces[0]!.value;
  return `${type}=${value}`;
}

/**
 * A distinguished name as its sequence of RDNs, in the order written, each RDN a sorted set of
 * `TYPE=value` attributes; `[]` when it is no DN. Accepts RFC 4514 (`CN=a+UID=b,O=c`, escapes
 * included), Node's one-RDN-per-line form (`X509Certificate.subject`: `O=c\nCN=a + UID=b`, in the
 * certificate's order) and OpenSSL's `/O=c/CN=a+UID=b`.
 */
export function parseDn(dn: string): Rdn[] {
  const text = dn.trim();
  const slashed = text.startsWith('/');
  const rdnTexts = splitRaw(slashed ? text.slice(1) : text, slashed ? '/' : ',\n');
  if (!rdnTexts) return [];
  const rdns: Rdn[] = [];
  for (const rdnText of rdnTexts) {
    if (rdnText.trim() === '') continue;
    const attributeTexts = splitRaw(rdnText, '+');
    if (!attributeTexts) return [];
    const rdn: string[] = [];
    for (const attributeText of attributeTexts) {
      const attribute = attributeOf(attributeText);
      if (attribute === null) return [];
      rdn.push(attribute);
    }
    rdns.push(rdn.sort());
  }
  return rdns;
}

/** Splits on unescaped separators, keeping the escapes for attributeOf to resolve. */
function splitRaw(text: string, separators: string): string[] | null {
  return splitEscaped(text, separators)?.map((piece) => piece.raw) ?? null;
}

const sameRdn = (a: Rdn, b: Rdn): boolean => a.length === b.length && a.every((attribute, i) => attribute === b[i]);
const sameSequence = (a: Rdn[], b: Rdn[]): boolean => a.length === b.length && a.every((rdn, i) => sameRdn(rdn, b[i]!));

/**
 * Whether two DNs name the same subject: the same RDNs in the same order, each RDN compared as a
 * set. The fully reversed order is accepted too, because notations disagree on it: RFC 4514 strings
 * list the most specific RDN first (`CN=a,O=c`), Node and OpenSSL print the certificate's order
 * (`O=c\nCN=a`; docs: "Subject DN extraction may differ between different ecosystems"). Nothing
 * else is reordered: `OU=A,OU=B` is not `OU=B,OU=A`, and `CN=a+O=c` is not `CN=a,O=c`.
 */
export function sameDn(a: string, b: string): boolean {
  const left = parseDn(a);
  const right = parseDn(b);
  if (left.length === 0) return false;
  return sameSequence(left, right) || sameSequence(left, [...right].reverse());
}

/** The public key a stored public_key credential verifies with. */
export function verificationKeyOf(pem: string): KeyObject {
  return pemLabels(pem)[0] === 'CERTIFICATE' ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

/** What a stored credential keeps of its certificate: the subject DN on one line and the x5t#S256 thumbprint. */
function certificateFields(certificate: X509Certificate): { subjectDn: string; thumbprintSha256: string } {
  return { subjectDn: certificate.subject.replace(/\n/g, ','), thumbprintSha256: x5tS256Of(certificate.raw) };
}
