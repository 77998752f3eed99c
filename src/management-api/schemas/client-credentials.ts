/** Application credentials as `/api/v2/clients/{id}/credentials` takes and answers them (Auth0's ClientCredential). */
import { Type } from '@sinclair/typebox';
import { CREDENTIAL_ALGS, CREDENTIAL_TYPES, MAX_PEM_LENGTH } from '../../domain/clients/credential-material.js';
import { Nullable, OneOf } from '../schema.js';

const Str = Type.String();
const opt = Type.Optional;

/** The create body: `credential_type` and, by type, `pem` / `subject_dn` / `alg` / `kid` / expiry (checked in credential-material.ts). */
export const CreateCredentialBody = Type.Object(
  {
    credential_type: OneOf(CREDENTIAL_TYPES),
    name: opt(Type.String({ maxLength: 128 })),
    pem: opt(Type.String({ minLength: 1, maxLength: MAX_PEM_LENGTH })),
    subject_dn: opt(Type.String({ minLength: 1, maxLength: 256 })),
    alg: opt(OneOf(CREDENTIAL_ALGS)),
    kid: opt(Type.String({ maxLength: 64 })),
    parse_expiry_from_cert: opt(Type.Boolean()),
    expires_at: opt(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** PATCH: only the expiry changes (Auth0: "The only field you can update is the expires_at field"). */
export const UpdateCredentialBody = Type.Object({ expires_at: Nullable(Type.String({ maxLength: 64 })) }, { additionalProperties: false });

export const CredentialResponse = Type.Object({
  id: Str,
  name: Str,
  credential_type: OneOf(CREDENTIAL_TYPES),
  kid: opt(Str),
  alg: opt(Str),
  subject_dn: opt(Str),
  thumbprint_sha256: opt(Str),
  created_at: Str,
  updated_at: Str,
  expires_at: opt(Str),
});

/** `client_authentication_methods` in a PATCH: credential ids per method, or null to revert to the secret. */
const CredentialIds = Type.Object({ credentials: Type.Array(Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 2 }) }, { additionalProperties: false });
export const UpdateAuthenticationMethods = Type.Object(
  { private_key_jwt: opt(CredentialIds), tls_client_auth: opt(CredentialIds), self_signed_tls_client_auth: opt(CredentialIds) },
  { additionalProperties: false },
);

/** In a create: the credentials themselves (created and associated with the new application). */
const InlineCredentials = Type.Object({ credentials: Type.Array(CreateCredentialBody, { minItems: 1, maxItems: 2 }) }, { additionalProperties: false });
export const CreateAuthenticationMethods = Type.Object(
  { private_key_jwt: opt(InlineCredentials), tls_client_auth: opt(InlineCredentials), self_signed_tls_client_auth: opt(InlineCredentials) },
  { additionalProperties: false },
);

/** `signed_request_object` (JAR) in a PATCH: `required` and credential ids (merged into the stored object), or null to remove it. */
export const UpdateSignedRequestObject = Type.Object(
  { required: opt(Type.Boolean()), credentials: opt(Type.Array(Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }), { maxItems: 2 })) },
  { additionalProperties: false },
);

/** In a create: `required` and the credentials themselves (created and associated with the new application). */
export const CreateSignedRequestObject = Type.Object(
  { required: opt(Type.Boolean()), credentials: opt(Type.Array(CreateCredentialBody, { maxItems: 2 })) },
  { additionalProperties: false },
);
