/**
 * Settings Tessera accepts in Auth0's schemas but does not implement (yet). The rule: a field the
 * Management API accepts takes effect, or it is refused with a 400 naming it. Storing such a value
 * and ignoring it would silently weaken a tenant imported from Auth0 (tokens that should be
 * encrypted going out as plain JWS, a PAR requirement not enforced, ...).
 *
 * The "off" value of each setting (its Auth0 default, null, an empty list or object) is accepted,
 * because Auth0's SDKs and Deploy CLI send defaults for many of them; only a value asking for the
 * missing behaviour is refused. This is the one place these refusals live: clients, resource
 * servers, tenant settings, attack protection and connection options check their create/PATCH
 * bodies here before anything else, and a
 * later feature that implements one of them deletes its entry.
 */
import { invalid } from './errors.js';
import { MULTI_FACTOR_ACR_VALUES } from './oidc/requested-acr.js';

interface UnsupportedSetting {
  /** Dotted path into the request body; `*` stands for every key of an object (e.g. each add-on). */
  path: string;
  /** True for the values that ask for nothing Tessera lacks. */
  isOff: (value: unknown) => boolean;
  /** What is accepted, for the error message. */
  accepted: string;
  /** Keys a `*` of the path does not stand for (implemented members of an otherwise refused object). */
  except?: readonly string[];
}

const isEmpty = (value: unknown): boolean =>
  value === null ||
  value === undefined ||
  value === false ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && !Array.isArray(value) && Object.values(value as object).every(isEmpty));

const oneOf =
  (...allowed: unknown[]) =>
  (value: unknown): boolean =>
    value === null || allowed.includes(value);

const off = (path: string, accepted = 'false, null or empty'): UnsupportedSetting => ({ path, isOff: isEmpty, accepted });
const only = (path: string, ...allowed: unknown[]): UnsupportedSetting => ({ path, isOff: oneOf(...allowed), accepted: allowed.map((v) => JSON.stringify(v)).join(', ') + ' or null' });

/** Applications (`POST/PATCH /api/v2/clients`). */
export const UNSUPPORTED_CLIENT_SETTINGS: readonly UnsupportedSetting[] = [
  // Legacy, non-OIDC-conformant flows do not exist here: every application behaves as conformant.
  only('oidc_conformant', true),
  // Legacy delegation (`/delegation`) is not implemented.
  off('allowed_clients'),
  // ID tokens are signed RS256, PS256 or HS256; an RS512 request would silently come out RS256.
  only('jwt_configuration.alg', 'RS256', 'PS256', 'HS256'),
  // Scopes for legacy delegation tokens.
  off('jwt_configuration.scopes'),
  // Tessera always keeps a single sign-on session at the authorization server.
  only('sso_disabled', false),
  // Classic Login custom pages are not rendered.
  off('custom_login_page'),
  off('custom_login_page_preview'),
  off('form_template'),
  // Of the add-ons only WS-Fed is implemented (domain/wsfed/); any other named one (SAML, AWS,
  // Firebase, ...) is refused.
  { path: 'addons.*', except: ['wsfed'], isOff: (value) => value === null || value === undefined, accepted: 'no add-ons but wsfed' },
  // WS-Fed is on with `{}` and off with null: Auth0 keeps its configuration elsewhere (the reply
  // URLs in `callbacks`, the realms in `client_aliases`), so a key inside it would be ignored.
  { path: 'addons.wsfed', isOff: (value) => value === null || (typeof value === 'object' && !Array.isArray(value)), accepted: '{} or null' },
  { path: 'addons.wsfed.*', isOff: (value) => value === undefined, accepted: '{}: the WS-Fed add-on has no settings of its own' },
  // Refresh token policies per audience (multi-resource refresh tokens).
  off('refresh_token.policies'),
  // Organizations are not implemented.
  only('organization_usage', 'deny'),
  only('organization_require_behavior', 'no_prompt'),
  off('default_organization'),
  // No confirmation prompt is shown for non-verifiable (custom scheme) callbacks.
  only('skip_non_verifiable_callback_uri_confirmation_prompt', true),
  // Native social login (token exchange of Apple/Google/Facebook native tokens).
  { path: 'native_social_login.*.enabled', isOff: isEmpty, accepted: 'false' },
  // Back-channel logout notifications are not sent.
  off('oidc_logout.backchannel_logout_urls'),
  off('oidc_backchannel_logout.backchannel_logout_urls'),
  // Encryption of SAML/WS-Fed assertions: WS-Fed assertions go out signed, never encrypted.
  off('encryption_key'),
  // Native-to-web session transfer tokens.
  off('session_transfer.can_create_session_transfer_token'),
  off('session_transfer.allow_refresh_token'),
];

/** APIs (`POST/PATCH /api/v2/resource-servers`). */
export const UNSUPPORTED_RESOURCE_SERVER_SETTINGS: readonly UnsupportedSetting[] = [
  // Online refresh tokens are not issued.
  only('allow_online_access', false),
  // Transactional authorization hands the consent to a Post-Login Action and an MFA push
  // notification; Tessera has neither, so only the standard policy (the consent page, always shown
  // for rich authorization requests) is accepted. (`authorization_details` is implemented:
  // domain/oidc/authorization-details.ts. `proof_of_possession` with mechanism "mtls" is
  // implemented; "dpop" is refused by certificate-binding.ts checkProofOfPossession.)
  {
    path: 'consent_policy',
    isOff: oneOf('standard'),
    accepted: '"standard" or null; transactional-authorization-with-mfa needs MFA push notifications, which this server does not have',
  },
];

