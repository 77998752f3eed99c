/**
 * A login transaction: an `/authorize` request waiting for the user to log in on the hosted page.
 * Its secret travels in the page URL (`state`); it is also bound to the browser that started it by a
 * cookie, so a login form cannot be replayed from another browser (login CSRF).
 */
import type { AuthorizationRequest } from '../../domain/oidc/authorization-request.js';

export interface StoredAuthorizationRequest extends Omit<AuthorizationRequest, 'responseTypes' | 'prompt'> {
  responseTypes: Array<'code' | 'token' | 'id_token'>;
  prompt: string[];
}

export interface LoginTransaction {
  request: StoredAuthorizationRequest;
  issuer: string;
  /** SHA-256 of the browser-binding cookie's value. */
  browserHash: string;
  /** The hidden form field value that must come back with the login form. */
  csrf: string;
}

export const TRANSACTION_TTL_SECONDS = 3600;
export const transactionCookieName = (state: string): string => `tessera_tx_${state.slice(0, 16)}`;

export const storeRequest = (request: AuthorizationRequest): StoredAuthorizationRequest => ({
  ...request,
  responseTypes: [...request.responseTypes],
  prompt: [...request.prompt],
});

export const restoreRequest = (stored: StoredAuthorizationRequest): AuthorizationRequest => ({
  ...stored,
  responseTypes: new Set(stored.responseTypes),
  prompt: new Set(stored.prompt),
});
