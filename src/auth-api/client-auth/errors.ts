/** The answers of client authentication, shared by every method. */
import { AuthApiError } from '../../http/errors.js';
import type { ClientAuthMethod } from './method.js';

/**
 * One answer for an unknown client and a wrong credential, so client ids are not confirmed or denied.
 * Key- and certificate-based methods say which rule failed (`description`): it names a rule, never
 * key material, and a client that signs its own assertions needs it to find its mistake.
 */
export function invalidClient(method: Pick<ClientAuthMethod, 'challenge'>, description = CLIENT_AUTHENTICATION_FAILED): AuthApiError {
  return new AuthApiError(401, 'invalid_client', description, {}, method.challenge ? { 'www-authenticate': method.challenge } : {});
}

export const CLIENT_AUTHENTICATION_FAILED = 'Client authentication failed.';

/**
 * A refusal decided by the client's registration (its methods, credentials, kids, algorithms, the
 * signature or certificate not matching): answered exactly as an unknown client, so the answer
 * tells an attacker nothing about the client; the rule goes to the tenant log only.
 */
export function undisclosedInvalidClient(method: Pick<ClientAuthMethod, 'challenge'>, rule: string): AuthApiError {
  const error = invalidClient(method);
  error.logDescription = rule;
  return error;
}

/** The client_id that a method reading it from the body requires. */
export function bodyClientId(params: Readonly<Record<string, string | undefined>>): string {
  const clientId = params.client_id;
  if (clientId === undefined || clientId === '') throw new AuthApiError(400, 'invalid_request', 'Missing required parameter: client_id');
  return clientId;
}

/** Two methods in one request (RFC 6749 §2.3; Auth0 answers the same). */
export function multipleMethods(methods: readonly ClientAuthMethod[]): AuthApiError {
  return new AuthApiError(400, 'invalid_request', `Client authentication must use only one method (${methods.map((m) => m.presentedAs).join(' or ')}).`);
}
