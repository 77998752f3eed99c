/**
 * A tenant's usable keys, parsed once and cached: the signer for each algorithm (its current key),
 * the verification keys by kid (current, next and previous — never revoked), and the JWKS
 * document pre-serialized, since it is fetched by every relying party.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { SigningKeyAlg, SigningKeyRecord } from '../../storage/repositories/signing-keys.js';
import { verifyJwt, type DecodedJwt, type JwsAlg, type JwsSigningKey, type JwsVerificationKey } from '../tokens/jws.js';

/**
 * The algorithms Tessera signs with a key of each family: the RSA key signs RS256 and, for
 * applications and APIs configured so, PS256 (`signerFor`). Verification accepts exactly these.
 */
const ALGS_OF_FAMILY: Readonly<Record<SigningKeyAlg, readonly JwsAlg[]>> = { RS256: ['RS256', 'PS256'], ES256: ['ES256'] };

export class KeyRing {
  private readonly signers = new Map<SigningKeyAlg, JwsSigningKey>();
  private psSigner?: JwsSigningKey;
  private readonly verifiers = new Map<string, JwsVerificationKey>();
  private readonly jwks: Array<Record<string, unknown>> = [];
  private jwksJsonWithAlg?: string;
  private jwksJsonWithoutAlg?: string;

  constructor(records: SigningKeyRecord[]) {
    // JWKS order: current first, then next, then previous.
    const order = { current: 0, next: 1, previous: 2, revoked: 3 } as const;
    const usable = records.filter((r) => r.state !== 'revoked').sort((a, b) => order[a.state] - order[b.state]);
    for (const record of usable) {
      const publicKey: KeyObject = createPublicKey({ key: record.publicJwk as any, format: 'jwk' });
      this.verifiers.set(record.kid, { algs: ALGS_OF_FAMILY[record.alg], key: publicKey });
      if (record.state === 'current') {
        this.signers.set(record.alg, { alg: record.alg, kid: record.kid, key: createPrivateKey(record.privateKeyPem) });
      }
      this.jwks.push(record.publicJwk);
    }
  }

  /** The current key for an algorithm family, or undefined when the tenant has none of that kind. */
  signer(alg: SigningKeyAlg): JwsSigningKey | undefined {
    return this.signers.get(alg);
  }

  /**
   * The current key signing with `alg`: PS256 uses the RSA family's key. One derived object per
   * key, so the signer's pre-encoded header stays cached.
   */
  signerFor(alg: Exclude<JwsAlg, 'HS256'>): JwsSigningKey | undefined {
    if (alg !== 'PS256') return this.signers.get(alg);
    const rsa = this.signers.get('RS256');
    if (!rsa) return undefined;
    return (this.psSigner ??= { ...rsa, alg: 'PS256' });
  }

  verifier(kid: unknown): JwsVerificationKey | undefined {
    return typeof kid === 'string' ? this.verifiers.get(kid) : undefined;
  }

  /**
   * Verifies a JWT signed with one of these keys (current, next or previous); throws JwtError.
   * The algorithm is one of the key's own (ALGS_OF_FAMILY), so `alg: none` and HS256-with-a-public-key never pass.
   */
  verify(token: string): DecodedJwt {
    return verifyJwt(token, (header) => this.verifier(header.kid));
  }

  /** `{keys:[...]}` as JSON; `withAlg=false` implements the tenant flag `remove_alg_from_jwks`. */
  jwksJson(withAlg: boolean): string {
    if (withAlg) return (this.jwksJsonWithAlg ??= JSON.stringify({ keys: this.jwks.map(orderJwk) }));
    return (this.jwksJsonWithoutAlg ??= JSON.stringify({
      keys: this.jwks.map((jwk) => {
        const { alg: _alg, ...rest } = orderJwk(jwk);
        return rest;
      }),
    }));
  }
}

/** Auth0's member order, so our JWKS reads the same as theirs. */
function orderJwk(jwk: Record<string, unknown>): Record<string, unknown> {
  const { alg, kty, use, n, e, crv, x, y, kid, x5t, x5c, ...rest } = jwk;
  return Object.fromEntries(
    Object.entries({ alg, kty, use, n, e, crv, x, y, kid, x5t, x5c, ...rest }).filter(([, v]) => v !== undefined),
  );
}
