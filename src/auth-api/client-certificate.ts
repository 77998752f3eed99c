/**
 * The client certificate a request presented (RFC 8705), wherever it came from: the TLS handshake
 * of the mutual-TLS listener, or a trusted edge's `client-certificate` header. The server resolves
 * it once per request, before any route runs (server/client-certificate.ts); everything in the
 * Authentication API reads it here: the mTLS client authentication methods (through
 * ClientCredentials.peerCertificate) and certificate-bound tokens (its thumbprint).
 */
import type { FastifyRequest } from 'fastify';
import type { PresentedCertificate } from './client-auth/credentials.js';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import { bindingFor } from '../domain/tokens/certificate-binding.js';
import { presentedThumbprint } from '../http/certificate-binding.js';

export { presentedThumbprint };

export function presentedCertificate(request: FastifyRequest): PresentedCertificate | undefined {
  return request.clientCertificate ?? undefined;
}

/** The token options that bind what a grant mints to the presented certificate (spread into mintUserTokens / issueClientToken). */
export function certificateBinding(request: FastifyRequest): { certificateThumbprint?: string } {
  const thumbprint = presentedThumbprint(request);
  return thumbprint ? { certificateThumbprint: thumbprint } : {};
}

/**
 * Refuses (ProofOfPossessionRequired, a 400 at the token endpoint) a token request whose tokens
 * would have to be certificate-bound and that presented no certificate, for the API `audience`
 * names. A grant calls it as soon as it knows the audience and before it spends anything: before a
 * refresh token rotates (a rotated-then-refused token would look like reuse on the retry and revoke
 * the family), before a password is checked or a one-time code burnt, before a login is recorded.
 * Minting checks again (user-tokens.ts); this is the early, side-effect-free copy of that check.
 */
export async function requireBindingFor(services: Services, request: FastifyRequest, client: Client, audience: string | undefined): Promise<void> {
  const thumbprint = presentedThumbprint(request);
  if (thumbprint) return;
  const api = audience ? await services.resourceServers.findByAudience(request.tenant.id, audience) : null;
  bindingFor(client, api ?? undefined, thumbprint);
}
