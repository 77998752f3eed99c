/**
 * Tenant keys by use and algorithm: what each stored key family is for. A key's `use` says which
 * index of the key ring holds it (`sig` today; `enc` once encryption keys are stored for JWE), and
 * its algorithms are the only ones it is used with, for signing as for verifying.
 */
import type { KeyObject } from 'node:crypto';
import type { SigningKeyAlg } from '../../storage/repositories/signing-keys.js';
import type { JwsAlg } from '../tokens/jws.js';

export type KeyUse = 'sig' | 'enc';

/** Algorithms signed with a tenant key (HS256 signs with an application's or API's secret instead). */
export type RingSigningAlg = Exclude<JwsAlg, 'HS256'>;

/** JWE key-management algorithms (RFC 7518 §4) an encryption key may serve; none is stored yet. */
export type KeyEncryptionAlg = 'RSA-OAEP-256' | 'RSA-OAEP' | 'ECDH-ES';

/** A private key that unwraps the content key of a JWE addressed to the tenant. */
export interface JweDecryptionKey {
  alg: KeyEncryptionAlg;
  kid: string;
  key: KeyObject;
}

/**
 * What each stored key family is for: its use and the algorithms Tessera uses it with. The RSA key
 * signs RS256 and, for applications and APIs configured so, PS256; verification accepts exactly
 * these. An encryption family (`use: 'enc'`, with KeyEncryptionAlg algorithms) will be a new entry here.
 */
const KEY_FAMILIES: Readonly<Record<SigningKeyAlg, { use: 'sig'; algs: readonly RingSigningAlg[] }>> = {
  RS256: { use: 'sig', algs: ['RS256', 'PS256'] },
  ES256: { use: 'sig', algs: ['ES256'] },
};

/**
 * What a tenant key of `family` is for: its JWK `use` and the algorithms it signs and verifies
 * (e.g. for discovery: ID tokens sign with HS256 or the RSA family's algorithms).
 */
export function keyFamily(family: SigningKeyAlg): { use: KeyUse; algs: readonly RingSigningAlg[] } {
  return KEY_FAMILIES[family];
}
