/**
 * Resolves, once per request and before any route runs, the client certificate it presented
 * (RFC 8705), from exactly one of two places:
 *  - the TLS handshake, on the mutual-TLS listener (mtls-listener.ts), the only one that asks
 *    clients for a certificate. Its chain counts as CA-verified only when TESSERA_MTLS_CA_FILE names
 *    the CAs to check it against: without it Node would check against the public web roots, and a
 *    certificate any public CA issued is no proof for `tls_client_auth`.
 *  - the edge's headers (applications__configure-mtls__set-up-the-customer-edge.md): `client-certificate`
 *    (the URL-encoded PEM, at most 4096 bytes, only the first certificate of the chain read) and
 *    `client-certificate-ca-verified` (`SUCCESS`, or `FAILED` with an optional reason). Believed only
 *    on a connection from a proxy TRUST_PROXY names, as X-Forwarded-For and a custom domain's
 *    client IP header are: from anyone else they are ignored, so a client cannot claim a
 *    certificate it does not hold. Auth0 also has its edge send the custom domain's `cname-api-key`;
 *    Tessera issues no such key (its trust in the edge is the network address), so it is not read.
 * A malformed or oversized header from a trusted proxy is a 400 `invalid_request`, never a 500 and
 * never silently "no certificate".
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PresentedCertificate } from '../auth-api/client-auth/credentials.js';
import { AuthApiError } from '../http/errors.js';
import type { ProxyTrust } from './client-ip-header.js';
import { mtlsListenerOf } from './mtls-listener.js';

export const CLIENT_CERTIFICATE_HEADER = 'client-certificate';
export const CA_VERIFIED_HEADER = 'client-certificate-ca-verified';
/** The edge page's limit on the header value. */
export const MAX_CERTIFICATE_HEADER_BYTES = 4096;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/;

export function registerClientCertificate(app: FastifyInstance, trust: ProxyTrust): void {
  app.decorateRequest('clientCertificate', null);
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      request.clientCertificate = certificateOf(request, trust) ?? null;
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}

function certificateOf(request: FastifyRequest, trust: ProxyTrust): PresentedCertificate | undefined {
  const socket = request.raw.socket;
  const listener = mtlsListenerOf(socket);
  if (listener) {
    const peer = (socket as TLSSocket).getPeerX509Certificate();
    return peer ? { certificate: peer, caVerified: listener.verifiesChains && (socket as TLSSocket).authorized } : undefined;
  }
  const raw = request.headers[CLIENT_CERTIFICATE_HEADER];
  if (raw === undefined || !trust(socket.remoteAddress)) return undefined;
  return fromEdgeHeaders(raw, request.headers[CA_VERIFIED_HEADER]);
}

const malformed = (why: string) => new AuthApiError(400, 'invalid_request', `The ${CLIENT_CERTIFICATE_HEADER} header ${why}.`);

/** The certificate a trusted edge forwarded. Exported for unit tests. */
export function fromEdgeHeaders(raw: string | string[], caVerified: string | string[] | undefined): PresentedCertificate {
  if (Array.isArray(raw)) throw malformed('must be sent once');
  if (Buffer.byteLength(raw) > MAX_CERTIFICATE_HEADER_BYTES) throw malformed(`must not exceed ${MAX_CERTIFICATE_HEADER_BYTES} bytes`);
  let pem: string;
  try {
    pem = decodeURIComponent(raw.trim());
  } catch {
    throw malformed('is not a URL-encoded PEM certificate');
  }
  const first = PEM_CERTIFICATE.exec(pem);
  if (!first) throw malformed('is not a URL-encoded PEM certificate');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(first[0]);
  } catch {
    throw malformed('does not hold a valid X.509 certificate');
  }
  const verified = Array.isArray(caVerified) ? undefined : caVerified?.trim();
  return { certificate, caVerified: verified === 'SUCCESS' };
}
