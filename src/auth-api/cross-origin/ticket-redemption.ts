/**
 * The second half of a cross-origin login: `/authorize?login_ticket=...` (auth0.js adds the ticket
 * to an otherwise ordinary authorization request, already validated by the authorize endpoint).
 *
 * - The verifier cookie set by `/co/authenticate` came back and matches: the ticket is used up, the
 *   SSO session starts, and the request completes as after a hosted login.
 * - No cookie (the browser blocked it as a third-party cookie): the application's cross-origin
 *   verification page (`cross_origin_loc`, running auth0.js `crossOriginVerification()`) is framed
 *   by a page of ours, which asks it for the verifier auth0.js kept in the application's storage
 *   and posts it to `POST /co/verify`, which then completes the same way. Without a verification
 *   page the request fails as on Auth0: `server_error` "Unable to configure verification page."
 *
 * `/co/verify` completes a login for whoever posts a ticket and its verifier, so it must only accept
 * the form of the page we showed: from the browser holding that page's cookie, with that page's
 * nonce, and not from another origin. Otherwise an attacker could authenticate as themselves, make
 * the victim's browser fetch the page (getting the cookie, SameSite=None when framed) and post their
 * own ticket from another site: the victim would be logged in as the attacker (login CSRF).
 *
 * Whatever goes wrong, the application learns only that the ticket was not accepted; a ticket that
 * met a wrong verifier is burnt, so it cannot be tried again.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import { AuthorizationRedirectError, type AuthorizationRequest } from '../../domain/oidc/authorization-request.js';
import { hashSecret, newSecret } from '../../domain/secrets.js';
import { restoreRequest, storeRequest } from '../../domain/interactions/interaction.js';
import { matchesHash } from '../../domain/secrets.js';
import { clearCookie, readCookie, setCookie } from '../../http/cookies.js';
import { csrfValid, postedFromOwnOrigin, stringField } from '../../http/forms.js';
import { renderErrorPage } from '../../pages/html.js';
import { csrfRejected, unknownClient } from '../../pages/refusals.js';
import { startSession } from '../authorize/session-start.js';
import { answerAuthorizationError, redirectTarget } from '../authorize/authorization-requests.js';
import {
  LOGIN_TICKET_TTL_SECONDS,
  VERIFICATION_PATH,
  VERIFIER_COOKIE_PATH,
  verificationCookieName,
  verifierCookieName,
  verifierMatches,
  type LoginTicket,
} from './login-ticket.js';
import { renderVerificationPage } from './verification-page.js';

const INVALID_TICKET = 'Invalid or expired login ticket.';
const NO_VERIFICATION_PAGE = 'Unable to configure verification page.';
const VERIFICATION_FAILED = 'Cross-origin verification failed.';

/** Completes `/authorize` for a request carrying `login_ticket` (and optionally the `realm` it was issued for). */
export async function redeemLoginTicket(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  client: Client,
  authorization: AuthorizationRequest,
  params: { login_ticket: string; realm?: string },
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const target = redirectTarget(authorization, client);
  const ticket = await services.ttl.get<LoginTicket>(tenant.id, 'login_ticket', params.login_ticket);
  if (!ticket || ticket.clientId !== client.client_id || (params.realm !== undefined && params.realm !== ticket.connection)) {
    failed(request, client, INVALID_TICKET);
    throw new AuthorizationRedirectError('access_denied', INVALID_TICKET, target);
  }

  const cookieName = verifierCookieName(ticket.coId);
  const cookieVerifier = readCookie(request, cookieName);
  if (cookieVerifier !== undefined) {
    clearCookie(request, reply, cookieName, VERIFIER_COOKIE_PATH);
    return finish(services, request, reply, client, authorization, request.issuer, params.login_ticket, ticket, cookieVerifier);
  }

  // Third-party cookies were blocked: ask the application's verification page for the verifier.
  if (!client.cross_origin_loc) {
    failed(request, client, NO_VERIFICATION_PAGE);
    throw new AuthorizationRedirectError('server_error', NO_VERIFICATION_PAGE, target);
  }
  const browserSecret = newSecret();
  const csrf = randomBytes(24).toString('base64url');
  const pending: LoginTicket['pending'] = { request: storeRequest(authorization), issuer: request.issuer, browserHash: hashSecret(browserSecret), csrf };
  await services.ttl.update(tenant.id, 'login_ticket', params.login_ticket, { ...ticket, pending });
  // Lax unless the application frames the flow (web_message), where a Lax cookie would not come back.
  const framed = authorization.responseMode === 'web_message';
  setCookie(request, reply, verificationCookieName(params.login_ticket), browserSecret, { path: VERIFICATION_PATH, maxAge: LOGIN_TICKET_TTL_SECONDS, lax: !framed });
  return renderVerificationPage(reply, tenant, {
    issuerOrigin: new URL(request.issuer).origin,
    verificationPageUrl: client.cross_origin_loc,
    coId: ticket.coId,
    loginTicket: params.login_ticket,
    csrf,
    redirectUri: authorization.redirectUri,
    ...(framed ? { framedBy: new URL(authorization.redirectUri).origin } : {}),
  });
}

