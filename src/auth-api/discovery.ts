/**
 * OIDC discovery (`/.well-known/openid-configuration`) and its RFC 8414 alias. It lists only what
 * this server actually supports; each later feature adds its own entries here when it lands.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';

function metadata(request: FastifyRequest): Record<string, unknown> {
  const issuer = request.issuer;
  return {
    issuer,
    token_endpoint: `${issuer}oauth/token`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    grant_types_supported: ['client_credentials'],
    response_types_supported: [],
    scopes_supported: [],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['aud', 'iss', 'iat', 'exp', 'sub'],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
  };
}

export const discoveryRoutes: FastifyPluginAsync = async (app) => {
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(path, async (request, reply) => reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60').send(metadata(request)));
  }
};
