/**
 * The two ways an authorization request fails. Which one applies is a security decision: until
 * the client and its redirect_uri are verified, an error must never redirect (that would make the
 * server an open redirector) and is shown on an error page; after that, it goes back to the
 * application at its redirect_uri, in the requested response mode, with its `state`.
 */
import type { ResponseMode } from './authorization-request.js';
import type { Client } from '../clients/client.js';

/** Where an error for a verified request goes. */
export interface RedirectTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state?: string;
  /** The application the error goes to, when known: its compliance level shapes the answer (iss, error codes). */
  client?: Client;
}

/** An error shown on the tenant's error page, never redirected. */
export class AuthorizationPageError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** An error sent back to the (validated) redirect_uri. */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly target: RedirectTarget,
  ) {
    super(description);
  }
}
