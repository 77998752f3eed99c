/**
 * Tenant settings as `GET/PATCH /api/v2/tenants/settings` answer them (domain/tenants/
 * tenant-settings.ts), each property optional because `fields` may project any away. Settings are
 * stored per tenant across releases, so the object and its sub-objects stay open: a setting an
 * older release wrote is returned as it is stored, never dropped by the serializer.
 */
import { Type, type TProperties } from '@sinclair/typebox';
import { SANDBOX_VERSIONS, SUPPORTED_LOCALES, TENANT_FLAGS } from '../../domain/tenants/tenant-settings.js';
import { KnownValues, NullableOut, OneOf } from '../schema.js';

const Str = Type.String();
const Bool = Type.Boolean();
const opt = Type.Optional;
const Open = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: true });

const Flags = Open(Object.fromEntries(TENANT_FLAGS.map((flag) => [flag, opt(Bool)])));

export const TenantSettingsResponse = Type.Object(
  {
    friendly_name: opt(Str),
    picture_url: opt(Str),
    support_email: opt(Str),
    support_url: opt(Str),
    environment_tag: opt(OneOf(['development', 'staging', 'production'] as const)),
    default_audience: opt(Str),
    default_directory: opt(Str),
    default_redirection_uri: opt(NullableOut(Str)),
    allowed_logout_urls: opt(Type.Array(Str)),
    error_page: opt(NullableOut(Open({ html: opt(Str), show_log_link: opt(Bool), url: opt(Str) }))),
    change_password: opt(NullableOut(Open({ enabled: opt(Bool), html: opt(Str) }))),
    guardian_mfa_page: opt(NullableOut(Open({ enabled: opt(Bool), html: opt(Str) }))),
    enabled_locales: opt(Type.Array(KnownValues(SUPPORTED_LOCALES))),
    session_lifetime: opt(Type.Number({ description: 'Hours.' })),
    idle_session_lifetime: opt(Type.Number({ description: 'Hours.' })),
    session_lifetime_in_minutes: opt(Type.Integer()),
    idle_session_lifetime_in_minutes: opt(Type.Integer()),
    ephemeral_session_lifetime: opt(NullableOut(Type.Number())),
    idle_ephemeral_session_lifetime: opt(NullableOut(Type.Number())),
    session_cookie: opt(Open({ mode: opt(OneOf(['persistent', 'non-persistent'] as const)) })),
    sessions: opt(Open({ oidc_logout_prompt_enabled: opt(Bool) })),
    oidc_logout: opt(Open({ rp_logout_end_session_endpoint_discovery: opt(Bool) })),
    device_flow: opt(Open({ charset: opt(OneOf(['base20', 'digits'] as const)), mask: opt(Str) })),
    flags: opt(Flags),
    sandbox_version: opt(KnownValues(SANDBOX_VERSIONS)),
    acr_values_supported: opt(Type.Array(Str)),
    allow_organization_name_in_authentication_api: opt(Bool),
    customize_mfa_in_postlogin_action: opt(Bool),
    pushed_authorization_requests_supported: opt(Bool),
    authorization_response_iss_parameter_supported: opt(Bool),
    skip_non_verifiable_callback_uri_confirmation_prompt: opt(NullableOut(Bool)),
    resource_parameter_profile: opt(OneOf(['audience', 'compatibility'] as const)),
    mtls: opt(Open({ enable_endpoint_aliases: opt(Bool) })),
  },
  { additionalProperties: true, description: 'Tenant settings.' },
);
