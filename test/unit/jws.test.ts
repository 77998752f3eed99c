import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { importJWK, jwtVerify, exportJWK } from 'jose';
import { signJwt, verifyJwt, type JwsSigningKey } from '../../src/domain/tokens/jws.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('JWS on node:crypto', () => {
  it.each([
    ['RS256', rsa],
    ['PS256', rsa],
    ['ES256', ec],
  ] as const)('%s tokens verify with jose (the reference implementation)', async (alg, pair) => {
    const key: JwsSigningKey = { alg, kid: 'k1', key: pair.privateKey };
    const token = signJwt(key, { sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 });
    const { protectedHeader, payload } = await jwtVerify(token, await importJWK(await exportJWK(pair.publicKey), alg));
    expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: 'k1' });
    expect(payload.sub).toBe('x');
    expect(verifyJwt(token, () => ({ algs: [alg], key: pair.publicKey })).payload.sub).toBe('x');
  });

  it('refuses a token whose alg differs from the key’s, whatever the token claims', () => {
    const token = signJwt({ alg: 'HS256', key: Buffer.from('secret') }, { sub: 'x' });
    expect(() => verifyJwt(token, () => ({ algs: ['RS256'], key: rsa.publicKey }))).toThrow('algorithm mismatch');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    expect(() => verifyJwt(none, () => ({ algs: ['RS256'], key: rsa.publicKey }))).toThrow();
  });

  it('refuses malformed tokens without throwing anything but JwtError', () => {
    for (const bad of ['', 'a.b', 'a.b.c.d', '!!.??.##', `${Buffer.from('[]').toString('base64url')}.e30.`]) {
      expect(() => verifyJwt(bad, () => ({ algs: ['RS256'], key: rsa.publicKey }))).toThrow();
    }
  });
});
