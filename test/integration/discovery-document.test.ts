/**
 * Pins the discovery document byte for byte (issue 12: its lists are derived from the grant and
 * client-authentication registries and the tenant's features, and must read exactly as the hand-
 * written document did): same keys in the same order, same values, same order of array elements.
 *
 * @storage-neutral (a document's bytes, derived from registries and tenant settings): runs on SQLite only (test/support/suite-plan.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.stop());

/** The document as it was written by hand before the registries, for issuer `{base}/`. */
function pinned(base: string, extra = ''): string {
  const issuer = `${base}/`;
  return (
    `{"issuer":"${issuer}","authorization_endpoint":"${issuer}authorize","token_endpoint":"${issuer}oauth/token",` +
    `"userinfo_endpoint":"${issuer}userinfo","revocation_endpoint":"${issuer}oauth/revoke","device_authorization_endpoint":"${issuer}oauth/device/code",` +
    `"backchannel_authentication_endpoint":"${issuer}bc-authorize","backchannel_token_delivery_modes_supported":["poll"],"backchannel_user_code_parameter_supported":false,"jwks_uri":"${issuer}.well-known/jwks.json",` +
    `"scopes_supported":["openid","profile","offline_access","name","given_name","family_name","nickname","email","email_verified","picture","created_at","identities","phone","address"],` +
    `"response_types_supported":["code","token","id_token","code token","code id_token","token id_token","code token id_token"],` +
    `"response_modes_supported":["query","fragment","form_post","web_message"],` +
    `"grant_types_supported":["authorization_code","implicit","client_credentials","refresh_token","password","http://auth0.com/oauth/grant-type/password-realm","urn:ietf:params:oauth:grant-type:device_code","urn:openid:params:grant-type:ciba"],` +
    `"code_challenge_methods_supported":["S256","plain"],"subject_types_supported":["public"],` +
    `"id_token_signing_alg_values_supported":["HS256","RS256","PS256"],` +
    `"token_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post","private_key_jwt","tls_client_auth","self_signed_tls_client_auth","none"],` +
    `"token_endpoint_auth_signing_alg_values_supported":["RS256","RS384","PS256","ES256"],` +
    `"claims_supported":["aud","auth_time","created_at","email","email_verified","exp","family_name","given_name","iat","identities","iss","name","nickname","phone_number","picture","sub"],"claims_parameter_supported":true,` +
    `"request_uri_parameter_supported":false,"request_parameter_supported":true,"request_object_signing_alg_values_supported":["RS256","RS384","PS256","ES256"]${extra}}`
  );
}

describe('discovery document', () => {
  it('is, for the default tenant, exactly the document of before the registries (both paths)', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const res = await call(server, path);
      expect(res.status).toBe(200);
      expect(res.text).toBe(pinned(server.baseUrl, `,"end_session_endpoint":"${server.baseUrl}/oidc/logout"`));
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    }
  });

  it('adds acr_values_supported after end_session_endpoint, and drops end_session_endpoint when the tenant turns it off', async () => {
    const token = await managementToken(server);
    const patch = (body: object) => call(server, '/api/v2/tenants/settings', { method: 'PATCH', headers: { authorization: `Bearer ${token}` }, body });
    const base = server.baseUrl;
    const acr = `,"acr_values_supported":["urn:example:acr:1","urn:example:acr:2"]`;
    expect((await patch({ acr_values_supported: ['urn:example:acr:1', 'urn:example:acr:2'] })).status).toBe(200);
    expect((await call(server, '/.well-known/openid-configuration')).text).toBe(pinned(base, `,"end_session_endpoint":"${base}/oidc/logout"${acr}`));
    expect((await patch({ oidc_logout: { rp_logout_end_session_endpoint_discovery: false } })).status).toBe(200);
    expect((await call(server, '/.well-known/openid-configuration')).text).toBe(pinned(base, acr));
  });

  it('lists mtls_endpoint_aliases last, on mtls.{host}, only while the tenant turns mtls.enable_endpoint_aliases on', async () => {
    const token = await managementToken(server);
    const patch = (body: object) => call(server, '/api/v2/tenants/settings', { method: 'PATCH', headers: { authorization: `Bearer ${token}` }, body });
    expect((await patch({ mtls: { enable_endpoint_aliases: true } })).status).toBe(200);
    const alias = `http://mtls.localhost:${server.port}`;
    const on = (await call(server, '/.well-known/openid-configuration')).text;
    // No tls_client_certificate_bound_access_tokens: this server has no mTLS listener and no trusted edge list (mtls.test.ts has both).
    expect(on).not.toContain('tls_client_certificate_bound_access_tokens');
    expect(on.endsWith(`,"mtls_endpoint_aliases":{"token_endpoint":"${alias}/oauth/token","revocation_endpoint":"${alias}/oauth/revoke","userinfo_endpoint":"${alias}/userinfo","backchannel_authentication_endpoint":"${alias}/bc-authorize"}}`)).toBe(true);
    expect((await patch({ mtls: { enable_endpoint_aliases: false } })).status).toBe(200);
    expect((await call(server, '/.well-known/openid-configuration')).text).not.toContain('mtls_endpoint_aliases');
  });

  it('lists pushed_authorization_request_endpoint and require_pushed_authorization_requests (false) after request_parameter_supported only while the tenant allows PAR, and /oauth/par among the mTLS aliases', async () => {
    const token = await managementToken(server);
    const patch = (body: object) => call(server, '/api/v2/tenants/settings', { method: 'PATCH', headers: { authorization: `Bearer ${token}` }, body });
    const base = server.baseUrl;
    const logout = `,"end_session_endpoint":"${base}/oidc/logout"`;
    expect((await patch({ acr_values_supported: [], oidc_logout: { rp_logout_end_session_endpoint_discovery: true } })).status).toBe(200);
    expect((await call(server, '/.well-known/openid-configuration')).text).toBe(pinned(base, logout));
    expect((await patch({ pushed_authorization_requests_supported: true })).status).toBe(200);
    const par = `,"pushed_authorization_request_endpoint":"${base}/oauth/par","require_pushed_authorization_requests":false`;
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      expect((await call(server, path)).text).toBe(pinned(base, `${par}${logout}`));
    }
    expect((await patch({ mtls: { enable_endpoint_aliases: true } })).status).toBe(200);
    const alias = `http://mtls.localhost:${server.port}`;
    const aliases = `,"mtls_endpoint_aliases":{"token_endpoint":"${alias}/oauth/token","revocation_endpoint":"${alias}/oauth/revoke","userinfo_endpoint":"${alias}/userinfo","pushed_authorization_request_endpoint":"${alias}/oauth/par","backchannel_authentication_endpoint":"${alias}/bc-authorize"}`;
    expect((await call(server, '/.well-known/openid-configuration')).text).toBe(pinned(base, `${par}${logout}${aliases}`));
    expect((await patch({ pushed_authorization_requests_supported: false })).status).toBe(200);
    const aliasesWithoutPar = `,"mtls_endpoint_aliases":{"token_endpoint":"${alias}/oauth/token","revocation_endpoint":"${alias}/oauth/revoke","userinfo_endpoint":"${alias}/userinfo","backchannel_authentication_endpoint":"${alias}/bc-authorize"}`;
    expect((await call(server, '/.well-known/openid-configuration')).text).toBe(pinned(base, `${logout}${aliasesWithoutPar}`));
    expect((await patch({ mtls: { enable_endpoint_aliases: false } })).status).toBe(200);
    expect((await call(server, '/.well-known/openid-configuration')).text).toBe(pinned(base, logout));
  });
});
