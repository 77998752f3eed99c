/**
 * Reading posted forms, and the two checks every browser form of ours relies on against
 * cross-site request forgery: the form's own CSRF token, and the Origin it was posted from.
 */
import type { FastifyRequest } from 'fastify';
import { sameSecret } from '../crypto/constant-time.js';

/** A field of a query string or form, when it is one string (a repeated field counts as absent). */
export function stringField(source: unknown, name: string): string | undefined {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The form's `_csrf` field is the token the page was rendered with (constant-time). */
export function csrfValid(request: FastifyRequest, expected: string | undefined): boolean {
  return !!expected && sameSecret(stringField(request.body, '_csrf') ?? '', expected);
}

/**
 * False when the request names an origin other than ours: a form posted from another site, or
 * `null` from an opaque origin (a sandboxed frame, a page with `Referrer-Policy: no-referrer`).
 * A request without Origin passes; forms that rely on this must carry a CSRF token too.
 */
export function postedFromOwnOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  return origin === undefined || origin.toLowerCase() === new URL(request.issuer).origin;
}
