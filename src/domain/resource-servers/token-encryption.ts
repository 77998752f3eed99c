/**
 * An API's `token_encryption` (docs: "Configure JSON Web Encryption (JWE)"): its access tokens are
 * the signed JWT nested in a compact JWE for the API's RSA public key, so that only the API reads
 * them (`format: "compact-nested-jwe"`, `alg` RSA-OAEP-256/384/512, `enc` A256GCM, `cty: "JWT"`,
 * `kid` in the header when configured).
 *
 * - Checked once when written: the PEM is one public key or certificate (private keys refused for
 *   what they are; the parsing is the application credentials', clients/credential-material.ts),
 *   RSA of 2048 to 4096 bits (the credentials' bounds; Auth0 caps the PEM at 4096 characters). Stored with the API's document, with its `thumbprint_sha256`.
 * - Answered without the key material, as Auth0 does after creation: `encryption_key` shows `name`,
 *   `alg`, `kid` and `thumbprint_sha256` (base64url SHA-256 of the certificate's DER, RFC 8705's
 *   x5t#S256; for a bare public key, of its SubjectPublicKeyInfo DER).
 * - Every write replaces it whole (Auth0's schema requires `format` and `encryption_key.alg/pem` in
 *   any body that names it); `null` turns it off. One exception, so that an export (the Deploy CLI's)
 *   can be imported back into its own tenant: a PATCH that sends the answered object unchanged
 *   (no `pem`, the stored `thumbprint_sha256`) keeps the stored key. Anything else without a `pem` is
 *   refused, and a `thumbprint_sha256` beside a `pem` must be that PEM's.
 * - The public key is parsed once per cached API object (a WeakMap on its `token_encryption`): an
 *   API write invalidates the API cache, the next load brings a new object and so a new parse.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { DomainError, invalid } from '../errors.js';
import { checkRsaSize, parsePem } from '../clients/credential-material.js';
import { x5tS256Of } from '../../crypto/x509.js';
import { encryptCompact, jweEncrypter, JWE_KEY_ALGS, type JweEncrypter, type JweKeyAlg } from '../tokens/jwe.js';

export const TOKEN_ENCRYPTION_FORMATS = ['compact-nested-jwe'] as const;
export { JWE_KEY_ALGS, type JweKeyAlg };
/** Auth0's bounds (Management API schema: ResourceServerTokenEncryptionKey). */
export const MAX_JWE_PEM_LENGTH = 4096;
export const MAX_JWE_KEY_NAME_LENGTH = 128;
export const MAX_JWE_KID_LENGTH = 128;

/** What a create or update body carries (`pem` left out only in an unchanged copy of the answer). */
export interface TokenEncryptionInput {
  format: (typeof TOKEN_ENCRYPTION_FORMATS)[number];
  encryption_key: { name?: string; alg: JweKeyAlg; kid?: string; pem?: string; thumbprint_sha256?: string };
}

/** What is stored with the API. */
export interface TokenEncryption {
  format: (typeof TOKEN_ENCRYPTION_FORMATS)[number];
  encryption_key: { name?: string; alg: JweKeyAlg; kid?: string; pem: string; thumbprint_sha256: string };
}

/** What the Management API answers: everything but the key material. */
export interface PublicTokenEncryption {
  format: (typeof TOKEN_ENCRYPTION_FORMATS)[number];
  encryption_key: { name?: string; alg: JweKeyAlg; kid?: string; thumbprint_sha256: string };
}

const field = (name: string) => `token_encryption.${name}`;

/**
 * Checks a written `token_encryption` and returns what is stored. The route's schema has already
 * bounded the shape; this re-checks what matters for safety (the service is also called by tools).
 */
