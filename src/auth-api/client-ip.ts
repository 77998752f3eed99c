/**
 * The end user's IP address for logs and attack protection. A backend that calls the
 * Authentication API on a user's behalf names the user's address in `auth0-forwarded-for`; that
 * header is believed only when the call is authenticated (client secret), because anyone can send
 * it on an unauthenticated call — and an IP the attacker chooses would let them dodge IP-based
 * throttling or frame someone else (Auth0: "Migrate to Passwordless Endpoint from Confidential
 * Applications", Rate Limits).
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

export const FORWARDED_FOR_HEADER = 'auth0-forwarded-for';

export function clientIp(request: FastifyRequest, authenticated: boolean): string {
  if (!authenticated) return request.ip;
  const header = request.headers[FORWARDED_FOR_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  // The first address is the user's; later ones would be proxies the backend passed through.
  const first = value?.split(',')[0]?.trim();
  return first && isIP(first) !== 0 ? first : request.ip;
}
