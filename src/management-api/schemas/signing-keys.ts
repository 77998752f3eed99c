/** The signing key objects `/api/v2/keys/signing` answers (see toSigningKeyView in ../signing-keys.ts). */
import { Type } from '@sinclair/typebox';

const Str = Type.String();
const Bool = Type.Boolean();
const opt = Type.Optional;

export const SigningKeyResponse = Type.Object(
  {
    kid: Str,
    cert: Type.String({ description: 'The X.509 certificate, PEM.' }),
    pkcs7: Str,
    fingerprint: Str,
    thumbprint: Str,
    current: Bool,
    next: Bool,
    previous: Bool,
    revoked: Bool,
    alg: opt(Type.String({ description: 'The key algorithm, present only when it is not RS256 (ES256).' })),
    current_since: opt(Str),
    current_until: opt(Str),
    revoked_at: opt(Str),
  },
  { additionalProperties: false, description: 'A signing key (public part only).' },
);

/** `rotate` and `revoke` answer with the key's certificate and id only. */
export const SigningKeyRef = Type.Object({ cert: Str, kid: Str }, { additionalProperties: false });