/** `PATCH /api/v2/tenants/settings`. */
export const UNSUPPORTED_TENANT_SETTINGS: readonly UnsupportedSetting[] = [
  // No post-login redirect target for flows started without an application.
  off('default_redirection_uri', 'null'),
  // Custom HTML error, password-change and MFA pages are not rendered; no log link is shown.
  off('error_page.html'),
  only('error_page.show_log_link', false),
  off('change_password.enabled'),
  off('change_password.html'),
  off('guardian_mfa_page.enabled'),
  off('guardian_mfa_page.html'),
  // The hosted pages are in English only.
  { path: 'enabled_locales', isOff: (value) => Array.isArray(value) && value.length === 1 && value[0] === 'en', accepted: '["en"]' },
  // Sessions are persistent or end with the browser; there are no separate ephemeral lifetimes.
  off('ephemeral_session_lifetime', 'null'),
  off('idle_ephemeral_session_lifetime', 'null'),
  off('allow_organization_name_in_authentication_api'),
  off('customize_mfa_in_postlogin_action'),
  only('skip_non_verifiable_callback_uri_confirmation_prompt', true),
  // `resource` is not read as the audience.
  only('resource_parameter_profile', 'audience'),
  // A listed acr is asserted when asked for (oidc/requested-acr.ts); Tessera performs no MFA, so a
  // multi-factor policy would be asserted without being met.
  {
    path: 'acr_values_supported',
    isOff: (value) => !Array.isArray(value) || !value.some((acr) => MULTI_FACTOR_ACR_VALUES.has(acr as string)),
    accepted: 'values naming no multi-factor policy (multi-factor authentication is not implemented)',
  },
  // Flags asking for legacy endpoints or features Tessera does not have.
  off('flags.allow_legacy_delegation_grant_types'),
  off('flags.allow_legacy_ro_grant_types'),
  off('flags.allow_legacy_tokeninfo_endpoint'),
  off('flags.enable_legacy_profile'),
  off('flags.enable_idtoken_api2'),
  // There is no confirmation prompt before single sign-on to turn on.
  only('flags.enable_sso', true),
  off('flags.disable_clickjack_protection_headers'),
  off('flags.mfa_show_factor_list_on_enrollment'),
  off('flags.improved_signup_bot_detection_in_classic'),
];

/** `PATCH /api/v2/attack-protection/breached-password-detection`. */
export const UNSUPPORTED_BREACHED_PASSWORD_SETTINGS: readonly UnsupportedSetting[] = [
  // Only the standard method (the password against the bundled breach list); "enhanced" (username
  // and password pairs) would silently get the weaker check.
  only('method', 'standard'),
  // Administrators are emailed at once ("immediately", or no choice made); there is no daily, weekly
  // or monthly digest, so asking for one would leave them with no email at all.
  {
    path: 'admin_notification_frequency',
    isOff: (value) => value === null || (Array.isArray(value) && value.every((frequency) => frequency === 'immediately')),
    accepted: '["immediately"] or []',
  },
];

/**
 * Connection options (`options` of `POST/PATCH /api/v2/connections`), per strategy; paths are
 * relative to `options`, and each strategy's buildOptions checks them (strategies/*.ts). The
 * options object stays open (Auth0's has dozens per strategy): these are the ones that would change
 * behaviour if honoured.
 */
export const UNSUPPORTED_SMS_CONNECTION_OPTIONS: readonly UnsupportedSetting[] = [
  // Text messages go through the server's SMS provider (SMS_TWILIO_*, or the dev outbox): a
  // connection's own Twilio account, sender or gateway would be silently replaced by it.
  only('provider', 'twilio'),
  off('twilio_sid'),
  off('twilio_token'),
  off('from'),
  off('messaging_service_sid'),
  off('gateway_url'),
  off('gateway_authentication', 'null'),
  off('forward_req_info'),
];

export const UNSUPPORTED_EMAIL_CONNECTION_OPTIONS: readonly UnsupportedSetting[] = [
  // Default authorization parameters of magic links: a link carries its start request's `authParams` only.
  off('authParams'),
];

export const UNSUPPORTED_DATABASE_CONNECTION_OPTIONS: readonly UnsupportedSetting[] = [
  // Custom databases (login/create/... scripts, lazy import of users) are not run: the users such a
  // connection would find could not log in. Scripts and their configuration are accepted while
  // customization is off, as on Auth0, where they are then dormant too.
  only('enabledDatabaseCustomization', false),
  only('import_mode', false),
  // Passwords are the only way to log in to a database connection here: turning them off (passkeys
  // only) or passkeys on would be silently ignored.
  only('authentication_methods.password.enabled', true),
  off('authentication_methods.passkey.enabled'),
];

/** Every concrete (path, value) of `body` that `path` names, expanding `*` over object keys. */
function valuesAt(body: unknown, segments: string[], except: readonly string[] = [], prefix: string[] = []): Array<[string, unknown]> {
  if (segments.length === 0) return [[prefix.join('.'), body]];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  const [head, ...rest] = segments as [string, ...string[]];
  const keys = head === '*' ? Object.keys(body).filter((key) => !except.includes(key)) : Object.hasOwn(body, head) ? [head] : [];
  return keys.flatMap((key) => valuesAt((body as Record<string, unknown>)[key], rest, except, [...prefix, key]));
}

/**
 * Refuses the first setting in `body` that asks for behaviour Tessera does not implement. `prefix`
 * is where `body` sits in the request (`options.` for connection options), for the message.
 */
export function refuseUnsupportedSettings(settings: readonly UnsupportedSetting[], body: unknown, prefix = ''): void {
  for (const setting of settings) {
    for (const [path, value] of valuesAt(body, setting.path.split('.'), setting.except)) {
      if (value !== undefined && !setting.isOff(value)) {
        throw invalid(`${prefix}${path} is not supported by this server (accepted: ${setting.accepted}).`);
      }
    }
  }
}
