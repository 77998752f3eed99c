/**
 * Cross-field rules for an application, checked on every create and update (field types and
 * lengths are the route schema's job). Messages name the field, as Auth0's do.
 */
import { invalid } from '../errors.js';
import { FIRST_PARTY_ONLY_GRANTS, type Client } from './client.js';
import { checkComplianceLevel, complianceProfileOf } from './compliance-levels.js';
import { checkMobile } from './mobile-links.js';
import { checkAliasesOwn } from './client-aliases.js';
import { hasWsFedAddon } from '../wsfed/relying-party.js';
import { urlListProblem, urlProblem, type UrlField } from './url-rules.js';

const URL_LIST_FIELDS: UrlField[] = ['callbacks', 'allowed_logout_urls', 'web_origins', 'allowed_origins'];
const METADATA_KEY = /^[A-Za-z0-9:,\-+=_*?"/\\()<>@\t ]+$/;
const MAX_METADATA_KEYS = 10;
const MAX_WEB_ORIGINS = 100;

export function checkClient(client: Client): void {
  if (/[<>]/.test(client.name)) throw invalid("Payload validation error: 'name' must not contain '<' or '>'.");
  checkUrls(client);
  checkGrantTypes(client);
  checkMetadata(client.client_metadata);
  checkRefreshToken(client);
  checkOrganizations(client);
  checkComplianceLevel(client);
  checkMobile(client);
  checkAliasesOwn(client.client_aliases ?? []);
  // The push channel needs Auth0's Guardian app (or its SDK): Tessera has neither, so it would never deliver.
  if (client.async_approval_notification_channels?.includes('guardian-push')) {
    throw invalid("Payload validation error: 'async_approval_notification_channels' cannot include 'guardian-push': Tessera has no Guardian push app; use [\"email\"].");
  }
  // WS-Fed has no consent step (an /authorize by a third-party application asks for one): its
  // tokens carry the user's profile, so only first-party applications may have the add-on.
  if (client.is_first_party === false && hasWsFedAddon(client)) {
    throw invalid("Payload validation error: 'addons.wsfed' is available to first-party applications only (is_first_party: true).");
  }
  if (client.token_endpoint_auth_method === 'none' && client.jwt_configuration.alg === 'HS256') {
    throw invalid("Payload validation error: public applications (token_endpoint_auth_method 'none') must sign ID tokens with an asymmetric algorithm; jwt_configuration.alg cannot be HS256.");
  }
}

function checkUrls(client: Client): void {
  for (const field of URL_LIST_FIELDS) {
    const problem = urlListProblem(field, client[field] as string[], { nativeApp: client.app_type === 'native' });
    if (problem) throw invalid(`Payload validation error: ${problem}.`);
  }
  if (client.web_origins.length > MAX_WEB_ORIGINS) throw invalid(`Payload validation error: 'web_origins' may list at most ${MAX_WEB_ORIGINS} origins.`);
  for (const field of ['initiate_login_uri', 'cross_origin_loc'] as const) {
    const url = client[field];
    if (url) {
      const problem = urlProblem(field, url);
      if (problem) throw invalid(`Payload validation error: '${field}' ${problem}.`);
    }
  }
}

function checkGrantTypes(client: Client): void {
  const grants = new Set(client.grant_types);
  if (client.token_endpoint_auth_method === 'none' && grants.has('client_credentials')) {
    throw invalid("Payload validation error: public applications (token_endpoint_auth_method 'none') cannot use the client_credentials grant.");
  }
  if (grants.has('urn:ietf:params:oauth:grant-type:device_code') && client.app_type !== undefined && client.app_type !== 'native') {
    throw invalid("Payload validation error: the device code grant type ('urn:ietf:params:oauth:grant-type:device_code') is only available for native applications.");
  }
  if (!client.is_first_party) {
    const firstPartyOnly = client.grant_types.filter((g) => FIRST_PARTY_ONLY_GRANTS.has(g));
    if (firstPartyOnly.length) throw invalid(`Payload validation error: third-party applications cannot use the grant type(s) ${firstPartyOnly.join(', ')}.`);
  }
  if (grants.has('urn:openid:params:grant-type:ciba') && (!client.is_first_party || client.token_endpoint_auth_method === 'none' || !client.oidc_conformant)) {
    throw invalid('Payload validation error: the CIBA grant type requires a first-party, confidential, OIDC-conformant application.');
  }
}

function checkMetadata(metadata: Record<string, string>): void {
  const keys = Object.keys(metadata);
  if (keys.length > MAX_METADATA_KEYS) throw invalid(`Payload validation error: 'client_metadata' may have at most ${MAX_METADATA_KEYS} properties.`);
  for (const key of keys) {
    if (!METADATA_KEY.test(key)) throw invalid(`Payload validation error: 'client_metadata' key "${key}" contains characters that are not allowed.`);
  }
}

function checkRefreshToken(client: Client): void {
  const rt = client.refresh_token;
  if (rt.expiration_type === 'expiring' && !rt.infinite_token_lifetime && !rt.infinite_idle_token_lifetime && rt.idle_token_lifetime > rt.token_lifetime) {
    throw invalid("Payload validation error: 'refresh_token.idle_token_lifetime' must not exceed 'refresh_token.token_lifetime'.");
  }
}

function checkOrganizations(client: Client): void {
  if (client.organization_require_behavior === 'post_login_prompt' && !client.oidc_conformant) {
    throw invalid("Payload validation error: 'organization_require_behavior' post_login_prompt requires 'oidc_conformant' to be true.");
  }
  if (!client.is_first_party && client.organization_usage !== undefined && client.organization_usage !== 'deny') {
    throw invalid("Payload validation error: third-party applications cannot use organizations ('organization_usage' must be unset or 'deny').");
  }
}

/**
 * The application settings that make its authorization requests go through PAR, and whether a given
 * value asks for it: `require_pushed_authorization_requests: true`, or a compliance level whose
 * profile requires pushed requests (every FAPI level).
 */
const PAR_SETTINGS = {
  require_pushed_authorization_requests: (value: unknown) => value === true,
  compliance_level: (value: unknown) => typeof value === 'string' && complianceProfileOf({ compliance_level: value })?.requiresPushedRequests === true,
} as const;

export type PushedAuthorizationSetting = keyof typeof PAR_SETTINGS;
export const PUSHED_AUTHORIZATION_SETTINGS = Object.keys(PAR_SETTINGS) as PushedAuthorizationSetting[];

/**
 * A setting that requires PAR needs the tenant's "Allow Pushed Authorization Requests (PAR)"
 * (`pushed_authorization_requests_supported`) first, as on Auth0: without it the application could
 * not start any authorization request. One rule for each field of PAR_SETTINGS.
 */
export function checkPushedAuthorizationSetting(field: PushedAuthorizationSetting, input: Readonly<Record<string, unknown>>, tenantAllowsPar: boolean): void {
  if (!tenantAllowsPar && PAR_SETTINGS[field](input[field])) {
    throw invalid(`Payload validation error: '${field}' needs the tenant setting 'pushed_authorization_requests_supported' (Allow Pushed Authorization Requests) to be enabled first.`);
  }
}
