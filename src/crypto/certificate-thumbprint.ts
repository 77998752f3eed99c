/**
 * RFC 8705 §3.1: how a token names the client certificate it is bound to. Pure functions of the
 * certificate and the claim, shared by the token issuer (domain/tokens/certificate-binding.ts) and
 * every resource that checks a bound token (http/certificate-binding.ts).
 */
import type { X509Certificate } from 'node:crypto';
import { x5tS256Of } from './x509.js';

/** The confirmation method of RFC 8705 §3.1. */
export const CNF_CERTIFICATE_THUMBPRINT = 'x5t#S256';

/** base64url(SHA-256(DER)) of a certificate: its `x5t#S256`. */
export function certificateThumbprint(certificate: X509Certificate): string {
  return x5tS256Of(certificate.raw);
}

/** The `cnf` claim binding a token to `thumbprint`. */
export function confirmationClaim(thumbprint: string): Record<string, string> {
  return { [CNF_CERTIFICATE_THUMBPRINT]: thumbprint };
}

/** The thumbprint a token's `cnf` claim binds it to, if it is certificate-bound. */
export function boundThumbprint(cnf: unknown): string | undefined {
  if (cnf === null || typeof cnf !== 'object') return undefined;
  const value = (cnf as Record<string, unknown>)[CNF_CERTIFICATE_THUMBPRINT];
  return typeof value === 'string' ? value : undefined;
}
