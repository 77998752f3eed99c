/**
 * The API (resource server) object as `/api/v2/resource-servers` answers it (domain/resource-servers/
 * resource-server.ts and buildResourceServer()), each property optional because `fields` may
 * project any away. Open: Auth0 fields Tessera only stores are returned as given.
 */
import { Type } from '@sinclair/typebox';
import { NullableOut, OneOf, OpenObject } from '../schema.js';

const Str = Type.String();
const Bool = Type.Boolean();
const opt = Type.Optional;

export const SIGNING_ALGS = ['HS256', 'RS256', 'PS256', 'ES256'] as const;
export const TOKEN_DIALECTS = ['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'] as const;
export const USER_POLICIES = ['allow_all', 'require_client_grant', 'deny_all'] as const;
export const CLIENT_POLICIES = ['require_client_grant', 'deny_all'] as const;
export const CONSENT_POLICIES = ['transactional-authorization-with-mfa', 'standard'] as const;

export const ResourceServerResponse = Type.Object(
  {
    id: opt(Str),
    name: opt(Str),
    identifier: opt(Str),
    is_system: opt(Bool),
    scopes: opt(Type.Array(Type.Object({ value: Str, description: opt(Str) }))),
    signing_alg: opt(OneOf(SIGNING_ALGS)),
    signing_secret: opt(Str),
    token_lifetime: opt(Type.Integer()),
    token_lifetime_for_web: opt(Type.Integer()),
    allow_offline_access: opt(Bool),
    allow_online_access: opt(Bool),
    skip_consent_for_verifiable_first_party_clients: opt(Bool),
    enforce_policies: opt(Bool),
    token_dialect: opt(OneOf(TOKEN_DIALECTS)),
    subject_type_authorization: opt(
      Type.Object({ user: opt(Type.Object({ policy: OneOf(USER_POLICIES) })), client: opt(Type.Object({ policy: OneOf(CLIENT_POLICIES) })) }),
    ),
    // Never the key material: Auth0 does not return the pem after creation (presentResourceServer).
    token_encryption: opt(
      NullableOut(
        Type.Object(
          {
            format: Str,
            encryption_key: Type.Object({ name: opt(Str), alg: Str, kid: opt(Str), thumbprint_sha256: Str }, { additionalProperties: false }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    consent_policy: opt(NullableOut(OneOf(CONSENT_POLICIES))),
    authorization_details: opt(NullableOut(Type.Array(Type.Object({ type: Str }, { additionalProperties: false })))),
    proof_of_possession: opt(NullableOut(OpenObject())),
  },
  { additionalProperties: true, description: 'An API (resource server).' },
);
