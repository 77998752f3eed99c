/**
 * Magic links (`send: link`). The email carries
 * `/passwordless/verify_redirect?{authorize parameters}&connection=…&client_id=…&email=…&verification_code=…`
 * (Auth0's shape); opening it checks the code like any other passwordless login and completes the
 * `/authorize`-style request built from the `authParams` given to `/passwordless/start`: the
 * redirect_uri must be one of the application's callbacks, and the answer (code and/or tokens, with
 * `state`) goes there in the requested response mode, after the SSO session has started.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import { conformantErrorCode } from '../../domain/clients/compliance-levels.js';
import { AuthorizationRedirectError, checkClientAndRedirect, parseAuthorizationRequest, type AuthorizationContext, type AuthorizationRequest } from '../../domain/oidc/authorization-request.js';
import { attemptPasswordlessLogin } from '../../domain/passwordless/passwordless-login.js';
import { startSession } from '../authorize/session-start.js';
import { answerAuthorizationError, redirectTarget, stringParams, validatedAuthorization } from '../authorize/authorization-requests.js';
import { rejectionDescription } from './rejections.js';
import { connectionEnabledFor } from '../../domain/connections/connection.js';
import { passwordlessOf } from '../../domain/connections/strategies/registry.js';
import { hasPlaceholder } from '../../domain/clients/url-rules.js';

export const VERIFY_REDIRECT_PATH = '/passwordless/verify_redirect';

/** The `/authorize` parameters a magic link carries over from `authParams`. */
// acr_values and claims: an acr asked for at /authorize (essential or not) must survive the link;
// authorization_details so that a link continuing a rich request is refused rather than completed without them.
const LINK_PARAMS = ['response_type', 'response_mode', 'redirect_uri', 'scope', 'state', 'nonce', 'audience', 'code_challenge', 'code_challenge_method', 'acr_values', 'claims', 'authorization_details'] as const;

/**
 * The `/authorize` parameters for a magic link, checked now so that a bad `authParams` is reported
 * to the caller of `/passwordless/start` rather than found by the user clicking a dead link.
 * Defaults: `response_type=code`, and the application's first (non-wildcard) callback.
 */
export function linkParams(client: Client, authParams: Record<string, string>, context: AuthorizationContext): Record<string, string> {
  const params: Record<string, string> = { client_id: client.client_id };
  for (const name of LINK_PARAMS) if (authParams[name] !== undefined) params[name] = authParams[name]!;
  params.response_type ??= 'code';
  if (params.redirect_uri === undefined) {
    const callback = client.callbacks.find((url) => !url.includes('*') && !hasPlaceholder(url));
    if (callback) params.redirect_uri = callback;
  }
  // Throws the same errors /authorize would; the caller turns them into a 400.
  const { redirectUri } = checkClientAndRedirect(params, client, context.placeholders);
  parseAuthorizationRequest(params, client, redirectUri, context);
  return params;
}

export function magicLink(issuer: string, params: Record<string, string>, login: { connection: string; identifierField: 'email' | 'phone_number'; identifier: string; code: string }): string {
  const query = new URLSearchParams(params);
  query.set('connection', login.connection);
  query.set(login.identifierField, login.identifier);
  query.set('verification_code', login.code);
  return `${issuer.replace(/\/$/, '')}${VERIFY_REDIRECT_PATH}?${query.toString()}`;
}

export const magicLinkRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get(VERIFY_REDIRECT_PATH, async (request, reply) => {
    // The URL holds a login code: keep it out of caches and of Referer headers.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const params = stringParams(request.query);
    const tenant = request.tenant;
    try {
      const { client, authorization } = await validatedAuthorization(services, tenant, params, request.urlPlaceholders, { issuer: request.issuer });
      return await verifyAndComplete(services, request, reply, client, authorization, params);
    } catch (error) {
      return answerAuthorizationError(reply, tenant, error);
    }
  });
};

async function verifyAndComplete(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  client: Client,
  authorization: AuthorizationRequest,
  params: Record<string, string>,
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const fail = (error: string, description: string) => new AuthorizationRedirectError(error, description, redirectTarget(authorization, client));
  const connection = params.connection ? await services.connections.findByName(tenant.id, params.connection) : undefined;
  const passwordless = connection && passwordlessOf(connection.strategy);
  if (!connection || !passwordless) throw fail('invalid_request', 'the connection was not found');
  if (!connectionEnabledFor(connection, client)) throw fail('invalid_request', 'the connection was disabled');
  const username = params[passwordless.identifierField] ?? '';
  const attempt = await attemptPasswordlessLogin(services, { tenant, connection, username, otp: params.verification_code ?? '', ip: request.ip, clientId: client.client_id, audit: request.audit, issuer: request.issuer });
  if (!attempt.ok) {
    const description = rejectionDescription(connection.strategy, attempt);
    request.audit('f', {
      description,
      client,
      ...(attempt.login ? { userId: attempt.login.user.user_id } : {}),
      details: { connection: connection.name, reason: attempt.reason },
    });
    throw fail(conformantErrorCode(client, 'authorize', attempt.reason === 'blocked_user' ? 'unauthorized' : 'access_denied'), description);
  }
  await services.users.recordLogin(attempt.login, { ip: request.ip });
  return startSession(services, request, reply, { client, user: attempt.login.user, connection: connection.name, amr: ['otp'], authorization, issuer: request.issuer });
}
