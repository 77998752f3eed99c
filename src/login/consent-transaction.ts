/**
 * A consent transaction: an authorization that is complete except for the user's consent, waiting
 * on the hosted consent page. Like a login transaction its secret travels as `state` in the page
 * URL, it is bound to the browser by a cookie and its form carries a CSRF token; it also names the
 * user it was started for, whose live session must still be there when the form comes back.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { AuthorizationRequest } from '../domain/oidc/authorization-request.js';
import { hashSecret, newSecret } from '../domain/secrets.js';
import { setCookie } from '../http/cookies.js';
import { TRANSACTION_TTL_SECONDS, storeRequest, transactionCookieName, type LoginTransaction } from '../auth-api/authorize/transaction.js';

export interface ConsentTransaction extends LoginTransaction {
  userId: string;
  /** The API identifier, or '' for OpenID Connect scopes alone. */
  audience: string;
  /** The scopes the user is asked to grant: exactly what the application would receive. */
  scope: string[];
}

export const CONSENT_PATH = '/u/consent';

export async function startConsent(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  consent: { authorization: AuthorizationRequest; issuer: string; userId: string; audience: string; scope: string[] },
): Promise<FastifyReply> {
  const browserSecret = newSecret();
  const transaction: ConsentTransaction = {
    request: storeRequest(consent.authorization),
    issuer: consent.issuer,
    browserHash: hashSecret(browserSecret),
    csrf: randomBytes(24).toString('base64url'),
    userId: consent.userId,
    audience: consent.audience,
    scope: consent.scope,
  };
  const state = await services.ttl.put(request.tenant.id, 'consent_transaction', transaction, TRANSACTION_TTL_SECONDS);
  setCookie(request, reply, transactionCookieName(state), browserSecret, { path: '/u/', maxAge: TRANSACTION_TTL_SECONDS, lax: true });
  return reply.redirect(`${CONSENT_PATH}?state=${encodeURIComponent(state)}`, 302);
}
