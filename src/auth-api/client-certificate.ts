/**
 * The client certificate a request presented (RFC 8705), wherever it came from: the TLS handshake
 * of the mutual-TLS listener, or a trusted edge's `client-certificate` header. The server resolves
 * it once per request, before any route runs (server/client-certificate.ts); everything in the
 * Authentication API reads it here: the mTLS client authentication methods (through
 * ClientCredentials.peerCertificate) and certificate-bound tokens (its thumbprint).
 */
import type { FastifyRequest } from 'fastify';
import type { PresentedCertificate } from './client-auth/credentials.js';
import { certificateThumbprint } from '../domain/tokens/certificate-binding.js';

export function presentedCertificate(request: FastifyRequest): PresentedCertificate | undefined {
  return request.clientCertificate ?? undefined;
}

const thumbprints = new WeakMap<FastifyRequest, string>();

/** The presented certificate's `x5t#S256`, computed once per request; undefined without a certificate. */
export function presentedThumbprint(request: FastifyRequest): string | undefined {
  const presented = presentedCertificate(request);
  if (!presented) return undefined;
  let thumbprint = thumbprints.get(request);
  if (thumbprint === undefined) {
    thumbprint = certificateThumbprint(presented.certificate);
    thumbprints.set(request, thumbprint);
  }
  return thumbprint;
}

/** The token options that bind what a grant mints to the presented certificate (spread into mintUserTokens / issueClientToken). */
export function certificateBinding(request: FastifyRequest): { certificateThumbprint?: string } {
  const thumbprint = presentedThumbprint(request);
  return thumbprint ? { certificateThumbprint: thumbprint } : {};
}
