/** What client_secret_basic and client_secret_post share: the secret check itself. */
import type { Client } from '../../../domain/clients/client.js';
import { secretsMatch } from '../../../domain/clients/client-secrets.js';
import { authenticatesWithSecret } from '../../../domain/clients/authentication-methods.js';
import type { ClientAuthOutcome } from '../method.js';

/**
 * The presented secret against the client's, in constant time (client-secrets.ts), for a client
 * that authenticates with its secret at all (authenticatesWithSecret: not a public client, not one
 * registered for private_key_jwt or mTLS). A client registered with either secret method may use
 * the other (as Tessera always has).
 */
export function checkClientSecret(presented: string, client: Client): ClientAuthOutcome {
  if (!authenticatesWithSecret(client)) return 'failed';
  return secretsMatch(presented, client.client_secret!) ? 'authenticated' : 'failed';
}
