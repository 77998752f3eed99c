/**
 * Pins the key ring's answers across its reshape by use and algorithm: the JWKS document
 * byte for byte (keys, member order, with and without `alg`), which key signs each algorithm, and
 * which keys verify which algorithms.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { createSigningKey } from '../../src/domain/keys/key-material.js';
import { KeyRing } from '../../src/domain/keys/key-ring.js';
import { signJwt } from '../../src/domain/tokens/jws.js';
import type { SigningKeyAlg, SigningKeyRecord, SigningKeyState } from '../../src/storage/repositories/signing-keys.js';

const key = (alg: SigningKeyAlg, state: SigningKeyState) => createSigningKey({ tenantId: 'ten_1', tenantDomain: 'acme.example.com', alg, state });

/** The JWKS member order Auth0 uses, written out literally. */
function expectedJwk(record: SigningKeyRecord, withAlg: boolean): Record<string, unknown> {
  const jwk = record.publicJwk;
  const head = withAlg ? { alg: jwk.alg } : {};
  if (jwk.kty === 'RSA') return { ...head, kty: 'RSA', use: 'sig', n: jwk.n, e: jwk.e, kid: record.kid, x5t: jwk.x5t, x5c: jwk.x5c };
  return { ...head, kty: 'EC', use: 'sig', crv: 'P-256', x: jwk.x, y: jwk.y, kid: record.kid, x5t: jwk.x5t, x5c: jwk.x5c };
}

