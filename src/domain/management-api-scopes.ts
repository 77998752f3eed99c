/**
 * The permissions of the system API (the Management API, `https://{domain}/api/v2/`).
 * Every tenant's system API carries all of them; the bootstrap application is granted all of them.
 */
const RESOURCES_CRUD = [
  'client_grants', 'users', 'users_app_metadata', 'user_custom_blocks', 'clients', 'client_keys', 'client_credentials',
  'connections', 'resource_servers', 'device_credentials', 'rules', 'hooks', 'actions', 'email_provider',
  'custom_domains', 'email_templates', 'roles', 'role_members', 'log_streams', 'organizations', 'organization_members',
  'organization_connections', 'organization_member_roles', 'organization_invitations', 'authentication_methods',
  'phone_providers', 'phone_templates', 'encryption_keys', 'self_service_profiles', 'forms', 'flows',
  'flows_vault_connections', 'custom_signing_keys', 'scim_config', 'shields', 'guardian_enrollments',
  'network_acls', 'event_streams', 'token_exchange_profiles', 'user_attribute_profiles', 'connection_profiles',
] as const;

const EXTRA_SCOPES = [
  'read:rules_configs', 'update:rules_configs', 'delete:rules_configs',
  'blacklist:tokens', 'read:stats', 'read:insights',
  'read:tenant_settings', 'update:tenant_settings',
  'read:logs', 'read:logs_users',
  'read:anomaly_blocks', 'delete:anomaly_blocks',
  'read:triggers', 'update:triggers',
  'read:grants', 'delete:grants',
  'read:guardian_factors', 'update:guardian_factors', 'create:guardian_enrollment_tickets',
  'read:user_idp_tokens', 'create:user_tickets',
  'create:passwords_checking_job', 'delete:passwords_checking_job',
  'read:mfa_policies', 'update:mfa_policies',
  'read:prompts', 'update:prompts',
  'read:branding', 'update:branding', 'delete:branding',
  'read:signing_keys', 'create:signing_keys', 'update:signing_keys',
  'read:limits', 'update:limits',
  'read:entitlements',
  'read:attack_protection', 'update:attack_protection',
  'read:organizations_summary',
  'create:scim_token', 'read:scim_token', 'delete:scim_token',
  'read:sessions', 'delete:sessions',
  'read:refresh_tokens', 'delete:refresh_tokens',
  'create:sso_access_tickets',
  'read:flows_vault', 'read:flows_executions', 'delete:flows_executions',
  'read:connections_options', 'update:connections_options',
  'read:self_service_profile_custom_texts', 'update:self_service_profile_custom_texts',
] as const;

/**
 * The only Management API scopes a user flow (authorize, password, password-realm, passwordless,
 * cross-origin, refresh) may carry: they act on the logged-in user alone (docs: "Get Management API
 * Access Tokens for Single-Page Applications"). Any other scope asked for by a user flow is dropped.
 */
export const CURRENT_USER_SCOPES: ReadonlySet<string> = new Set([
  'read:current_user',
  'update:current_user_metadata',
  'create:current_user_metadata',
  'delete:current_user_metadata',
  'update:current_user_identities',
  'create:current_user_device_credentials',
  'delete:current_user_device_credentials',
]);

/**
 * TESSERA EXTENSIONS (not Auth0 scopes). `read:dev_outbox` reads the development outbox, which
 * holds live links (password reset tickets): deliberately not implied by `read:email_provider`,
 * and only the bootstrap application holds it unless an administrator grants it.
 */
export const TESSERA_EXTENSION_SCOPES = ['read:dev_outbox'] as const;

export const MANAGEMENT_API_SCOPES: readonly string[] = [
  ...RESOURCES_CRUD.flatMap((resource) => ['read', 'create', 'update', 'delete'].map((verb) => `${verb}:${resource}`)),
  ...EXTRA_SCOPES,
  ...CURRENT_USER_SCOPES,
  ...TESSERA_EXTENSION_SCOPES,
];

export const MANAGEMENT_API_NAME = 'Auth0 Management API';

/** Path of the Management API on every host of a tenant (its identifier is built by PublicOrigin). */
export const MANAGEMENT_API_PATH = '/api/v2/';

/** The system API's `scopes` entries for these values, described by their own words (`read:users` → "read users"). */
export const managementApiScopeEntries = (values: readonly string[]): Array<{ value: string; description: string }> =>
  values.map((value) => ({ value, description: value.replace(':', ' ').replace(/_/g, ' ') }));
