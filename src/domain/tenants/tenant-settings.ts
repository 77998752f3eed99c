/**
 * Tenant settings as the Management API shows them (`GET/PATCH /api/v2/tenants/settings`),
 * their defaults for a new tenant, and the rules a PATCH must follow beyond its JSON schema.
 */
import { invalid } from '../errors.js';
import { urlListProblem } from '../clients/url-rules.js';
import { userCodeSpaceProblem } from '../oidc/device-authorization.js';

export interface TenantFlags {
  [flag: string]: boolean;
}

export interface TenantSettings {
  friendly_name?: string;
  picture_url?: string;
  support_email?: string;
  support_url?: string;
  environment_tag?: 'development' | 'staging' | 'production';
  default_audience?: string;
  default_directory?: string;
  default_redirection_uri?: string;
  allowed_logout_urls: string[];
  error_page?: { html?: string; show_log_link?: boolean; url?: string };
  change_password?: { enabled?: boolean; html?: string };
  guardian_mfa_page?: { enabled?: boolean; html?: string };
  enabled_locales: string[];
  session_lifetime: number; // hours
  idle_session_lifetime: number; // hours
  session_lifetime_in_minutes: number;
  idle_session_lifetime_in_minutes: number;
  ephemeral_session_lifetime?: number;
  idle_ephemeral_session_lifetime?: number;
  session_cookie: { mode: 'persistent' | 'non-persistent' };
  sessions?: { oidc_logout_prompt_enabled?: boolean };
  oidc_logout: { rp_logout_end_session_endpoint_discovery: boolean };
  device_flow: { charset: 'base20' | 'digits'; mask: string };
  flags: TenantFlags;
  sandbox_version: string;
  acr_values_supported?: string[];
  allow_organization_name_in_authentication_api?: boolean;
  customize_mfa_in_postlogin_action?: boolean;
  pushed_authorization_requests_supported?: boolean;
  authorization_response_iss_parameter_supported?: boolean;
  skip_non_verifiable_callback_uri_confirmation_prompt?: boolean;
  resource_parameter_profile?: 'audience' | 'compatibility';
  mtls?: { enable_endpoint_aliases?: boolean };
}

/** Every flag Auth0 documents for tenant settings; unknown flags are rejected. */
export const TENANT_FLAGS = [
  'change_pwd_flow_v1',
  'enable_apis_section',
  'disable_impersonation',
  'enable_client_connections',
  'enable_pipeline2',
  'allow_legacy_delegation_grant_types',
  'allow_legacy_ro_grant_types',
  'allow_legacy_tokeninfo_endpoint',
  'enable_legacy_profile',
  'enable_idtoken_api2',
  'enable_public_signup_user_exists_error',
  'enable_sso',
  'allow_changing_enable_sso',
  'disable_clickjack_protection_headers',
  'no_disclose_enterprise_connections',
  'enforce_client_authentication_on_passwordless_start',
  'enable_adfs_waad_email_verification',
  'revoke_refresh_token_grant',
  'dashboard_log_streams_next',
  'dashboard_insights_view',
  'disable_fields_map_fix',
  'mfa_show_factor_list_on_enrollment',
  'remove_alg_from_jwks',
  'improved_signup_bot_detection_in_classic',
  'genai_trial',
  'enable_dynamic_client_registration',
  'disable_management_api_sms_obfuscation',
  'trust_azure_adfs_email_verified_connection_property',
  'custom_domains_provisioning',
  'use_scope_descriptions_for_consent',
] as const;

/** Universal Login languages. */
export const SUPPORTED_LOCALES = [
  'am', 'ar', 'ar-EG', 'ar-SA', 'az', 'bg', 'bn', 'bs', 'ca-ES', 'cnr', 'cs', 'cy', 'da', 'de', 'el', 'en', 'en-CA', 'es',
  'es-419', 'es-AR', 'es-MX', 'et', 'eu-ES', 'fa', 'fi', 'fr', 'fr-CA', 'fr-FR', 'gl-ES', 'gu', 'he', 'hi', 'hr', 'hu', 'hy',
  'id', 'is', 'it', 'ja', 'ka', 'kk', 'kn', 'ko', 'lt', 'lv', 'mk', 'ml', 'mn', 'mr', 'ms', 'my', 'nb', 'nl', 'nn', 'no', 'pa',
  'pl', 'pt', 'pt-BR', 'pt-PT', 'ro', 'ru', 'sk', 'sl', 'so', 'sq', 'sr', 'sv', 'sw', 'ta', 'te', 'th', 'tl', 'tr', 'uk', 'ur',
  'vi', 'zgh', 'zh-CN', 'zh-HK', 'zh-MO', 'zh-TW',
] as const;

export const SANDBOX_VERSIONS = ['18', '22'] as const;

/** Hours, as the API counts them: 7 days absolute, 3 days idle (the docs' defaults). */
const DEFAULT_SESSION_HOURS = 168;
const DEFAULT_IDLE_HOURS = 72;

