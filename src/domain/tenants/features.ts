/**
 * Which optional protocol features are on for a tenant, read from its settings in this one place,
 * so that discovery and the endpoints agree. Today almost all are fixed; each wave-2 feature (PAR,
 * JAR, device flow, CIBA, private_key_jwt, mTLS) adds its flag here, read from the tenant's
 * setting, and the grant or client authentication method it brings names that flag (`feature`)
 * in its registry entry: off, the method or grant is neither offered nor advertised.
 */
import type { TenantSettings } from './tenant-settings.js';
import { MULTI_FACTOR_ACR_VALUES } from '../oidc/requested-acr.js';

export interface TenantFeatures {
  /**
   * `response_type` values `/authorize` accepts, in discovery order and spelling (the authorization
   * request parser accepts any order of the same words).
   */
  readonly responseTypes: readonly string[];
  /** `response_mode` values `/authorize` delivers with (authorize/response-modes.ts). */
  readonly responseModes: readonly string[];
  /** PKCE methods (RFC 7636); `plain` stays for Auth0 compatibility. */
  readonly codeChallengeMethods: readonly string[];
  /** JAR (RFC 9101) `request` objects, signed with an application's credential (domain/oidc/request-object.ts). */
  readonly requestObjects: boolean;
  /** `request_uri` by reference to a URL (JAR, RFC 9101 §5): not implemented. PAR's own URNs are `pushedAuthorizationRequests`. */
  readonly requestUris: boolean;
  /**
   * Pushed Authorization Requests (RFC 9126): `POST /oauth/par` and `/authorize?request_uri=urn:…`
   * (tenant setting `pushed_authorization_requests_supported`, Auth0's "Allow Pushed Authorization
   * Requests (PAR)", default off).
   */
  readonly pushedAuthorizationRequests: boolean;
  /** RP-initiated logout advertised as `end_session_endpoint` (tenant setting `oidc_logout.rp_logout_end_session_endpoint_discovery`). */
  readonly endSessionDiscovery: boolean;
  /** Authentication context class references the tenant advertises (`acr_values_supported`). */
  readonly acrValues: readonly string[];
  /**
   * RFC 9207: authorization responses (and their errors) carry the issuer as `iss`, so that a client
   * talking to several servers can tell which one answered (mix-up attacks). Tenant setting
   * `authorization_response_iss_parameter_supported`, off by default as on Auth0 (compatibility).
   */
  readonly authorizationResponseIss: boolean;
  /**
   * Open Dynamic Client Registration (`POST /oidc/register`, auth-api/dynamic-registration.ts) and
   * discovery's `registration_endpoint`: tenant flag `enable_dynamic_client_registration`, off by default.
   */
  readonly dynamicClientRegistration: boolean;
}

/** The on/off features: what a registry entry may name as its `feature`. */
export type BooleanFeature = { [K in keyof TenantFeatures]: TenantFeatures[K] extends boolean ? K : never }[keyof TenantFeatures];

const RESPONSE_TYPES = ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'] as const;
const RESPONSE_MODES = ['query', 'fragment', 'form_post', 'web_message'] as const;
const CODE_CHALLENGE_METHODS = ['S256', 'plain'] as const;

export function tenantFeatures(settings: TenantSettings): TenantFeatures {
  return {
    responseTypes: RESPONSE_TYPES,
    responseModes: RESPONSE_MODES,
    codeChallengeMethods: CODE_CHALLENGE_METHODS,
    requestObjects: true,
    requestUris: false,
    pushedAuthorizationRequests: settings.pushed_authorization_requests_supported === true,
    endSessionDiscovery: Boolean(settings.oidc_logout.rp_logout_end_session_endpoint_discovery),
    // What Tessera may assert: the tenant's list less the multi-factor policies (never performed here;
    // refused in the setting since issue 17, skipped for a value stored before).
    acrValues: (settings.acr_values_supported ?? []).filter((value) => !MULTI_FACTOR_ACR_VALUES.has(value)),
    authorizationResponseIss: settings.authorization_response_iss_parameter_supported === true,
    dynamicClientRegistration: settings.flags.enable_dynamic_client_registration === true,
  };
}

/** Whether a registry entry behind `feature` (none: always there) is on for the tenant. */
export const featureOn = (features: TenantFeatures, feature: BooleanFeature | undefined): boolean => feature === undefined || features[feature];
