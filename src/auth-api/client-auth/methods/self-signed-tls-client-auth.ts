/**
 * `self_signed_tls_client_auth` (RFC 8705 §2.2): the request names its client with `client_id` and
 * presents a certificate that is byte for byte one registered with the client: its SHA-256
 * thumbprint (x5t#S256) equals that of one of the client's `x509_cert` credentials associated with
 * this method. No CA vouches for it, so no chain verification is required; its own validity window
 * is checked here (nobody else does). Refusals before the match answer as an unknown client (see
 * tls-client-auth.ts).
 */
import { associatedIds } from '../../../domain/clients/authentication-methods.js';
import { x5tS256Of } from '../../../crypto/x509.js';
import { sameSecret } from '../../../crypto/constant-time.js';
import { bodyClientId, invalidClient, undisclosedInvalidClient } from '../errors.js';
import type { ClientAuthMethod } from '../method.js';
import { liveCredentials, validityProblem } from './certificate-credentials.js';

const refuse = (description: string) => invalidClient(selfSignedTlsClientAuth, `Invalid client certificate: ${description}`);
const undisclosed = (rule: string) => undisclosedInvalidClient(selfSignedTlsClientAuth, `Invalid client certificate: ${rule}`);

export const selfSignedTlsClientAuth: ClientAuthMethod = {
  name: 'self_signed_tls_client_auth',
  authenticates: true,
  presentedAs: 'a self-signed client certificate',
  presented: () => false,
  registeredFor: (client) => associatedIds(client, 'self_signed_tls_client_auth').length > 0,
  clientId: (credentials) => bodyClientId(credentials.params),
  async authenticate(credentials, client, context) {
    const presented = credentials.peerCertificate();
    if (!presented) throw undisclosed('no client certificate was presented.');
    const thumbprint = x5tS256Of(presented.certificate.raw);
    const now = context.services.clock.now();
    const registered = await liveCredentials(context, client, 'self_signed_tls_client_auth', now);
    if (!registered.some((credential) => credential.thumbprintSha256 !== null && sameSecret(credential.thumbprintSha256, thumbprint))) {
      throw undisclosed('the certificate matches no credential of the client.');
    }
    const problem = validityProblem(presented.certificate, now);
    if (problem) throw refuse(problem);
    return 'authenticated' as const;
  },
};