export function checkedTokenEncryption(input: TokenEncryptionInput, current?: TokenEncryption | null): TokenEncryption {
  if (input === null || typeof input !== 'object') throw invalid("Payload validation error: 'token_encryption' must be an object or null.");
  if (!TOKEN_ENCRYPTION_FORMATS.includes(input.format)) throw invalid(`Payload validation error: '${field('format')}' must be one of ${TOKEN_ENCRYPTION_FORMATS.join(', ')}.`);
  const key = input.encryption_key;
  if (key === null || typeof key !== 'object') throw invalid(`Payload validation error: Missing required property: ${field('encryption_key')}.`);
  if (!JWE_KEY_ALGS.includes(key.alg)) throw invalid(`Payload validation error: '${field('encryption_key.alg')}' must be one of ${JWE_KEY_ALGS.join(', ')}.`);
  if (key.pem === undefined) {
    if (current && isUnchangedCopy(input, current)) return current;
    throw invalid(`Payload validation error: Missing required property: ${field('encryption_key.pem')} (only an unchanged copy of the stored token_encryption, with its thumbprint_sha256, may leave it out).`);
  }
  if (typeof key.pem !== 'string' || key.pem.length === 0 || key.pem.length > MAX_JWE_PEM_LENGTH) {
    throw invalid(`Payload validation error: '${field('encryption_key.pem')}' must be a PEM public key or certificate of at most ${MAX_JWE_PEM_LENGTH} characters.`);
  }
  for (const [name, max] of [['name', MAX_JWE_KEY_NAME_LENGTH], ['kid', MAX_JWE_KID_LENGTH]] as const) {
    const value = key[name];
    if (value !== undefined && (typeof value !== 'string' || value.length < 1 || value.length > max)) {
      throw invalid(`Payload validation error: '${field(`encryption_key.${name}`)}' must be 1 to ${max} characters long.`);
    }
  }
  let thumbprint: string;
  try {
    const { key: publicKey, certificate } = parsePem(key.pem, field('encryption_key.pem'));
    if (publicKey.asymmetricKeyType !== 'rsa') throw invalid(`Payload validation error: '${field('encryption_key.pem')}' must hold an RSA key for ${key.alg}.`);
    checkRsaSize(publicKey, field('encryption_key.pem'));
    thumbprint = certificate ? x5tS256Of(certificate.raw) : createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw invalid(`Payload validation error: invalid certificate or public key in '${field('encryption_key.pem')}'.`);
  }
  if (key.thumbprint_sha256 !== undefined && key.thumbprint_sha256 !== thumbprint) {
    throw invalid(`Payload validation error: '${field('encryption_key.thumbprint_sha256')}' is not the thumbprint of '${field('encryption_key.pem')}' (leave it out: it is computed).`);
  }
  return {
    format: input.format,
    encryption_key: {
      ...(key.name !== undefined ? { name: key.name } : {}),
      alg: key.alg,
      ...(key.kid !== undefined ? { kid: key.kid } : {}),
      pem: key.pem,
      thumbprint_sha256: thumbprint,
    },
  };
}

/** The body is exactly what the Management API answers for `stored` (the same key, nothing renamed). */
function isUnchangedCopy(input: TokenEncryptionInput, stored: TokenEncryption): boolean {
  const answered = publicTokenEncryption(stored);
  const given = input.encryption_key;
  return (
    input.format === answered.format &&
    given.thumbprint_sha256 === answered.encryption_key.thumbprint_sha256 &&
    given.alg === answered.encryption_key.alg &&
    given.kid === answered.encryption_key.kid &&
    given.name === answered.encryption_key.name
  );
}

/** The Management API's view: no `pem`. */
export function publicTokenEncryption(stored: TokenEncryption): PublicTokenEncryption {
  const { pem: _pem, ...key } = stored.encryption_key;
  return { format: stored.format, encryption_key: key };
}

const encrypters = new WeakMap<TokenEncryption, JweEncrypter>();

function encrypterFor(config: TokenEncryption): JweEncrypter {
  let encrypter = encrypters.get(config);
  if (!encrypter) {
    const { key }: { key: KeyObject } = parsePem(config.encryption_key.pem, field('encryption_key.pem'));
    encrypter = jweEncrypter(key, config.encryption_key.alg, { cty: 'JWT', ...(config.encryption_key.kid ? { kid: config.encryption_key.kid } : {}) });
    encrypters.set(config, encrypter);
  }
  return encrypter;
}

/** The signed JWT `jws` nested in a compact JWE for the API's key. */
export function encryptAccessToken(config: TokenEncryption, jws: string): string {
  return encryptCompact(encrypterFor(config), jws);
}