export function defaultTenantSettings(): TenantSettings {
  return {
    allowed_logout_urls: [],
    enabled_locales: ['en'],
    session_lifetime: DEFAULT_SESSION_HOURS,
    idle_session_lifetime: DEFAULT_IDLE_HOURS,
    session_lifetime_in_minutes: DEFAULT_SESSION_HOURS * 60,
    idle_session_lifetime_in_minutes: DEFAULT_IDLE_HOURS * 60,
    session_cookie: { mode: 'persistent' },
    oidc_logout: { rp_logout_end_session_endpoint_discovery: true },
    device_flow: { charset: 'base20', mask: '****-****' },
    sandbox_version: '22',
    flags: {
      change_pwd_flow_v1: false,
      enable_client_connections: true,
      enable_apis_section: true,
      enable_sso: true,
      allow_legacy_delegation_grant_types: false,
      allow_legacy_ro_grant_types: false,
      allow_legacy_tokeninfo_endpoint: false,
      enable_public_signup_user_exists_error: true,
      enforce_client_authentication_on_passwordless_start: false,
      revoke_refresh_token_grant: false,
      remove_alg_from_jwks: false,
      enable_dynamic_client_registration: false,
      disable_clickjack_protection_headers: false,
    },
  };
}

/** Objects whose PATCH merges into the stored value rather than replacing it, as Auth0 does for flags. */
const MERGED_OBJECTS = new Set(['flags', 'oidc_logout', 'device_flow', 'sessions', 'session_cookie', 'mtls', 'error_page', 'change_password', 'guardian_mfa_page']);

const MAX_SESSION_MINUTES = 525_600; // 365 days
const MAX_IDLE_MINUTES = 144_000; // 100 days

/**
 * Applies a schema-valid PATCH body to the current settings, enforcing the cross-field rules.
 * Returns a new object; the input is not modified.
 */
export function applyTenantSettingsPatch(current: TenantSettings, patch: Record<string, unknown>): TenantSettings {
  const next: Record<string, unknown> = structuredClone(current) as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) {
      delete next[field];
    } else if (MERGED_OBJECTS.has(field) && typeof value === 'object' && !Array.isArray(value)) {
      next[field] = { ...((next[field] as object | undefined) ?? {}), ...(value as object) };
    } else {
      next[field] = value;
    }
  }
  const settings = next as unknown as TenantSettings;

  if (current.flags.change_pwd_flow_v1 === false && settings.flags.change_pwd_flow_v1 === true) {
    throw invalid('Change Password Flow v2 cannot be turned off once enabled (flags.change_pwd_flow_v1 cannot be set to true).');
  }
  syncSessionLifetimes(settings, patch);
  // Followed by /v2/logout when no application is named: the rules of a (non-native) application's
  // list. Checked when patched, so a value stored before this rule does not block other settings.
  if (Array.isArray(patch.allowed_logout_urls)) {
    const problem = urlListProblem('allowed_logout_urls', patch.allowed_logout_urls as string[]);
    if (problem) throw invalid(`Payload validation error: ${problem}.`);
  }
  // The charset and the mask together decide how guessable a user code is: checked whenever either
  // is patched, against the merged values (a PATCH of the charset alone can weaken a stored mask).
  // Not on other patches, so a mask stored before this rule does not block unrelated settings.
  if (patch.device_flow !== undefined) {
    const problem = userCodeSpaceProblem(settings.device_flow);
    if (problem) throw invalid(problem);
  }
  return settings;
}

/** The API carries each session lifetime twice (hours and minutes); whichever was patched wins. */
function syncSessionLifetimes(settings: TenantSettings, patch: Record<string, unknown>): void {
  if (patch.session_lifetime_in_minutes !== undefined) settings.session_lifetime = settings.session_lifetime_in_minutes / 60;
  else if (patch.session_lifetime !== undefined) settings.session_lifetime_in_minutes = Math.round(settings.session_lifetime * 60);
  if (patch.idle_session_lifetime_in_minutes !== undefined) settings.idle_session_lifetime = settings.idle_session_lifetime_in_minutes / 60;
  else if (patch.idle_session_lifetime !== undefined) settings.idle_session_lifetime_in_minutes = Math.round(settings.idle_session_lifetime * 60);

  if (settings.session_lifetime_in_minutes < 1 || settings.session_lifetime_in_minutes > MAX_SESSION_MINUTES) {
    throw invalid(`session_lifetime must be between 1 minute and ${MAX_SESSION_MINUTES / 60} hours.`);
  }
  if (settings.idle_session_lifetime_in_minutes < 1 || settings.idle_session_lifetime_in_minutes > MAX_IDLE_MINUTES) {
    throw invalid(`idle_session_lifetime must be between 1 minute and ${MAX_IDLE_MINUTES / 60} hours.`);
  }
}
