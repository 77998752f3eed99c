/**
 * The dashboard's CSRF token (docs/plans/dashboard.md §1.6): every state-changing control API
 * request carries `x-tessera-csrf`, the HMAC-SHA256 of the dashboard session's public id under the
 * `dashboardCsrf` subkey (crypto/subkeys.ts). `/me` hands the value to the SPA, which holds it in
 * memory; another site can neither read it nor compute it, and it needs no storage: it is derived
 * again from the session on each check. It sits with the other CSRF checks (forms.ts) in this leaf,
 * so the control API and the domain can both reach it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The request header the token travels in. */
export const DASHBOARD_CSRF_HEADER = 'x-tessera-csrf';

/** A token is 32 bytes of base64url: 43 characters. */
const TOKEN_LENGTH = 43;

/** The CSRF token of dashboard session `sessionId` (its public `ds_…` id) under `key`. */
export function csrfTokenFor(key: Uint8Array, sessionId: string): string {
  return createHmac('sha256', key).update(sessionId, 'utf8').digest('base64url');
}

/**
 * True when `presented` is session `sessionId`'s token. Compared in constant time; a value that is
 * missing, not a string, or of another length is refused before any comparison (the length is public).
 */
export function checkCsrfToken(key: Uint8Array, sessionId: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length !== TOKEN_LENGTH) return false;
  const expected = Buffer.from(csrfTokenFor(key, sessionId), 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
