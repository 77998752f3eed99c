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
 *    on a connection from an address TRUST_PROXY lists explicitly (addresses / CIDRs), never with
 *    TRUST_PROXY=true: `true` means "believe X-Forwarded-For from whoever connects", a convenience
 *    for a proxy whose address is not known, and that must not turn into "whoever connects may
 *    claim any client certificate" (every tenant's `tls_client_auth` and every certificate-bound
 *    token would then be open to anyone reaching the port). From anyone else they are ignored, so
 *    a client cannot claim a certificate it does not hold. The trust is per server, not per host:
 *    the edge is the operator's proxy in front of all of Tessera (docs/ARCHITECTURE.md, "Mutual
 *    TLS"). Auth0 also has its edge send the custom domain's `cname-api-key`; Tessera issues no
 *    such key (its trust in the edge is the network address), so it is not read.
 * A malformed, oversized or repeated header from a trusted proxy is a 400 in the format of the API
 * the path belongs to, never a 500 and never silently "no certificate". Repeats are counted in the
 * raw headers: Node joins a repeated header into one "A, B" string, so only the raw list shows them.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { PresentedCertificate } from '../auth-api/client-auth/credentials.js';
import { badRequestFor } from '../http/errors.js';
import { proxyTrust, type ProxyTrust } from './client-ip-header.js';
import { mtlsListenerOf } from './mtls-listener.js';

export const CLIENT_CERTIFICATE_HEADER = 'client-certificate';
export const CA_VERIFIED_HEADER = 'client-certificate-ca-verified';
/** The edge page's limit on the header value. */
export const MAX_CERTIFICATE_HEADER_BYTES = 4096;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/;

/**
 * Which peers may send the edge headers: those an explicit TRUST_PROXY list names; nobody with
 * TRUST_PROXY=true or false (see above).
 */
export function edgeTrust(trustProxy: boolean | string): ProxyTrust {
  return typeof trustProxy === 'string' ? proxyTrust(trustProxy) : () => false;
}

/**
 * Whether any request can present a client certificate: the mutual-TLS listener is configured, or
 * an explicit TRUST_PROXY list names an edge that may forward one. Discovery advertises
 * certificate-bound tokens only then (a client told "yes" on a server that can never see its
 * certificate would be refused on every request that requires a binding).
 */
export function clientCertificatesCanArrive(config: Pick<Config, 'mtls' | 'trustProxy'>): boolean {
  return config.mtls !== undefined || typeof config.trustProxy === 'string';
}

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
  const problem = edgeHeaderProblem(request.raw.rawHeaders);
  if (problem) throw malformed(request.url, problem);
  // Sent once each (checked above), so both are strings.
  return fromEdgeHeaders(request.url, raw as string, request.headers[CA_VERIFIED_HEADER] as string | undefined);
}

const malformed = (url: string, why: string) => badRequestFor(url, 'invalid_request', `The ${why}.`);

/** Why the raw header list is refused: either edge header more than once. Exported for unit tests. */
export function edgeHeaderProblem(rawHeaders: readonly string[]): string | undefined {
  let certificates = 0;
  let verified = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (name === CLIENT_CERTIFICATE_HEADER) certificates++;
    else if (name === CA_VERIFIED_HEADER) verified++;
  }
  if (certificates > 1) return `${CLIENT_CERTIFICATE_HEADER} header must be sent once`;
  if (verified > 1) return `${CA_VERIFIED_HEADER} header must be sent once`;
  return undefined;
}

/** The certificate a trusted edge forwarded (each header sent once). Exported for unit tests. */
export function fromEdgeHeaders(url: string, raw: string, caVerified: string | undefined): PresentedCertificate {
  const bad = (why: string) => malformed(url, `${CLIENT_CERTIFICATE_HEADER} header ${why}`);
  if (Buffer.byteLength(raw) > MAX_CERTIFICATE_HEADER_BYTES) throw bad(`must not exceed ${MAX_CERTIFICATE_HEADER_BYTES} bytes`);
  let pem: string;
  try {
    pem = decodeURIComponent(raw.trim());
  } catch {
    throw bad('is not a URL-encoded PEM certificate');
  }
  const first = PEM_CERTIFICATE.exec(pem);
  if (!first) throw bad('is not a URL-encoded PEM certificate');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(first[0]);
  } catch {
    throw bad('does not hold a valid X.509 certificate');
  }
  return { certificate, caVerified: caVerified?.trim() === 'SUCCESS' };
}
