/**
 * OIDC discovery (`/.well-known/openid-configuration`) and its RFC 8414 alias. It lists only what
 * this server actually supports; each later feature adds its own entries here when it lands.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

function metadata(request: FastifyRequest): Record<string, unknown> {
  const issuer = request.issuer;
  const settings = request.tenant.settings;
  return {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    revocation_endpoint: `${issuer}oauth/revoke`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'given_name', 'family_name', 'nickname', 'email', 'email_verified', 'picture', 'created_at', 'identities', 'phone', 'address'],
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
    response_modes_supported: ['query', 'fragment', 'form_post', 'web_message'],
    grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'refresh_token', 'password', 'http://auth0.com/oauth/grant-type/password-realm'],
    code_challenge_methods_supported: ['S256', 'plain'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    claims_supported: ['aud', 'auth_time', 'created_at', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'identities', 'iss', 'name', 'nickname', 'phone_number', 'picture', 'sub'],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
    ...(settings.oidc_logout.rp_logout_end_session_endpoint_discovery ? { end_session_endpoint: `${issuer}oidc/logout` } : {}),
    ...(settings.acr_values_supported?.length ? { acr_values_supported: settings.acr_values_supported } : {}),
  };
}

export const discoveryRoutes: FastifyPluginAsync = async (app) => {
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(path, async (request, reply) => reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60').send(metadata(request)));
  }
};
