/**
 * Every client authentication method, in the order discovery lists them
 * (`token_endpoint_auth_methods_supported`). Adding one (private_key_jwt, tls_client_auth,
 * self_signed_tls_client_auth): its file under methods/ and one line here.
 */
import type { TenantFeatures } from '../../domain/tenants/features.js';
import { featureOn } from '../../domain/tenants/features.js';
import type { ClientAuthMethod } from './method.js';
import { clientSecretBasic } from './methods/client-secret-basic.js';
import { clientSecretPost } from './methods/client-secret-post.js';
import { none } from './methods/none.js';
import { privateKeyJwt } from './methods/private-key-jwt.js';
import { tlsClientAuth } from './methods/tls-client-auth.js';
import { selfSignedTlsClientAuth } from './methods/self-signed-tls-client-auth.js';

const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [clientSecretBasic, clientSecretPost, privateKeyJwt, tlsClientAuth, selfSignedTlsClientAuth, none];

/** The methods a tenant offers (those behind a feature only when it is on), in discovery order. */
export function clientAuthMethods(features: TenantFeatures): ClientAuthMethod[] {
  return CLIENT_AUTH_METHODS.filter((method) => featureOn(features, method.feature));
}
