/**
 * The application (client) object as `/api/v2/clients` answers it: every field domain/clients/
 * client.ts and buildClient() can give it, each optional because `fields` may project any away
 * (and `client_secret` shows only with `read:client_keys`). The object stays open: Auth0 fields
 * Tessera only stores are returned as given.
 */
import { Type } from '@sinclair/typebox';
import { APP_TYPES, GRANT_TYPES } from '../../domain/clients/client.js';
import { KnownValues, NullableOut, OneOf, OpenObject } from '../schema.js';
import { CREDENTIAL_METHODS } from '../../domain/clients/authentication-methods.js';

const Str = Type.String();
const Bool = Type.Boolean();
const Strings = Type.Array(Str);
const opt = Type.Optional;

export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
export const COMPLIANCE_LEVELS = ['none', 'fapi1_adv_pkj_par', 'fapi1_adv_mtls_par', 'fapi2_sp_pkj_mtls', 'fapi2_sp_mtls_mtls'] as const;
export const ORGANIZATION_USAGES = ['deny', 'allow', 'require'] as const;
export const ORGANIZATION_REQUIRE_BEHAVIORS = ['no_prompt', 'pre_login_prompt', 'post_login_prompt'] as const;

const JwtConfigurationOut = Type.Object({
  alg: opt(OneOf(['HS256', 'RS256', 'PS256', 'RS512'] as const)),
  lifetime_in_seconds: opt(Type.Integer()),
  secret_encoded: opt(Bool),
  scopes: opt(OpenObject()),
});

const RefreshTokenOut = Type.Object({
  rotation_type: opt(OneOf(['rotating', 'non-rotating'] as const)),
  expiration_type: opt(OneOf(['expiring', 'non-expiring'] as const)),
  leeway: opt(Type.Integer()),
  token_lifetime: opt(Type.Integer()),
  infinite_token_lifetime: opt(Bool),
  idle_token_lifetime: opt(Type.Integer()),
  infinite_idle_token_lifetime: opt(Bool),
  policies: opt(NullableOut(Type.Array(Type.Object({ audience: Str, scope: Strings })))),
});

const MobileOut = Type.Object({
  android: opt(Type.Object({ app_package_name: opt(Str), sha256_cert_fingerprints: opt(Strings) })),
  ios: opt(Type.Object({ team_id: opt(Str), app_bundle_identifier: opt(Str) })),
});

/** Auth0's `signing_keys`: the certificate the application's tokens are signed with (the tenant's application signing key). */
export const ClientSigningKeyOut = Type.Object({
  cert: Type.String({ description: 'The signing certificate, X.509 PEM.' }),
  pkcs7: Type.String({ description: 'The same certificate as a certs-only PKCS#7 (P7B), PEM.' }),
  subject: Type.String({ description: 'The certificate subject, `/CN={tenant domain}`.' }),
});

/** Auth0's `client_authentication_methods`: the credential ids each method accepts. */
export const ClientAuthenticationMethodsOut = Type.Object(
  Object.fromEntries(CREDENTIAL_METHODS.map((method) => [method, opt(Type.Object({ credentials: Type.Array(Type.Object({ id: Str })) }))])),
);

/** Auth0's `signed_request_object` (JAR): whether request objects are required, and the credential ids that verify them. */
export const SignedRequestObjectOut = Type.Object({ required: Bool, credentials: Type.Array(Type.Object({ id: Str })) });

export const ClientResponse = Type.Object(
  {
    tenant: opt(Type.String({ description: 'The tenant name.' })),
    client_id: opt(Str),
    client_secret: opt(Type.String({ description: 'Shown only to tokens with read:client_keys, and once in the creation response.' })),
    name: opt(Str),
    description: opt(Str),
    logo_uri: opt(Str),
    app_type: opt(OneOf(APP_TYPES)),
    is_first_party: opt(Bool),
    oidc_conformant: opt(Bool),
    global: opt(Bool),
    callbacks: opt(Strings),
    allowed_origins: opt(Strings),
    web_origins: opt(Strings),
    allowed_logout_urls: opt(Strings),
    client_aliases: opt(Strings),
    allowed_clients: opt(Strings),
    grant_types: opt(Type.Array(KnownValues(GRANT_TYPES))),
    token_endpoint_auth_method: opt(NullableOut(OneOf(TOKEN_ENDPOINT_AUTH_METHODS))),
    client_authentication_methods: opt(ClientAuthenticationMethodsOut),
    signed_request_object: opt(SignedRequestObjectOut),
    is_token_endpoint_ip_header_trusted: opt(Bool),
    jwt_configuration: opt(JwtConfigurationOut),
    client_metadata: opt(Type.Record(Type.String(), Str)),
    mobile: opt(MobileOut),
    initiate_login_uri: opt(Str),
    sso: opt(Bool),
    sso_disabled: opt(Bool),
    cross_origin_authentication: opt(Bool),
    cross_origin_loc: opt(Str),
    custom_login_page_on: opt(Bool),
    custom_login_page: opt(Str),
    custom_login_page_preview: opt(Str),
    form_template: opt(Str),
    addons: opt(OpenObject()),
    refresh_token: opt(RefreshTokenOut),
    organization_usage: opt(OneOf(ORGANIZATION_USAGES)),
    organization_require_behavior: opt(OneOf(ORGANIZATION_REQUIRE_BEHAVIORS)),
    require_pushed_authorization_requests: opt(Bool),
    require_proof_of_possession: opt(Bool),
    par_request_expiry: opt(NullableOut(Type.Integer())),
    async_approval_notification_channels: opt(NullableOut(Type.Array(Str))),
    compliance_level: opt(NullableOut(OneOf(COMPLIANCE_LEVELS))),
    skip_non_verifiable_callback_uri_confirmation_prompt: opt(NullableOut(Bool)),
    native_social_login: opt(OpenObject()),
    oidc_logout: opt(OpenObject()),
    oidc_backchannel_logout: opt(OpenObject()),
    default_organization: opt(NullableOut(OpenObject())),
    encryption_key: opt(NullableOut(OpenObject())),
    session_transfer: opt(NullableOut(OpenObject())),
    signing_keys: opt(Type.Array(ClientSigningKeyOut)),
  },
  { additionalProperties: true, description: 'An application (Auth0 client).' },
);
