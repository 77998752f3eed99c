import { describe, expect, it } from 'vitest';
import {
  UNSUPPORTED_BREACHED_PASSWORD_SETTINGS,
  UNSUPPORTED_CLIENT_SETTINGS,
  UNSUPPORTED_SMS_CONNECTION_OPTIONS,
  UNSUPPORTED_TENANT_SETTINGS,
  refuseUnsupportedSettings,
} from '../../src/domain/unsupported-settings.js';

const refusal = (settings: Parameters<typeof refuseUnsupportedSettings>[0], body: unknown): string | undefined => {
  try {
    refuseUnsupportedSettings(settings, body);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('finding 19: unsupported settings (one choke point)', () => {
  it('names the concrete field behind a wildcard path', () => {
    expect(refusal(UNSUPPORTED_CLIENT_SETTINGS, { addons: { samlp: { audience: 'x' } } })).toMatch(/^addons\.samlp is not supported by this server/);
    expect(refusal(UNSUPPORTED_CLIENT_SETTINGS, { oidc_logout: { backchannel_logout_urls: ['https://app.example.com/bcl'] } })).toMatch(/^oidc_logout\.backchannel_logout_urls is not supported/);
    expect(refusal(UNSUPPORTED_CLIENT_SETTINGS, { native_social_login: { google: { enabled: true } } })).toMatch(/^native_social_login\.google\.enabled /);
    // WS-Fed is the one add-on implemented, and it has no settings of its own; the others stay refused beside it.
    expect(refusal(UNSUPPORTED_CLIENT_SETTINGS, { addons: { wsfed: {}, samlp: {} } })).toMatch(/^addons\.samlp is not supported by this server/);
    expect(refusal(UNSUPPORTED_CLIENT_SETTINGS, { addons: { wsfed: { callback: 'https://x' } } })).toMatch(/^addons\.wsfed\.callback is not supported by this server/);
    expect(refusal(UNSUPPORTED_CLIENT_SETTINGS, { addons: { wsfed: 'on' } })).toMatch(/^addons\.wsfed is not supported by this server \(accepted: \{\} or null\)/);
  });

  it('accepts off values, nulls, empty objects and bodies that do not mention the setting', () => {
    for (const body of [
      {},
      { name: 'x' },
      { addons: {}, mobile: {}, mobile_extra: 1 },
      { addons: { wsfed: null } },
      // The WS-Fed add-on is implemented: on with {}, off with null.
      { addons: { wsfed: {} } },
      { mobile: { android: { app_package_name: '', sha256_cert_fingerprints: [] }, ios: {} } },
      { compliance_level: null, organization_usage: 'deny', require_pushed_authorization_requests: false, jwt_configuration: { alg: 'PS256', scopes: {} } },
      { session_transfer: { can_create_session_transfer_token: false, allowed_authentication_methods: ['cookie'] } },
    ]) {
      expect(refusal(UNSUPPORTED_CLIENT_SETTINGS, body), JSON.stringify(body)).toBeUndefined();
    }
    expect(refusal(UNSUPPORTED_TENANT_SETTINGS, { flags: { enable_sso: true, enable_dynamic_client_registration: false }, enabled_locales: ['en'] })).toBeUndefined();
    expect(refusal(UNSUPPORTED_TENANT_SETTINGS, { enabled_locales: ['fr'] })).toMatch(/^enabled_locales is not supported by this server \(accepted: \["en"\]\)/);
    // acr values are asserted when listed and asked for; a multi-factor policy would be asserted without MFA.
    for (const acr of [[], null, ['urn:mace:incommon:iap:silver']]) expect(refusal(UNSUPPORTED_TENANT_SETTINGS, { acr_values_supported: acr })).toBeUndefined();
    expect(refusal(UNSUPPORTED_TENANT_SETTINGS, { acr_values_supported: ['urn:mace:incommon:iap:silver', 'http://schemas.openid.net/pape/policies/2007/06/multi-factor'] })).toMatch(/^acr_values_supported is not supported by this server \(accepted: values naming no multi-factor policy/);
  });

  it('accepts only the breached-password notification frequencies that need no digest', () => {
    expect(refusal(UNSUPPORTED_BREACHED_PASSWORD_SETTINGS, { admin_notification_frequency: ['immediately', 'daily'] })).toMatch(/^admin_notification_frequency is not supported/);
    for (const frequencies of [[], ['immediately'], null]) expect(refusal(UNSUPPORTED_BREACHED_PASSWORD_SETTINGS, { admin_notification_frequency: frequencies })).toBeUndefined();
  });

  it('names a connection option under options.', () => {
    expect(() => refuseUnsupportedSettings(UNSUPPORTED_SMS_CONNECTION_OPTIONS, { twilio_sid: 'AC1' }, 'options.')).toThrow(/^options\.twilio_sid is not supported by this server/);
    expect(() => refuseUnsupportedSettings(UNSUPPORTED_SMS_CONNECTION_OPTIONS, { provider: 'twilio', twilio_sid: '', from: null, forward_req_info: false }, 'options.')).not.toThrow();
  });
});
