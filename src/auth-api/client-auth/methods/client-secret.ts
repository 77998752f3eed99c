/** What client_secret_basic and client_secret_post share: the secret check itself. */
import type { Client } from '../../../domain/clients/client.js';
import { secretsMatch } from '../../../domain/clients/client-secrets.js';
import type { ClientAuthOutcome } from '../method.js';

/**
 * The presented secret against the client's, in constant time (client-secrets.ts). A public
 * client has nothing to authenticate with: a secret presented for it is a misconfiguration, not a
 * pass. A client registered with either secret method may use the other (as Tessera always has).
 * The test is "not `none`" rather than "one of the secret methods" on purpose: a stored document
 * without the field has always authenticated with its secret. When key- or certificate-based
 * registrations exist, they must be refused here too.
 */
export function checkClientSecret(presented: string, client: Client): ClientAuthOutcome {
  if (client.token_endpoint_auth_method === 'none' || !client.client_secret) return 'failed';
  return secretsMatch(presented, client.client_secret) ? 'authenticated' : 'failed';
}