/** `POST /co/verify`: the verification page delivers the verifier for a pending ticket. */
export const coVerifyEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post(VERIFICATION_PATH, async (request, reply) => {
    const tenant = request.tenant;
    if (!postedFromOwnOrigin(request)) {
      return renderErrorPage(reply, tenant, 'invalid_request', 'This login was submitted from another site. Please go back to the application and log in again.', 403);
    }
    const loginTicket = stringField(request.body, 'state');
    const verifier = stringField(request.body, 'verifier');
    const ticket = loginTicket ? await services.ttl.get<LoginTicket>(tenant.id, 'login_ticket', loginTicket) : undefined;
    // Only the browser that was shown the page may complete it (no login CSRF with someone else's ticket).
    if (!loginTicket || !ticket?.pending || !matchesHash(readCookie(request, verificationCookieName(loginTicket)), ticket.pending.browserHash)) {
      return renderErrorPage(reply, tenant, 'invalid_request', 'Your login has expired or was started in another browser. Please go back to the application and log in again.');
    }
    // Nothing is used up by a refusal: a forged post must not spoil the login the page itself is completing.
    if (!csrfValid(request, ticket.pending.csrf)) return csrfRejected(reply, request);
    clearCookie(request, reply, verificationCookieName(loginTicket), VERIFICATION_PATH);
    const authorization = restoreRequest(ticket.pending.request);
    const client = await services.clients.find(tenant.id, tenant.name, ticket.clientId);
    if (!client) return unknownClient(reply, request, ticket.clientId);
    try {
      return await finish(services, request, reply, client, authorization, ticket.pending.issuer, loginTicket, ticket, verifier);
    } catch (error) {
      return answerAuthorizationError(reply, tenant, error);
    }
  });
};

/** Checks the verifier, uses the ticket up, and starts the session; a wrong verifier burns the ticket. */
async function finish(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  client: Client,
  authorization: AuthorizationRequest,
  issuer: string,
  loginTicket: string,
  ticket: LoginTicket,
  verifier: string | undefined,
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const target = redirectTarget(authorization, client);
  const redemption = await services.ttl.consume<LoginTicket>(tenant.id, 'login_ticket', loginTicket);
  if (redemption.status !== 'ok') {
    failed(request, client, INVALID_TICKET);
    throw new AuthorizationRedirectError('access_denied', INVALID_TICKET, target);
  }
  if (!verifierMatches(ticket, verifier)) {
    failed(request, client, VERIFICATION_FAILED, ticket.userId);
    throw new AuthorizationRedirectError('access_denied', VERIFICATION_FAILED, target);
  }
  // The user may have been blocked or deleted in the minutes since the credentials were checked.
  const user = await services.users.get(tenant.id, ticket.userId).catch(() => undefined);
  if (!user || user.blocked) {
    failed(request, client, 'user is blocked', ticket.userId);
    throw new AuthorizationRedirectError('access_denied', 'user is blocked', target);
  }
  return startSession(services, request, reply, { client, user, connection: ticket.connection, amr: ticket.amr, authorization, issuer });
}

function failed(request: FastifyRequest, client: Client, description: string, userId?: string): void {
  request.audit('f', { description, client, ...(userId ? { userId } : {}) });
}
