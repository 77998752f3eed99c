/**
 * A tenant's usable keys, parsed once and cached, held by use and algorithm:
 * - `sig`: the signer for each algorithm (its family's current key, `signerFor`), the
 *   verification keys by kid (current, next and previous — never revoked; `verifierFor`, `verify`);
 * - `enc`: decryption keys by kid (`decrypterFor`), for encrypted request objects and the like.
 *   No encryption key is stored yet (JWE is wave 2), so that index is empty and the lookup answers
 *   undefined; it is here so that callers are written against the same shape.
 * The JWKS document is pre-serialized, since it is fetched by every relying party. The tenant's
 * customer-provided keys (custom-signing-keys.ts) are in it only as published JWKs, ahead of the
 * tenant's own and only on a custom domain: they are never among the verifiers, so no token signed
 * with one is ever accepted by Tessera's own APIs.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { SigningKeyRecord } from '../../storage/repositories/signing-keys.js';
import type { CustomSigningJwk } from '../../storage/repositories/custom-signing-keys.js';
import { verifyJwt, type DecodedJwt, type JwsSigningKey, type JwsVerificationKey } from '../tokens/jws.js';
import { keyFamily, type JweDecryptionKey, type RingSigningAlg } from './key-families.js';
import { signingCertificateOf, type SigningCertificate } from './signing-certificate.js';

export { keyFamily, type JweDecryptionKey, type KeyEncryptionAlg, type KeyUse, type RingSigningAlg } from './key-families.js';

export class KeyRing {
  /** use `sig`: the current key for each algorithm, one object per (key, algorithm) so its pre-encoded header stays cached. */
  private readonly signers = new Map<RingSigningAlg, JwsSigningKey>();
  /** use `sig`: verification keys by kid. */
  private readonly verifiers = new Map<string, JwsVerificationKey>();
  /** use `enc`: decryption keys by kid (none until encryption keys are stored). */
  private readonly decrypters = new Map<string, JweDecryptionKey>();
  private readonly jwks: Array<Record<string, unknown>> = [];
  /** The four JWKS documents (with or without `alg`, with or without the custom keys), serialized once each. */
  private readonly jwksDocuments: Array<string | undefined> = [];
  private readonly currentRsaCertPem: string | undefined;
  private certificate?: SigningCertificate;

  constructor(
    records: SigningKeyRecord[],
    /** The tenant's customer-provided public keys, published ahead of its own on custom domains. */
    private readonly customJwks: readonly CustomSigningJwk[] = [],
  ) {
    // JWKS order: current first, then next, then previous.
    const order = { current: 0, next: 1, previous: 2, revoked: 3 } as const;
    const usable = records.filter((r) => r.state !== 'revoked').sort((a, b) => order[a.state] - order[b.state]);
    for (const record of usable) {
      const { algs } = keyFamily(record.alg);
      const publicKey: KeyObject = createPublicKey({ key: record.publicJwk as any, format: 'jwk' });
      this.verifiers.set(record.kid, { algs, key: publicKey });
      if (record.state === 'current') {
        const privateKey = createPrivateKey(record.privateKeyPem);
        for (const alg of algs) this.signers.set(alg, { alg, kid: record.kid, key: privateKey });
      }
      this.jwks.push(record.publicJwk);
    }
    this.currentRsaCertPem = usable.find((r) => r.alg === 'RS256' && r.state === 'current')?.certPem;
  }

  /**
   * The certificate of the application signing key (the current RS256 key) in Auth0's formats: the
   * public `/pem`, `/cer`… downloads and a client's `signing_keys`. Undefined only for a tenant
   * without keys, which provisioning never leaves.
   */
  applicationCertificate(): SigningCertificate | undefined {
    if (!this.currentRsaCertPem) return undefined;
    return (this.certificate ??= signingCertificateOf(this.currentRsaCertPem));
  }

  /** The current key signing with `alg`, or undefined when the tenant has no key of that family (ES256 before its first ES256 API). */
  signerFor(alg: RingSigningAlg): JwsSigningKey | undefined {
    return this.signers.get(alg);
  }

  /** The signature key `kid` (current, next or previous), whatever the algorithm it is used with. */
  verifier(kid: unknown): JwsVerificationKey | undefined {
    return typeof kid === 'string' ? this.verifiers.get(kid) : undefined;
  }

  /** The signature key `kid`, if Tessera uses it with `alg`. */
  verifierFor(kid: unknown, alg: unknown): JwsVerificationKey | undefined {
    const key = this.verifier(kid);
    return key?.algs.some((candidate) => candidate === alg) ? key : undefined;
  }

  /** The encryption key `kid`, if it serves `alg`. Always undefined today: no encryption key is stored yet. */
  decrypterFor(kid: unknown, alg: unknown): JweDecryptionKey | undefined {
    const key = typeof kid === 'string' ? this.decrypters.get(kid) : undefined;
    return key?.alg === alg ? key : undefined;
  }

  /**
   * Verifies a JWT signed with one of these keys (current, next or previous); throws JwtError.
   * The algorithm is one of the key's own (key-families.ts), so `alg: none` and HS256-with-a-public-key never pass.
   */
  verify(token: string): DecodedJwt {
    return verifyJwt(token, (header) => this.verifier(header.kid));
  }

  /**
   * `{keys:[...]}` as JSON; `withAlg=false` implements the tenant flag `remove_alg_from_jwks`.
   * `onCustomDomain`: the document a custom domain serves, the customer-provided keys first (docs:
   * "the custom public keys prepend to the list of Auth0-generated keys"); the canonical domain
   * never lists them ("The aggregated JWKS is served from a custom domain").
   */
  jwksJson(withAlg: boolean, onCustomDomain = false): string {
    const variant = (withAlg ? 0 : 1) + (onCustomDomain ? 2 : 0);
    let json = this.jwksDocuments[variant];
    if (json === undefined) {
      const published = onCustomDomain ? [...this.customJwks, ...this.jwks] : this.jwks;
      json = JSON.stringify({
        keys: published.map((jwk) => {
          const ordered = orderJwk(jwk);
          if (withAlg) return ordered;
          const { alg: _alg, ...rest } = ordered;
          return rest;
        }),
      });
      this.jwksDocuments[variant] = json;
    }
    return json;
  }
}

/** Auth0's member order, so our JWKS reads the same as theirs. */
function orderJwk(jwk: Record<string, unknown>): Record<string, unknown> {
  const { alg, kty, use, n, e, crv, x, y, kid, x5t, x5c, ...rest } = jwk;
  return Object.fromEntries(
    Object.entries({ alg, kty, use, n, e, crv, x, y, kid, x5t, x5c, ...rest }).filter(([, v]) => v !== undefined),
  );
}
