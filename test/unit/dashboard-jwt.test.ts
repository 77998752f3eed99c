import { describe, expect, it } from 'vitest';
import { decodeJwtPayload } from '../../dashboard/src/lib/jwt.js';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('decodeJwtPayload', () => {
  it('decodes the payload of a compact JWS, UTF-8 included', () => {
    const token = `${encode({ alg: 'RS256' })}.${encode({ aud: 'https://api.example.com', name: 'Zoë ✓' })}.sig`;
    expect(decodeJwtPayload(token)).toEqual({ aud: 'https://api.example.com', name: 'Zoë ✓' });
  });

  it('answers undefined for what is not a JWT with an object payload', () => {
    expect(decodeJwtPayload('not-a-token')).toBeUndefined();
    expect(decodeJwtPayload(`a.${encode([1, 2])}.c`)).toBeUndefined();
    expect(decodeJwtPayload('a.@@@.c')).toBeUndefined();
    expect(decodeJwtPayload(`a.${Buffer.from('{nope').toString('base64url')}.c`)).toBeUndefined();
  });
});
