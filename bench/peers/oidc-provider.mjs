#!/usr/bin/env node
// Reference peer for the token benchmark: node-oidc-provider (v9) configured to
// do the same work Tessera does for
//   POST /oauth/token grant_type=client_credentials (client_secret_post)
// i.e. authenticate a confidential client by client_secret in the body and
// issue a JWT access token for one resource server, signed with RS256 or ES256.
//
// Usage: node bench/peers/oidc-provider.mjs --port 4000 --alg RS256
//        [--client-id ID] [--client-secret SECRET] [--host 127.0.0.1]
// Prints a single line `ready` on stdout once listening.
//
// Notes on the configuration (oidc-provider v9):
//  - The token endpoint is mounted at /oauth/token (routes.token) so the load
//    generator hits the same path on both servers.
//  - features.resourceIndicators.defaultResource returns the bench resource so a
//    request without `resource` still gets a JWT (Auth0 clients send `audience`,
//    which oidc-provider ignores as an unknown parameter).
//  - getResourceServerInfo returns accessTokenFormat 'jwt' + jwt.sign.alg, so the
//    token is signed with the single key of that alg in the provider's keystore.
//    JWT-format tokens are not persisted by oidc-provider (no adapter write).
//  - Everything interactive is disabled (devInteractions); nothing else in the
//    client_credentials path is optional.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
    alg: { type: 'string', default: 'RS256' },
    'client-id': { type: 'string', default: 'bench-client' },
    'client-secret': { type: 'string', default: 'bench-client-secret-0123456789abcdef0123456789abcdef0123456789ab' },
    resource: { type: 'string', default: 'https://api.bench.example/' },
    scope: { type: 'string', default: 'read:bench' },
  },
});

const alg = args.alg;
if (alg !== 'RS256' && alg !== 'ES256') {
  console.error(`unsupported --alg ${alg} (RS256|ES256)`);
  process.exit(2);
}
const port = Number(args.port);
const RESOURCE = args.resource;
const SCOPE = args.scope;

// Signing key (RSA 2048 for RS256, P-256 for ES256).
const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
const jwk = await exportJWK(privateKey);
jwk.kid = `bench-${alg.toLowerCase()}`;
jwk.alg = alg;
jwk.use = 'sig';

const issuer = `http://localhost:${port}`;

const configuration = {
  jwks: { keys: [jwk] },
  clients: [
    {
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      // Only scopes listed here are granted for client_credentials.
      scope: SCOPE,
      id_token_signed_response_alg: alg,
    },
  ],
  clientDefaults: {
    id_token_signed_response_alg: alg,
  },
  routes: { token: '/oauth/token' },
  scopes: ['openid', SCOPE],
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  ttl: {
    // Same default lifetime Auth0/Tessera uses for API tokens (24h).
    ClientCredentials: 86400,
    AccessToken: 86400,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resourceIndicator) => {
        if (resourceIndicator !== RESOURCE) {
          throw new Provider.errors.InvalidTarget();
        }
        return {
          scope: SCOPE,
          audience: RESOURCE,
          accessTokenTTL: 86400,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg } },
        };
      },
    },
  },
  // Never reached for client_credentials, but set to silence the dev warnings.
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  renderError: async (ctx, out) => {
    ctx.type = 'json';
    ctx.body = out;
  },
};

const provider = new Provider(issuer, configuration);
// No per-request logging / event listeners: keep it as lean as possible.

const server = provider.listen(port, args.host, () => {
  process.stdout.write('ready\n');
});
server.keepAliveTimeout = 65_000;

const shutdown = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