describe('KeyRing', () => {
  describe("a fresh tenant's keys (RS256 current and next)", () => {
    let current: SigningKeyRecord;
    let next: SigningKeyRecord;
    beforeAll(async () => {
      [next, current] = await Promise.all([key('RS256', 'next'), key('RS256', 'current')]);
    });

    it('publishes current then next, byte for byte, with and without alg', () => {
      const ring = new KeyRing([next, current]);
      expect(ring.jwksJson(true)).toBe(JSON.stringify({ keys: [expectedJwk(current, true), expectedJwk(next, true)] }));
      expect(ring.jwksJson(false)).toBe(JSON.stringify({ keys: [expectedJwk(current, false), expectedJwk(next, false)] }));
      // The members as a relying party sees them, spelled out once.
      expect(Object.keys(JSON.parse(ring.jwksJson(true)).keys[0])).toEqual(['alg', 'kty', 'use', 'n', 'e', 'kid', 'x5t', 'x5c']);
      expect(Object.keys(JSON.parse(ring.jwksJson(false)).keys[1])).toEqual(['kty', 'use', 'n', 'e', 'kid', 'x5t', 'x5c']);
    });

    it('signs RS256 and PS256 with the current key, and has no ES256 signer', () => {
      const ring = new KeyRing([next, current]);
      expect(ring.signerFor('RS256')).toMatchObject({ alg: 'RS256', kid: current.kid });
      expect(ring.signerFor('PS256')).toMatchObject({ alg: 'PS256', kid: current.kid });
      // One derived object, so the signer's pre-encoded header stays cached.
      expect(ring.signerFor('PS256')).toBe(ring.signerFor('PS256'));
      expect(ring.signerFor('ES256')).toBeUndefined();
    });
  });

  describe('both families, through rotations', () => {
    let records: Record<string, SigningKeyRecord>;
    beforeAll(async () => {
      const [rsCurrent, rsNext, rsPrevious, rsRevoked, esCurrent, esNext] = await Promise.all([
        key('RS256', 'current'), key('RS256', 'next'), key('RS256', 'previous'), key('RS256', 'revoked'), key('ES256', 'current'), key('ES256', 'next'),
      ]);
      records = { rsCurrent: rsCurrent!, rsNext: rsNext!, rsPrevious: rsPrevious!, rsRevoked: rsRevoked!, esCurrent: esCurrent!, esNext: esNext! };
    });
    const ring = () => new KeyRing([records.rsNext!, records.esCurrent!, records.rsPrevious!, records.rsRevoked!, records.rsCurrent!, records.esNext!]);

    it('publishes current, next, previous (stable within a state), never revoked keys', () => {
      const order = ['esCurrent', 'rsCurrent', 'rsNext', 'esNext', 'rsPrevious'];
      for (const withAlg of [true, false]) {
        expect(ring().jwksJson(withAlg)).toBe(JSON.stringify({ keys: order.map((name) => expectedJwk(records[name]!, withAlg)) }));
      }
      expect(Object.keys(JSON.parse(ring().jwksJson(true)).keys[0])).toEqual(['alg', 'kty', 'use', 'crv', 'x', 'y', 'kid', 'x5t', 'x5c']);
    });

    it('signs each algorithm with its family’s current key', () => {
      expect(ring().signerFor('RS256')).toMatchObject({ alg: 'RS256', kid: records.rsCurrent!.kid });
      expect(ring().signerFor('PS256')).toMatchObject({ alg: 'PS256', kid: records.rsCurrent!.kid });
      expect(ring().signerFor('ES256')).toMatchObject({ alg: 'ES256', kid: records.esCurrent!.kid });
    });

    it('verifies with current, next and previous keys in their family’s algorithms only', () => {
      const r = ring();
      expect(r.verifier(records.rsPrevious!.kid)?.algs).toEqual(['RS256', 'PS256']);
      expect(r.verifier(records.esNext!.kid)?.algs).toEqual(['ES256']);
      expect(r.verifier(records.rsRevoked!.kid)).toBeUndefined();
      expect(r.verifier(42)).toBeUndefined();
      for (const alg of ['RS256', 'PS256', 'ES256'] as const) {
        const signer = r.signerFor(alg)!;
        expect(r.verify(signJwt(signer, { sub: 'x' })).header).toEqual({ alg, typ: 'JWT', kid: signer.kid });
      }
      // The same keys, looked up by kid and algorithm.
      expect(r.verifierFor(records.rsPrevious!.kid, 'PS256')).toBe(r.verifier(records.rsPrevious!.kid));
      expect(r.verifierFor(records.esCurrent!.kid, 'ES256')).toBe(r.verifier(records.esCurrent!.kid));
      expect(r.verifierFor(records.esCurrent!.kid, 'RS256')).toBeUndefined();
      expect(r.verifierFor(records.rsCurrent!.kid, 'HS256')).toBeUndefined();
      expect(r.verifierFor(records.rsCurrent!.kid, 'none')).toBeUndefined();
      expect(r.verifierFor(records.rsRevoked!.kid, 'RS256')).toBeUndefined();
      // A token claiming PS256 from the EC key's kid is refused: the algorithm comes from the key.
      const forged = signJwt({ ...r.signerFor('ES256')!, alg: 'PS256', key: r.signerFor('RS256')!.key }, { sub: 'x' });
      expect(() => r.verify(forged)).toThrow('algorithm mismatch');
    });
  });

  it('publishes customer-provided keys first on a custom domain only, and never verifies with them', async () => {
    const [current, next] = await Promise.all([key('RS256', 'current'), key('RS256', 'next')]);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { x, y } = publicKey.export({ format: 'jwk' });
    const custom = { kty: 'EC', kid: 'customer', alg: 'ES256', crv: 'P-256', x: x!, y: y! };
    const ring = new KeyRing([current, next], [custom]);
    expect(ring.jwksJson(true)).toBe(JSON.stringify({ keys: [expectedJwk(current, true), expectedJwk(next, true)] }));
    expect(ring.jwksJson(true, true)).toBe(JSON.stringify({ keys: [{ alg: 'ES256', kty: 'EC', crv: 'P-256', x, y, kid: 'customer' }, expectedJwk(current, true), expectedJwk(next, true)] }));
    expect(JSON.parse(ring.jwksJson(false, true)).keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x, y, kid: 'customer' });
    expect(ring.verifier('customer')).toBeUndefined();
    const signed = signJwt({ alg: 'ES256', kid: 'customer', key: privateKey }, { sub: 'x' });
    expect(() => ring.verify(signed)).toThrow();
  });

  it('gives the application certificate (the current RS256 key’s) in Auth0’s formats', async () => {
    const [current, next, es] = await Promise.all([key('RS256', 'current'), key('RS256', 'next'), key('ES256', 'current')]);
    const certificate = new KeyRing([es, next, current]).applicationCertificate()!;
    expect(certificate.pem).toBe(current.certPem);
    expect(certificate.der.toString('base64')).toBe((current.publicJwk.x5c as string[])[0]);
    expect(certificate.subject).toBe('/CN=acme.example.com');
    expect(certificate.thumbprint).toBe(certificate.fingerprint.replaceAll(':', ''));
    expect(certificate.pkcs7).toMatch(/^-----BEGIN PKCS7-----\n/);
    expect(new KeyRing([es]).applicationCertificate()).toBeUndefined();
  });

  it('holds no encryption keys yet: signature keys never decrypt', async () => {
    const current = await key('RS256', 'current');
    const ring = new KeyRing([current]);
    expect(ring.decrypterFor(current.kid, 'RSA-OAEP-256')).toBeUndefined();
    expect(ring.decrypterFor('nope', 'RSA-OAEP-256')).toBeUndefined();
  });
});
