/**
 * What a request presents to authenticate its client, gathered once and handed to every method:
 * the Authorization header, the body parameters (client_id, client_secret, client_assertion,
 * client_assertion_type, ...) and, for the mutual-TLS methods, the TLS peer certificate. A method
 * reads only what it needs; none of them sees the request itself.
 */
import { TLSSocket, type PeerCertificate } from 'node:tls';
import type { FastifyRequest } from 'fastify';

export type CredentialParams = Readonly<Record<string, string | undefined>>;

export interface ClientCredentials {
  /** The Authorization header, as sent. */
  readonly authorization: string | undefined;
  /** The request's string parameters (body, or what the endpoint parsed). */
  readonly params: CredentialParams;
  /** The certificate the client presented in the TLS handshake, if any (read on demand: only mTLS methods need it). */
  peerCertificate(): PeerCertificate | undefined;
}

export function credentialsOf(request: FastifyRequest, params: CredentialParams): ClientCredentials {
  return {
    authorization: request.headers.authorization,
    params,
    peerCertificate: () => {
      const socket = request.raw.socket;
      if (!(socket instanceof TLSSocket)) return undefined;
      const certificate = socket.getPeerCertificate();
      // An empty object means the client sent none.
      return certificate && Object.keys(certificate).length > 0 ? certificate : undefined;
    },
  };
}
