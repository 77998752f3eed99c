/**
 * `tls_client_auth` (RFC 8705 §2.1): PKI mutual TLS. The request names its client with
 * `client_id` and presents a client certificate whose chain a trusted CA verified (the handshake's
 * own check, or a trusted edge's `client-certificate-ca-verified`); its subject DN must equal the
 * DN of one of the client's `cert_subject_dn` credentials associated with this method (see
 * parseDn), and the certificate must be within its validity window. Where the certificate comes
 * from is credentials.ts's business: this method only reads `peerCertificate()`.
 *
 * Until the certificate matched a credential, a refusal answers as an unknown client would (the
 * rule goes to the tenant log only): otherwise "no certificate" would tell anyone which clients
 * are registered for mTLS.
 */
import { associatedIds } from '../../../domain/clients/authentication-methods.js';
import { sameDn } from '../../../domain/clients/credential-material.js';
import { bodyClientId, invalidClient, undisclosedInvalidClient } from '../errors.js';
import type { ClientAuthMethod } from '../method.js';
import { liveCredentials, validityProblem } from './certificate-credentials.js';

const refuse = (description: string) => invalidClient(tlsClientAuth, `Invalid client certificate: ${description}`);
const undisclosed = (rule: string) => undisclosedInvalidClient(tlsClientAuth, `Invalid client certificate: ${rule}`);

export const tlsClientAuth: ClientAuthMethod = {
  name: 'tls_client_auth',
  authenticates: true,
  presentedAs: 'a CA-signed client certificate',
  // Applies by registration (method.ts): a certificate is no request parameter.
  presented: () => false,
  registeredFor: (client) => associatedIds(client, 'tls_client_auth').length > 0,
  clientId: (credentials) => bodyClientId(credentials.params),
  async authenticate(credentials, client, context) {
    const presented = credentials.peerCertificate();
    if (!presented) throw undisclosed('no client certificate was presented.');
    if (!presented.caVerified) throw undisclosed('the certificate’s chain was not verified by a trusted CA.');
    const now = context.services.clock.now();
    const registered = await liveCredentials(context, client, 'tls_client_auth', now);
    if (!registered.some((credential) => credential.subjectDn !== null && sameDn(credential.subjectDn, presented.certificate.subject))) {
      throw undisclosed('the subject DN matches no credential of the client.');
    }
    const problem = validityProblem(presented.certificate, now);
    if (problem) throw refuse(problem);
    return 'authenticated' as const;
  },
};
