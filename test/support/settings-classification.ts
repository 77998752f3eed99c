/**
 * Every field the Management API accepts for applications, APIs and tenant settings, classified
 * (finding 19: a setting that is accepted must take effect, or be refused):
 * - `effect`: Tessera acts on it; `proof` names the code that reads it or the test that shows it.
 * - `inert`: descriptive by nature (a name, metadata) or meaningless without a feature that is refused.
 * - `refused`: not implemented; `sample` asks for the behaviour (expect a 400 naming `field`),
 *   `off` is the default an SDK or the Deploy CLI sends (expect it accepted).
 * Paths are dotted into nested objects, as `/api/v2/openapi.json` shows them.
 * security-ignored-settings.test.ts fails when the API accepts a field that is not listed here.
 */
export type Classification =
  | { kind: 'effect'; proof: string }
  | { kind: 'inert'; why: string }
  | { kind: 'refused'; sample: unknown; off: unknown; field?: string; message?: RegExp };

const effect = (proof: string): Classification => ({ kind: 'effect', proof });
const inert = (why: string): Classification => ({ kind: 'inert', why });
const refused = (sample: unknown, off: unknown, extra: { field?: string; message?: RegExp } = {}): Classification => ({ kind: 'refused', sample, off, ...extra });

export const CLIENT_FIELDS: Record<string, Classification> = {
  name: inert('display name'),
  description: inert('description'),
  logo_uri: inert('display only'),
  client_metadata: inert('the application’s own key/value data'),
  app_type: effect('domain/clients/client.ts defaultGrantTypes, client-rules.ts'),
  is_first_party: effect('password grants and consent (auth-api/authorize/complete.ts, token/grants/password.ts)'),
  oidc_conformant: refused(false, true),
  callbacks: effect('domain/oidc/authorization-request.ts checkClientAndRedirect'),
  allowed_origins: effect('auth-api/cors.ts, cross-origin/co-origins.ts'),
  web_origins: effect('web_message origin check (this file’s test), auth-api/cors.ts, co-origins.ts'),
  allowed_logout_urls: effect('auth-api/logout.ts'),
  client_aliases: effect('the WS-Fed realms: domain/wsfed/relying-party.ts audienceFor, /wsfed?wtrealm= (test/integration/wsfed.test.ts)'),
  allowed_clients: refused(['another-client-id'], []),
  grant_types: effect('auth-api/token/token-endpoint.ts, authorization-request.ts'),
  token_endpoint_auth_method: effect('auth-api/client-auth/ (methods/none.ts, methods/client-secret.ts)'),
  is_token_endpoint_ip_header_trusted: effect('token/grants/password.ts, passwordless-otp.ts'),
  'jwt_configuration.alg': refused('RS512', 'RS256'),
  'jwt_configuration.lifetime_in_seconds': effect('domain/tokens/id-token.ts'),
  'jwt_configuration.secret_encoded': effect('domain/tokens/id-token.ts'),
  'jwt_configuration.scopes': refused({ users: { actions: ['read'] } }, {}),
  'mobile.android.app_package_name': effect('auth-api/app-links.ts /.well-known/assetlinks.json (domain/clients/mobile-links.ts); test/in-process/app-links.test.ts'),
  'mobile.android.sha256_cert_fingerprints': effect('auth-api/app-links.ts /.well-known/assetlinks.json (domain/clients/mobile-links.ts); test/in-process/app-links.test.ts'),
  'mobile.ios.team_id': effect('auth-api/app-links.ts /.well-known/apple-app-site-association (domain/clients/mobile-links.ts); test/in-process/app-links.test.ts'),
  'mobile.ios.app_bundle_identifier': effect('auth-api/app-links.ts /.well-known/apple-app-site-association (domain/clients/mobile-links.ts); test/in-process/app-links.test.ts'),
  initiate_login_uri: effect('login/password-reset-routes.ts, email-verification-routes.ts'),
  sso: inert('legacy flag for non-OIDC-conformant applications, which are refused'),
  sso_disabled: refused(true, false),
  cross_origin_authentication: effect('auth-api/cross-origin/co-authenticate.ts'),
  cross_origin_loc: effect('auth-api/cross-origin/ticket-redemption.ts'),
  custom_login_page_on: inert('selects a custom login page, and custom pages are refused'),
  custom_login_page: refused('<html>custom</html>', ''),
  custom_login_page_preview: refused('<html>custom</html>', ''),
  form_template: refused('<form></form>', ''),
  // `addons.wsfed` ({} on, null off) is the WS-Fed add-on (auth-api/wsfed/, test/integration/wsfed.test.ts); every other add-on is refused.
  addons: refused({ samlp: {} }, {}, { field: 'addons.samlp' }),
  'refresh_token.rotation_type': effect('domain/tokens/refresh-token-service.ts'),
  'refresh_token.expiration_type': effect('domain/tokens/refresh-token-service.ts'),
  'refresh_token.leeway': effect('domain/tokens/refresh-token-service.ts'),
  'refresh_token.token_lifetime': effect('domain/tokens/refresh-token-service.ts'),
  'refresh_token.infinite_token_lifetime': effect('domain/tokens/refresh-token-service.ts'),
  'refresh_token.idle_token_lifetime': effect('domain/tokens/refresh-token-service.ts'),
  'refresh_token.infinite_idle_token_lifetime': effect('domain/tokens/refresh-token-service.ts'),
  'refresh_token.policies': refused([{ audience: 'urn:other', scope: ['read'] }], []),
  organization_usage: refused('require', 'deny'),
  organization_require_behavior: refused('pre_login_prompt', 'no_prompt'),
  require_pushed_authorization_requests: effect('domain/oidc/authorization-checks/pushed-request-required.ts; test/integration/par.test.ts'),
  'client_authentication_methods.private_key_jwt.credentials': effect('auth-api/client-auth/methods/private-key-jwt.ts; test/in-process/private-key-jwt.test.ts'),
  'client_authentication_methods.tls_client_auth.credentials': effect('auth-api/client-auth/methods/tls-client-auth.ts; test/integration/mtls.test.ts'),
  'client_authentication_methods.self_signed_tls_client_auth.credentials': effect('auth-api/client-auth/methods/self-signed-tls-client-auth.ts; test/integration/mtls.test.ts'),
  'signed_request_object.required': effect('auth-api/authorize/authorization-requests.ts validatedAuthorization; test/integration/private-key-jwt.test.ts (JAR)'),
  'signed_request_object.credentials': effect('domain/oidc/request-object.ts expandRequestObject; test/integration/private-key-jwt.test.ts (JAR)'),
  require_proof_of_possession: effect('domain/tokens/certificate-binding.ts bindingRequirement; test/integration/mtls.test.ts'),
  async_approval_notification_channels: effect('auth-api/ciba/bc-authorize.ts (domain/oidc/backchannel-authentication.ts requestedExpiry: email sends the approval link; guardian-push refused by client-rules.ts); test/in-process/ciba.test.ts'),
  par_request_expiry: effect('domain/oidc/pushed-authorization.ts parExpirySeconds; test/in-process/expiry.test.ts'),
  // FAPI 2.0 levels take effect (domain/clients/compliance-levels.ts; test/integration/fapi.test.ts); FAPI 1 ones are refused.
  compliance_level: effect('domain/clients/compliance-levels.ts complianceProfileOf (FAPI 1 Advanced and FAPI 2.0); test/integration/fapi1.test.ts, mtls.test.ts'),
  skip_non_verifiable_callback_uri_confirmation_prompt: refused(false, null),
  native_social_login: refused({ apple: { enabled: true } }, { apple: { enabled: false } }, { field: 'native_social_login.apple.enabled' }),
  oidc_logout: refused({ backchannel_logout_urls: ['https://app.example.com/bcl'] }, { backchannel_logout_urls: [] }, { field: 'oidc_logout.backchannel_logout_urls' }),
  oidc_backchannel_logout: refused({ backchannel_logout_urls: ['https://app.example.com/bcl'] }, {}, { field: 'oidc_backchannel_logout.backchannel_logout_urls' }),
  default_organization: refused({ organization_id: 'org_1', flows: ['client_credentials'] }, null),
  encryption_key: refused({ pub: '-----BEGIN PUBLIC KEY-----' }, null),
  session_transfer: refused({ can_create_session_transfer_token: true }, null, { field: 'session_transfer.can_create_session_transfer_token' }),
  client_secret: effect('auth-api/client-auth/methods/client-secret.ts'),
};

