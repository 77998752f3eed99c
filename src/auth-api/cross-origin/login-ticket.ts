/**
 * Cross-origin login tickets: what `POST /co/authenticate` hands an embedded login form (auth0.js,
 * Lock) after checking the user's credentials, and what `/authorize?login_ticket=...` redeems.
 *
 * A ticket alone logs no one in. It is one-time, expires after five minutes, names the application
 * it was issued to, and is paired with a verifier the browser must show too: Tessera sets the
 * verifier as an HttpOnly cookie on the `/co/authenticate` response (a third-party cookie from the
 * application's point of view), and auth0.js keeps a copy in the application's own storage under
 * `co/verifier/{issuer origin}/{co_id}`. When the cookie does not come back (third-party cookies
 * blocked), the application's cross-origin verification page hands that copy over (see
 * ticket-redemption.ts). Only the verifier's hash is stored, like every other secret here.
 */
import { randomBytes } from 'node:crypto';
import type { Services } from '../../domain/services.js';
import { hashSecret, matchesHash, newSecret } from '../../domain/secrets.js';
import type { StoredAuthorizationRequest } from '../../domain/interactions/interaction.js';

/** Auth0's login tickets live about five minutes. */
export const LOGIN_TICKET_TTL_SECONDS = 300;

export interface LoginTicket {
  clientId: string;
  userId: string;
  /** The connection (realm) the user authenticated with. */
  connection: string;
  /** How: `pwd` for a password, `otp` for a passwordless code. */
  amr: string[];
  /** Public id of the verifier: names the cookie, and the entry in the application's storage. */
  coId: string;
  verifierHash: string;
  /**
   * Set when `/authorize` had to fall back to the verification page: the request to complete once
   * the verifier arrives, the browser (cookie hash) that may deliver it, and the nonce of the page
   * shown to it. The cookie alone is not enough: when the flow is framed it is SameSite=None, so a
   * page on any site can make the browser send it; only our page knows the nonce.
   */
  pending?: { request: StoredAuthorizationRequest; issuer: string; browserHash: string; csrf: string };
}

export interface IssuedTicket {
  login_ticket: string;
  co_verifier: string;
  co_id: string;
}

export async function issueLoginTicket(
  services: Services,
  tenantId: string,
  login: { clientId: string; userId: string; connection: string; amr: string[] },
): Promise<IssuedTicket> {
  // 12 characters, as Auth0's co_id; it is not a secret (it only names things).
  const coId = randomBytes(9).toString('base64url');
  const verifier = newSecret();
  const ticket: LoginTicket = { ...login, coId, verifierHash: hashSecret(verifier) };
  const loginTicket = await services.ttl.put(tenantId, 'login_ticket', ticket, LOGIN_TICKET_TTL_SECONDS);
  return { login_ticket: loginTicket, co_verifier: verifier, co_id: coId };
}

export const verifierMatches = (ticket: LoginTicket, verifier: string | undefined): boolean =>
  matchesHash(verifier, ticket.verifierHash);

/** The cookie holding a ticket's verifier; named per ticket so that two logins in one browser do not collide. */
export const verifierCookieName = (coId: string): string => `tessera_co_${coId}`;
/** Only `/authorize` needs the verifier cookie. */
export const VERIFIER_COOKIE_PATH = '/authorize';

/** The cookie binding a verification page to the browser it was shown to. */
export const verificationCookieName = (loginTicket: string): string => `tessera_cov_${loginTicket.slice(0, 16)}`;
export const VERIFICATION_PATH = '/co/verify';
