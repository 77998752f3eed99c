/**
 * Auth0's CustomSigningKeyJWK and the `{ keys: [...] }` set `/api/v2/keys/custom-signing` takes and
 * answers. The request schema bounds every member (a base64url modulus up to 8192 bits, curve
 * coordinates up to P-521's, ten keys, ten certificates a key); what JSON Schema cannot say (an
 * `alg` of the key's own type, the modulus size, certificates of the key's own) is checked by
 * domain/keys/custom-signing-keys.ts.
 */
import { Type } from '@sinclair/typebox';
import { CUSTOM_KEY_ALGS, CUSTOM_KEY_CURVES, CUSTOM_KEY_TYPES, MAX_CUSTOM_SIGNING_KEYS } from '../../domain/keys/custom-signing-keys.js';
import { OneOf } from '../schema.js';

const opt = Type.Optional;
const Str = Type.String();
const base64url = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$', description });

/** 8192 bits are 1024 bytes, 1366 base64url characters; two more for an encoder's leading zero octet. */
const MAX_MODULUS_CHARS = 1368;
/** P-521 coordinates are 66 bytes, 88 base64url characters. */
const MAX_COORDINATE_CHARS = 88;
/** A DER certificate in base64: 16 KiB of text is far above any signing certificate's size. */
const MAX_CERTIFICATE_CHARS = 16_384;
/** The whole PUT body: ten keys with their certificates fit many times over. */
export const CUSTOM_SIGNING_KEYS_BODY_LIMIT = 256 * 1024;

export const CustomSigningJwkBody = Type.Object(
  {
    kty: OneOf(CUSTOM_KEY_TYPES),
    kid: opt(Type.String({ minLength: 1, maxLength: 255, description: 'Key identifier; required by Tessera, unique in the JWKS.' })),
    use: opt(OneOf(['sig'] as const)),
    key_ops: opt(Type.Array(OneOf(['verify'] as const), { minItems: 1, maxItems: 1 })),
    alg: opt(OneOf(CUSTOM_KEY_ALGS)),
    n: opt(base64url(MAX_MODULUS_CHARS, 'RSA modulus, at least 2048 bits.')),
    e: opt(base64url(8, 'RSA public exponent.')),
    crv: opt(OneOf(CUSTOM_KEY_CURVES)),
    x: opt(base64url(MAX_COORDINATE_CHARS, 'EC x coordinate.')),
    y: opt(base64url(MAX_COORDINATE_CHARS, 'EC y coordinate.')),
    x5u: opt(Type.String({ minLength: 9, maxLength: 2000, pattern: '^https://', description: 'X.509 URL (https); published as given, never fetched.' })),
    x5c: opt(Type.Array(Type.String({ minLength: 1, maxLength: MAX_CERTIFICATE_CHARS, pattern: '^[A-Za-z0-9+/]+={0,2}$' }), { minItems: 1, maxItems: 10 })),
    x5t: opt(Type.String({ pattern: '^[A-Za-z0-9_-]{27}$', description: 'SHA-1 thumbprint of x5c[0], base64url.' })),
    'x5t#S256': opt(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'SHA-256 thumbprint of x5c[0], base64url.' })),
  },
  { additionalProperties: false, description: 'A custom public signing key (JWK). Private members (d, p, q, dp, dq, qi, oth, k) are refused.' },
);

export const SetCustomSigningKeysBody = Type.Object(
  { keys: Type.Array(CustomSigningJwkBody, { minItems: 1, maxItems: MAX_CUSTOM_SIGNING_KEYS }) },
  { additionalProperties: false },
);

const CustomSigningJwkResponse = Type.Object(
  {
    kty: Str,
    kid: opt(Str),
    use: opt(Str),
    key_ops: opt(Type.Array(Str)),
    alg: opt(Str),
    n: opt(Str),
    e: opt(Str),
    crv: opt(Str),
    x: opt(Str),
    y: opt(Str),
    x5u: opt(Str),
    x5c: opt(Type.Array(Str)),
    x5t: opt(Str),
    'x5t#S256': opt(Str),
  },
  { additionalProperties: false },
);

export const CustomSigningKeysResponse = Type.Object(
  { keys: Type.Array(CustomSigningJwkResponse) },
  { additionalProperties: false, description: 'The tenant’s custom public signing keys (a JWKS).' },
);