export const RESOURCE_SERVER_FIELDS: Record<string, Classification> = {
  identifier: effect('the audience: domain/resource-servers/resource-server-service.ts findByAudience'),
  name: inert('display name'),
  scopes: effect('domain/oidc/api-access.ts, consent'),
  signing_alg: effect('domain/tokens/access-token.ts'),
  signing_secret: effect('HS256 access tokens (domain/tokens/access-token.ts)'),
  token_lifetime: effect('domain/oidc/user-tokens.ts, token/grants/client-credentials.ts'),
  token_lifetime_for_web: effect('domain/oidc/user-tokens.ts'),
  allow_offline_access: effect('auth-api/authorize/complete.ts, token/grants/direct-login-tokens.ts'),
  allow_online_access: refused(true, false),
  skip_consent_for_verifiable_first_party_clients: effect('domain/consent/consent-rules.ts'),
  enforce_policies: effect('domain/oidc/api-access.ts'),
  token_dialect: effect('domain/tokens/access-token.ts'),
  'subject_type_authorization.user.policy': effect('domain/oidc/api-access.ts'),
  'subject_type_authorization.client.policy': effect('token/grants/client-credentials.ts'),
  // JWE access tokens (null turns them off): client-credentials.test.ts and oidc-code-flow.test.ts decrypt them with jose.
  'token_encryption.format': effect('compact-nested-jwe, the only format: domain/resource-servers/token-encryption.ts'),
  'token_encryption.encryption_key.name': inert('display name of the key'),
  'token_encryption.encryption_key.alg': effect('the JWE key management algorithm: domain/tokens/jwe.ts'),
  'token_encryption.encryption_key.kid': effect('the JWE header kid: domain/tokens/jwe.ts'),
  'token_encryption.encryption_key.pem': effect('the public key tokens are encrypted for: domain/resource-servers/token-encryption.ts'),
  'token_encryption.encryption_key.thumbprint_sha256': effect('checked against the pem, or marks an unchanged copy of the stored key: domain/resource-servers/token-encryption.ts'),
  // "standard" is the only policy: consent is always asked for rich authorization requests (auth-api/authorize/complete.ts).
  consent_policy: refused('transactional-authorization-with-mfa', 'standard'),
  authorization_details: effect('the registered types of rich authorization requests: domain/oidc/authorization-details.ts, test/integration/rich-authorization-requests.test.ts'),
  // mechanism "mtls" takes effect (certificate-binding.ts, test/integration/mtls.test.ts); DPoP is refused by name.
  proof_of_possession: refused({ mechanism: 'dpop', required: true }, null, { field: 'proof_of_possession.mechanism' }),
};

