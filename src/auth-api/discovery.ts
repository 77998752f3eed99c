/**
 * OIDC discovery (`/.well-known/openid-configuration`) and its RFC 8414 alias. It lists only what
 * this server actually supports, derived from where that is decided: the grant registry
 * (token/grants/registry.ts), the client authentication methods (client-auth/registry.ts), the
 * algorithms ID tokens are signed with, and the tenant's features (domain/tenants/features.ts).
 * A feature that lands adds itself to one of those, not here. Member order is part of the
 * document's stability (test/integration/discovery-document.test.ts pins it).
 */
import { CREDENTIAL_ALGS } from '../domain/clients/credential-material.js';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { tenantFeatures } from '../domain/tenants/features.js';
import { REQUEST_OBJECT_ALGS } from '../domain/oidc/request-object.js';
import { ID_TOKEN_SIGNING_ALGS } from '../domain/tokens/id-token.js';
import { grants } from './token/grants/registry.js';
import { clientAuthMethods } from './client-auth/registry.js';
import { mtlsAliasesEnabled, mtlsEndpointAliases } from './mtls-aliases.js';
import type { Services } from '../domain/services.js';
import { MTLS_ALIAS_PREFIX } from '../domain/tenants/public-origin.js';

/** Auth0's published lists: what a relying party may ask for and read. */
const SCOPES_SUPPORTED = ['openid', 'profile', 'offline_access', 'name', 'given_name', 'family_name', 'nickname', 'email', 'email_verified', 'picture', 'created_at', 'identities', 'phone', 'address'];
const CLAIMS_SUPPORTED = ['aud', 'auth_time', 'created_at', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'identities', 'iss', 'name', 'nickname', 'phone_number', 'picture', 'sub'];

/**
 * `mtls.{host}` is this tenant's alias unless another tenant owns that host outright (a tenant named
 * `mtls` beside the default tenant on the bare base domain, from before the name was reserved): the
 * main listener would route it to that tenant, so it is not advertised (server/tenant-resolution.ts).
 */
async function aliasesFor(services: Services, request: FastifyRequest): Promise<Record<string, string> | undefined> {
  if (!mtlsAliasesEnabled(request.tenant.settings)) return undefined;
  const hostname = new URL(request.issuer).hostname;
  const owner = await services.tenants.resolveHost(`${MTLS_ALIAS_PREFIX}${hostname}`);
  if (owner && owner.id !== request.tenant.id) return undefined;
  return mtlsEndpointAliases(services.tenants.publicOrigin.mtlsAliasOrigin(hostname), tenantFeatures(request.tenant.settings));
}

function metadata(request: FastifyRequest, aliases: Record<string, string> | undefined, clientCertificates: boolean, detailsTypes: string[]): Record<string, unknown> {
  const issuer = request.issuer;
  const features = tenantFeatures(request.tenant.settings);
  return {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    revocation_endpoint: `${issuer}oauth/revoke`,
    // RFC 8628 §4, as Auth0 publishes it: always (applications opt in with the grant type).
    device_authorization_endpoint: `${issuer}oauth/device/code`,
    // OpenID CIBA §4, poll mode only; applications opt in with the grant type (auth-api/ciba/).
    // No backchannel_authentication_request_signing_alg_values_supported: signed requests are refused.
    backchannel_authentication_endpoint: `${issuer}bc-authorize`,
    backchannel_token_delivery_modes_supported: ['poll'],
    backchannel_user_code_parameter_supported: false,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    // Where Auth0 lists it, and only while the tenant allows open registration.
    ...(features.dynamicClientRegistration ? { registration_endpoint: `${issuer}oidc/register` } : {}),
    scopes_supported: SCOPES_SUPPORTED,
    response_types_supported: features.responseTypes,
    response_modes_supported: features.responseModes,
    grant_types_supported: grants(features).filter((grant) => grant.advertised).map((grant) => grant.grantType),
    code_challenge_methods_supported: features.codeChallengeMethods,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ID_TOKEN_SIGNING_ALGS,
    token_endpoint_auth_methods_supported: clientAuthMethods(features).map((method) => method.name),
    // The algorithms a private_key_jwt credential may be registered with (the assertion's alg is the credential's).
    ...(clientAuthMethods(features).some((method) => method.name === 'private_key_jwt') ? { token_endpoint_auth_signing_alg_values_supported: [...CREDENTIAL_ALGS] } : {}),
    claims_supported: CLAIMS_SUPPORTED,
    // OIDC Core §5.5: accepted (bounded) and its id_token.acr honoured (domain/oidc/requested-acr.ts);
    // other requested claims are not added, which §5.5 allows: the scopes decide them.
    claims_parameter_supported: true,
    request_uri_parameter_supported: features.requestUris,
    request_parameter_supported: features.requestObjects,
    // The request object's alg is its credential's: exactly the algorithms a credential may hold.
    ...(features.requestObjects ? { request_object_signing_alg_values_supported: [...REQUEST_OBJECT_ALGS] } : {}),
    // RFC 9126 §5, while the tenant allows PAR; requiring it is per application, never tenant-wide here.
    ...(features.pushedAuthorizationRequests ? { pushed_authorization_request_endpoint: `${issuer}oauth/par`, require_pushed_authorization_requests: false } : {}),
    // RFC 9396 §10: the types registered on the tenant's APIs — usable only in a pushed request, so
    // listed while PAR is allowed and some API registers one.
    ...(features.pushedAuthorizationRequests && detailsTypes.length ? { authorization_details_types_supported: detailsTypes } : {}),
    ...(features.endSessionDiscovery ? { end_session_endpoint: `${issuer}oidc/logout` } : {}),
    ...(features.acrValues.length ? { acr_values_supported: features.acrValues } : {}),
    // RFC 9207 §3: clients that see it must then require `iss` in every authorization response.
    ...(features.authorizationResponseIss ? { authorization_response_iss_parameter_supported: true } : {}),
    // RFC 8705 §3.3: a token request over mutual TLS gets certificate-bound tokens (certificate-binding.ts),
    // when a certificate can reach the server at all (an mTLS listener or a trusted edge list).
    ...(clientCertificates ? { tls_client_certificate_bound_access_tokens: true } : {}),
    // RFC 8705 §5, on the issuer's own host name (a custom domain's alias is `mtls.{custom domain}`).
    ...(aliases ? { mtls_endpoint_aliases: aliases } : {}),
  };
}

export const discoveryRoutes: FastifyPluginAsync<{ services: Services; clientCertificates: boolean }> = async (app, { services, clientCertificates }) => {
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(path, async (request, reply) => {
      // Read only while PAR is allowed (the list is cached per tenant and dropped when an API changes).
      const detailsTypes = tenantFeatures(request.tenant.settings).pushedAuthorizationRequests ? await services.resourceServers.registeredDetailsTypes(request.tenant.id) : [];
      const document = metadata(request, await aliasesFor(services, request), clientCertificates, detailsTypes);
      return reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60').send(document);
    });
  }
};
