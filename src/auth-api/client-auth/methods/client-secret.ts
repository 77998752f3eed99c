/** What client_secret_basic and client_secret_post share: the secret check itself. */
import type { Client } from '../../../domain/clients/client.js';
import { secretsMatch } from '../../../domain/clients/client-secrets.js';
import type { ClientAuthOutcome } from '../method.js';
import { authenticationMethodsOf } from '../../../domain/clients/authentication-methods.js';

/**
 * The presented secret against the client's, in constant time (client-secrets.ts). A public
 * client has nothing to authenticate with: a secret presented for it is a misconfiguration, not a
 * pass. A client registered with either secret method may use the other (as Tessera always has).
 * The test is "not `none`" rather than "one of the secret methods" on purpose: a stored document
 * without the field has always authenticated with its secret. A client registered for key- or
 * certificate-based methods (`token_endpoint_auth_method: null`, client_authentication_methods)
 * no longer authenticates with its secret (docs: "a Client Secret will no longer be accepted").
 */
export function checkClientSecret(presented: string, client: Client): ClientAuthOutcome {
  if (client.token_endpoint_auth_method === 'none' || client.token_endpoint_auth_method === null || !client.client_secret) return 'failed';
  if (authenticationMethodsOf(client)) return 'failed';
  return secretsMatch(presented, client.client_secret) ? 'authenticated' : 'failed';
}
