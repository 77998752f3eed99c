/**
 * The grant and client-authentication registries (issue 12): their entries are consistent with
 * what applications may be configured with, and the one-method-per-request rule and method
 * selection work on credentials alone, without a server.
 */
import { describe, expect, it } from 'vitest';
import { GRANT_TYPES, type TokenEndpointAuthMethod } from '../../src/domain/clients/client.js';
import { defaultTenantSettings } from '../../src/domain/tenants/tenant-settings.js';
import { tenantFeatures } from '../../src/domain/tenants/features.js';
import { grants, tokenGrantFor } from '../../src/auth-api/token/grants/registry.js';
import { clientAuthMethods } from '../../src/auth-api/client-auth/registry.js';
import { presentedMethod } from '../../src/auth-api/client-auth/authenticate-client.js';
import type { ClientCredentials } from '../../src/auth-api/client-auth/credentials.js';
import { AuthApiError } from '../../src/http/errors.js';

const features = tenantFeatures(defaultTenantSettings());
const credentials = (params: Record<string, string>, authorization?: string): ClientCredentials => ({ authorization, params, peerCertificate: () => undefined });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('grant registry', () => {
  it('declares each grant_type once, each one an application may list', () => {
    const types = grants(features).map((grant) => grant.grantType);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(GRANT_TYPES as readonly string[]).toContain(type);
  });

  it('serves at the token endpoint every grant but implicit', () => {
    for (const grant of grants(features)) expect(tokenGrantFor(features, grant.grantType) !== undefined).toBe(grant.grantType !== 'implicit');
    expect(tokenGrantFor(features, 'toString')).toBeUndefined();
    expect(tokenGrantFor(features, '__proto__')).toBeUndefined();
  });

  it('keeps Auth0 log types per grant', () => {
    const logs = Object.fromEntries(grants(features).flatMap((grant) => (grant.endpoint === 'token' ? [[grant.grantType, grant.logs]] : [])));
    expect(logs).toEqual({
      authorization_code: { success: 'seacft', failure: 'feacft' },
      client_credentials: { success: 'seccft', failure: 'feccft' },
      refresh_token: { success: 'sertft', failure: 'fertft' },
      password: { success: 'sepft', failure: 'fepft' },
      'http://auth0.com/oauth/grant-type/password-realm': { success: 'sepft', failure: 'fepft' },
      'http://auth0.com/oauth/grant-type/passwordless/otp': { success: 's', failure: 'fepotpft' },
      'urn:ietf:params:oauth:grant-type:device_code': { success: 'sede', failure: 'fede' },
      'urn:openid:params:grant-type:ciba': { success: 'ciba_exchange_succeeded', failure: 'ciba_exchange_failed' },
    });
  });
});

describe('client authentication methods', () => {
  it('registers the methods an application may be configured with, by name', () => {
    // The secret methods and `none` (token_endpoint_auth_method), and the key- and certificate-based
    // ones an application enables with client_authentication_methods (issue 16).
    const names: Array<TokenEndpointAuthMethod | 'private_key_jwt' | 'tls_client_auth' | 'self_signed_tls_client_auth'> = [
      'client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth', 'none',
    ];
    expect(clientAuthMethods(features).map((method) => method.name)).toEqual(names);
  });

  it('picks the one method a request presents, `none` when it presents no credentials', () => {
    expect(presentedMethod(features, credentials({ client_id: 'a' })).name).toBe('none');
    expect(presentedMethod(features, credentials({ client_id: 'a', client_secret: 's' })).name).toBe('client_secret_post');
    expect(presentedMethod(features, credentials({}, basic('a', 's'))).name).toBe('client_secret_basic');
    expect(presentedMethod(features, credentials({ client_assertion: 'x.y.z' })).name).toBe('private_key_jwt');
    expect(presentedMethod(features, credentials({}, 'Bearer x')).name).toBe('none');
  });

  it('refuses two methods in one request before reading either', () => {
    let error: unknown;
    try {
      presentedMethod(features, credentials({ client_secret: 's' }, 'Basic !!!'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ statusCode: 400, error: 'invalid_request', description: 'Client authentication must use only one method (Basic header or client_secret in the body).' });
  });

  it('decodes Basic credentials form-urlencoded (RFC 6749 §2.3.1)', () => {
    const method = presentedMethod(features, credentials({}, basic('my%20app', 's')));
    expect(method.clientId(credentials({}, basic('my%20app', 's')))).toBe('my app');
    expect(method.clientId(credentials({}, basic('a+b', 's')))).toBe('a b');
  });
});
