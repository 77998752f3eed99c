/** `GET/PATCH /api/v2/tenants/settings`. */
import { Type } from '@sinclair/typebox';
import { Nullable, OneOf } from './schema.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import { SANDBOX_VERSIONS, SUPPORTED_LOCALES, TENANT_FLAGS } from '../domain/tenants/tenant-settings.js';
import { FieldsQuery, project } from './pagination.js';
import { TenantSettingsResponse } from './schemas/tenant-settings.js';
import { anyOf } from './scopes.js';

const Url = Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://' });
const UrlOrEmpty = Type.Union([Url, Type.Literal('')]);

const Flags = Type.Object(Object.fromEntries(TENANT_FLAGS.map((flag) => [flag, Type.Optional(Type.Boolean())])), { additionalProperties: false });

export const TenantSettingsPatch = Type.Object(
  {
    friendly_name: Type.Optional(Type.String({ maxLength: 255 })),
    picture_url: Type.Optional(UrlOrEmpty),
    support_email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 255 }), Type.Literal('')])),
    support_url: Type.Optional(UrlOrEmpty),
    environment_tag: Type.Optional(OneOf(['development', 'staging', 'production'] as const)),
    default_audience: Type.Optional(Type.String({ maxLength: 600 })),
    default_directory: Type.Optional(Type.String({ maxLength: 128 })),
    default_redirection_uri: Type.Optional(Nullable(Type.String({ format: 'uri', pattern: '^https://', maxLength: 2000 }))),
    allowed_logout_urls: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 100 })),
    error_page: Type.Optional(
      Nullable(
        Type.Object(
          { html: Type.Optional(Type.String({ maxLength: 102_400 })), show_log_link: Type.Optional(Type.Boolean()), url: Type.Optional(UrlOrEmpty) },
          { additionalProperties: false },
        ),
      ),
    ),
    change_password: Type.Optional(
      Nullable(Type.Object({ enabled: Type.Optional(Type.Boolean()), html: Type.Optional(Type.String({ maxLength: 102_400 })) }, { additionalProperties: false })),
    ),
    guardian_mfa_page: Type.Optional(
      Nullable(Type.Object({ enabled: Type.Optional(Type.Boolean()), html: Type.Optional(Type.String({ maxLength: 102_400 })) }, { additionalProperties: false })),
    ),
    enabled_locales: Type.Optional(Type.Array(OneOf(SUPPORTED_LOCALES), { minItems: 1, uniqueItems: true })),
    session_lifetime: Type.Optional(Type.Number({ minimum: 1 / 60, maximum: 8760 })),
    idle_session_lifetime: Type.Optional(Type.Number({ minimum: 1 / 60, maximum: 2400 })),
    session_lifetime_in_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600 })),
    idle_session_lifetime_in_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 144_000 })),
    // Null (unset) is accepted; a value is refused until ephemeral sessions exist (unsupported-settings.ts).
    ephemeral_session_lifetime: Type.Optional(Nullable(Type.Number({ minimum: 1 / 60, maximum: 8760 }))),
    idle_ephemeral_session_lifetime: Type.Optional(Nullable(Type.Number({ minimum: 1 / 60, maximum: 2400 }))),
    session_cookie: Type.Optional(
      Type.Object({ mode: OneOf(['persistent', 'non-persistent'] as const) }, { additionalProperties: false }),
    ),
    sessions: Type.Optional(Type.Object({ oidc_logout_prompt_enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
    oidc_logout: Type.Optional(Type.Object({ rp_logout_end_session_endpoint_discovery: Type.Boolean() }, { additionalProperties: false })),
    device_flow: Type.Optional(
      Type.Object(
        {
          charset: Type.Optional(OneOf(['base20', 'digits'] as const)),
          mask: Type.Optional(Type.String({ minLength: 1, maxLength: 20, pattern: '^[* -]+$' })),
        },
        { additionalProperties: false },
      ),
    ),
    flags: Type.Optional(Flags),
    sandbox_version: Type.Optional(OneOf(SANDBOX_VERSIONS)),
    acr_values_supported: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100, uniqueItems: true })),
    allow_organization_name_in_authentication_api: Type.Optional(Type.Boolean()),
    customize_mfa_in_postlogin_action: Type.Optional(Type.Boolean()),
    pushed_authorization_requests_supported: Type.Optional(Type.Boolean()),
    authorization_response_iss_parameter_supported: Type.Optional(Type.Boolean()),
    skip_non_verifiable_callback_uri_confirmation_prompt: Type.Optional(Nullable(Type.Boolean())),
    resource_parameter_profile: Type.Optional(OneOf(['audience', 'compatibility'] as const)),
    mtls: Type.Optional(Type.Object({ enable_endpoint_aliases: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const tenantSettingsRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/tenants/settings', { config: anyOf('read:tenant_settings'), schema: { querystring: FieldsQuery, response: { 200: TenantSettingsResponse } } }, async (request) => {
    return project(request.tenant.settings, request.query.fields, request.query.include_fields);
  });

  app.patch('/tenants/settings', { config: anyOf('update:tenant_settings'), schema: { body: TenantSettingsPatch, response: { 200: TenantSettingsResponse } } }, async (request) => {
    return services.tenants.updateSettings(request.tenant.id, request.body);
  });
};
