/** What the two mutual-TLS methods share: the client's live credentials associated with the method, and the certificate's validity window. */
import type { X509Certificate } from 'node:crypto';
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

/**
 * Why the certificate is outside its validity window at `now` (the services' clock), or undefined
 * when it is within. A date Node cannot read fails closed. A trusted edge or the handshake may have
 * checked it already; a self-signed certificate nobody else checks.
 */
export function validityProblem(certificate: X509Certificate, now: number): string | undefined {
  const validFrom = Date.parse(certificate.validFrom);
  const validTo = Date.parse(certificate.validTo);
  if (!Number.isFinite(validFrom) || !Number.isFinite(validTo)) return 'the certificate’s validity dates cannot be read.';
  if (validFrom > now) return 'the certificate is not valid yet.';
  if (validTo <= now) return 'the certificate has expired.';
  return undefined;
}