const flag = (name: string, value: Classification): [string, Classification] => [`flags.${name}`, value];

export const TENANT_SETTINGS_FIELDS: Record<string, Classification> = {
  friendly_name: effect('login/html.ts, emails'),
  picture_url: effect('login/html.ts'),
  support_email: effect('domain/attack-protection/notifications.ts'),
  support_url: inert('contact information'),
  environment_tag: inert('label'),
  default_audience: effect('authorize/authorization-requests.ts, token grants'),
  default_directory: effect('token/grants/password.ts, login/form.ts'),
  default_redirection_uri: refused('https://app.example.com/login', null),
  allowed_logout_urls: effect('auth-api/logout.ts'),
  'error_page.html': refused('<p>custom</p>', ''),
  'error_page.show_log_link': refused(true, false),
  'error_page.url': effect('login/html.ts renderErrorPage'),
  'change_password.enabled': refused(true, false),
  'change_password.html': refused('<p>custom</p>', ''),
  'guardian_mfa_page.enabled': refused(true, false),
  'guardian_mfa_page.html': refused('<p>custom</p>', ''),
  enabled_locales: refused(['en', 'fr'], ['en']),
  session_lifetime: effect('domain/sessions/session-service.ts'),
  idle_session_lifetime: effect('domain/sessions/session-service.ts'),
  session_lifetime_in_minutes: effect('domain/sessions/session-service.ts'),
  idle_session_lifetime_in_minutes: effect('domain/sessions/session-service.ts'),
  ephemeral_session_lifetime: refused(24, null),
  idle_ephemeral_session_lifetime: refused(12, null),
  'session_cookie.mode': effect('login/finish-login.ts'),
  'sessions.oidc_logout_prompt_enabled': effect('auth-api/logout.ts'),
  'oidc_logout.rp_logout_end_session_endpoint_discovery': effect('auth-api/discovery.ts'),
  'device_flow.charset': effect('domain/oidc/device-authorization.ts issuableUserCodeFormat, generateUserCode; test/in-process/device-flow.test.ts'),
  'device_flow.mask': effect('domain/oidc/device-authorization.ts issuableUserCodeFormat (a weak stored mask falls back), generateUserCode; test/in-process/device-flow.test.ts'),
  sandbox_version: inert('no Actions run on this server, so no sandbox to choose'),
  acr_values_supported: effect('auth-api/discovery.ts; domain/oidc/requested-acr.ts asserts a requested listed value in ID tokens (test/integration/fapi-conformance.test.ts); multi-factor policies refused (unsupported-settings.ts)'),
  allow_organization_name_in_authentication_api: refused(true, false),
  customize_mfa_in_postlogin_action: refused(true, false),
  pushed_authorization_requests_supported: effect('domain/tenants/features.ts pushedAuthorizationRequests: auth-api/par.ts, discovery.ts; test/integration/oidc-code-flow.test.ts'),
  authorization_response_iss_parameter_supported: effect('auth-api/authorize/response-modes.ts deliver, auth-api/discovery.ts; test/integration/oidc-code-flow.test.ts'),
  skip_non_verifiable_callback_uri_confirmation_prompt: refused(false, true),
  resource_parameter_profile: refused('compatibility', 'audience'),
  'mtls.enable_endpoint_aliases': effect('auth-api/discovery.ts mtls_endpoint_aliases, server/tenant-resolution.ts alias host; test/integration/mtls.test.ts'),
  ...Object.fromEntries([
    // Already refused as true by its own rule (Change Password Flow v2 cannot be turned off).
    flag('change_pwd_flow_v1', refused(true, false, { message: /change_pwd_flow_v1/ })),
    flag('enable_apis_section', inert('dashboard display')),
    flag('disable_impersonation', inert('impersonation does not exist here, on or off')),
    flag('enable_client_connections', effect('management-api/clients.ts (new applications get every connection)')),
    flag('enable_pipeline2', inert('Auth0-internal')),
    flag('allow_legacy_delegation_grant_types', refused(true, false)),
    flag('allow_legacy_ro_grant_types', refused(true, false)),
    flag('allow_legacy_tokeninfo_endpoint', refused(true, false)),
    flag('enable_legacy_profile', refused(true, false)),
    flag('enable_idtoken_api2', refused(true, false)),
    flag('enable_public_signup_user_exists_error', effect('auth-api/db-connections.ts, login/signup-routes.ts')),
    flag('enable_sso', refused(false, true)),
    flag('allow_changing_enable_sso', inert('dashboard permission')),
    flag('disable_clickjack_protection_headers', refused(true, false)),
    flag('no_disclose_enterprise_connections', inert('there are no enterprise connections')),
    flag('enforce_client_authentication_on_passwordless_start', effect('auth-api/passwordless/start-client-auth.ts')),
    flag('enable_adfs_waad_email_verification', inert('there are no ADFS/Azure AD connections')),
    flag('revoke_refresh_token_grant', effect('auth-api/revoke.ts')),
    flag('dashboard_log_streams_next', inert('dashboard display')),
    flag('dashboard_insights_view', inert('dashboard display')),
    flag('disable_fields_map_fix', inert('enterprise connection mapping; there are no enterprise connections')),
    flag('mfa_show_factor_list_on_enrollment', refused(true, false)),
    flag('remove_alg_from_jwks', effect('auth-api/jwks.ts')),
    flag('improved_signup_bot_detection_in_classic', refused(true, false)),
    flag('genai_trial', inert('dashboard feature')),
    flag('enable_dynamic_client_registration', effect('auth-api/dynamic-registration.ts POST /oidc/register, discovery registration_endpoint; test/in-process/dynamic-registration.test.ts')),
    flag('disable_management_api_sms_obfuscation', inert('MFA phone enrollments do not exist here')),
    flag('trust_azure_adfs_email_verified_connection_property', inert('there are no ADFS/Azure AD connections')),
    flag('custom_domains_provisioning', inert('Auth0-internal')),
    flag('use_scope_descriptions_for_consent', effect('domain/consent/scope-text.ts')),
  ]),
};

/** `{a: {b: value}}` for the path `a.b`. */
export function bodyAt(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}
