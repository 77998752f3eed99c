/** What the two mutual-TLS methods share: the client's live credentials associated with the method. */
import { CREDENTIAL_TYPE_OF_METHOD, associatedIds } from '../../../domain/clients/authentication-methods.js';
import type { Client } from '../../../domain/clients/client.js';
import type { ActiveCredential } from '../../../domain/clients/client-credential-service.js';
import type { ClientAuthContext } from '../method.js';

export async function liveCredentials(context: ClientAuthContext, client: Client, method: 'tls_client_auth' | 'self_signed_tls_client_auth', now: number): Promise<ActiveCredential[]> {
  const ids = associatedIds(client, method);
  const type = CREDENTIAL_TYPE_OF_METHOD[method];
  return (await context.services.clientCredentials.forAuthentication(context.tenant.id, client.client_id)).filter(
    (credential) => ids.includes(credential.id) && credential.credentialType === type && (credential.expiresAt === null || credential.expiresAt > now),
  );
}
