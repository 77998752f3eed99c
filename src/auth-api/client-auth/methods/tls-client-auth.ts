/**
 * `tls_client_auth` (RFC 8705 §2.1): PKI mutual TLS. The request names its client with
 * `client_id` and presents a client certificate whose chain a trusted CA verified (the handshake's
 * own check, or a trusted edge's `client-certificate-ca-verified`); its subject DN must equal the
 * DN of one of the client's `cert_subject_dn` credentials associated with this method (DNs
 * compared attribute by attribute, see parseDn). Where the certificate comes from is
 * credentials.ts's business: this method only reads `peerCertificate()`.
 */
import { associatedIds } from '../../../domain/clients/authentication-methods.js';
import { sameDn } from '../../../domain/clients/credential-material.js';
import { bodyClientId, invalidClient } from '../errors.js';
import type { ClientAuthMethod } from '../method.js';
import { liveCredentials } from './certificate-credentials.js';

const refuse = (description: string) => invalidClient(tlsClientAuth, `Invalid client certificate: ${description}`);

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
    if (!presented) throw refuse('no client certificate was presented.');
    if (!presented.caVerified) throw refuse('the certificate’s chain was not verified by a trusted CA.');
    const now = context.services.clock.now();
    const validTo = Date.parse(presented.certificate.validTo);
    if (Number.isFinite(validTo) && validTo <= now) throw refuse('the certificate has expired.');
    const registered = await liveCredentials(context, client, 'tls_client_auth', now);
    if (!registered.some((credential) => credential.subjectDn !== null && sameDn(credential.subjectDn, presented.certificate.subject))) {
      throw refuse('the subject DN matches no credential of the client.');
    }
    return 'authenticated' as const;
  },
};
