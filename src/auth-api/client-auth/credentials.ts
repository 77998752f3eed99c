/**
 * What a request presents to authenticate its client, gathered once and handed to every method:
 * the Authorization header, the body parameters (client_id, client_secret, client_assertion,
 * client_assertion_type, ...) and, for the mutual-TLS methods, the client certificate. A method
 * reads only what it needs; none of them sees the request itself.
 */
import type { X509Certificate } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { presentedCertificate } from '../client-certificate.js';

export type CredentialParams = Readonly<Record<string, string | undefined>>;

/**
 * The client certificate of a request (RFC 8705): from the TLS handshake when Tessera terminates
 * mutual TLS itself, or from a trusted edge's `client-certificate` header. One shape for both, so
 * the mTLS methods and certificate-bound tokens never care where it came from.
 */
export interface PresentedCertificate {
  readonly certificate: X509Certificate;
  /**
   * Whether the certificate's chain was verified against a trusted CA (the handshake's own check,
   * or the edge's `client-certificate-ca-verified: SUCCESS`). `tls_client_auth` requires it;
   * `self_signed_tls_client_auth` matches the certificate itself and does not.
   */
  readonly caVerified: boolean;
}

export interface ClientCredentials {
  /** The Authorization header, as sent. */
  readonly authorization: string | undefined;
  /** The request's string parameters (body, or what the endpoint parsed). */
  readonly params: CredentialParams;
  /** The client certificate the request presented, if any (read on demand: only mTLS methods need it). */
  peerCertificate(): PresentedCertificate | undefined;
}

export function credentialsOf(request: FastifyRequest, params: CredentialParams): ClientCredentials {
  let presented: PresentedCertificate | undefined | null = null;
  return {
    authorization: request.headers.authorization,
    params,
    peerCertificate: () => {
      if (presented === null) presented = presentedCertificate(request);
      return presented;
    },
  };
}
