/**
 * `GET|POST /authorize`: validates the request (errors before the redirect_uri is trusted go to an
 * error page, never to a redirect), then either completes at once with the SSO session, or opens
 * a login interaction (domain/interactions) and sends the browser to the hosted login page; the
 * protocol takes it back in resume.ts.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import { AuthorizationRedirectError, type AuthorizationRequest } from '../../domain/oidc/authorization-request.js';
import { secondsAt, type Clock } from '../../domain/clock.js';
import { INTERACTION_TTL_SECONDS, pageFor, storeRequest } from '../../domain/interactions/interaction.js';
import { bindInteraction } from '../../http/login-cookies.js';
import { ssoSessionFor } from './sso-session.js';
import { completeAuthorization } from './complete.js';
import { answerAuthorizationError, redirectTarget, stringParams, validatedAuthorization } from './authorization-requests.js';
import { redeemLoginTicket } from '../cross-origin/ticket-redemption.js';
import { REQUEST_URI_PREFIX, takePushedRequest } from '../../domain/oidc/pushed-authorization.js';
import { tenantFeatures } from '../../domain/tenants/features.js';

export const authorizeEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = stringParams(request.method === 'POST' ? request.body : request.query);
    const tenant = request.tenant;
    try {
      // A pushed request (RFC 9126 §4): its parameters replace the query's, client_id aside (which must
      // match). Any other request_uri is JAR by reference, refused by validatedAuthorization.
      const pushed = query.request_uri?.startsWith(REQUEST_URI_PREFIX) ? await takePushedRequest(services.ttl, tenant.id, tenantFeatures(tenant.settings).pushedAuthorizationRequests, query) : undefined;
      const { client, authorization, params } = await validatedAuthorization(services, tenant, pushed?.params ?? query, request.urlPlaceholders, {
        issuer: request.issuer,
        ...(pushed ? { pushed: { signed: pushed.signed } } : {}),
      });
      // An embedded (cross-origin) login: the ticket from /co/authenticate stands in for the login page.
      if (params.login_ticket) {
        return await redeemLoginTicket(services, request, reply, client, authorization, { login_ticket: params.login_ticket, ...(params.realm !== undefined ? { realm: params.realm } : {}) });
      }

      // A session whose connection is not enabled for this application counts as absent (sso-session.ts).
      const sso = await ssoSessionFor(services, request, client);
      const fresh = sso && !authorization.prompt.has('login') && !tooOld(sso.session.authTime, authorization.maxAge, services.clock);
      if (fresh) {
        const { session, user } = sso;
        request.audit('ssa', { description: 'Successful silent authentication', client, userId: user.user_id });
        return completeAuthorization(services, request, reply, client, authorization, request.issuer, session, user);
      }
      if (authorization.prompt.has('none')) {
        throw new AuthorizationRedirectError('login_required', 'Login required', redirectTarget(authorization, client));
      }
      return startLogin(services, request, reply, authorization);
    } catch (error) {
      return answerAuthorizationError(reply, tenant, error);
    }
  };
  app.get('/authorize', handler);
  app.post('/authorize', handler);
};

async function startLogin(services: Services, request: FastifyRequest, reply: FastifyReply, authorization: AuthorizationRequest): Promise<FastifyReply> {
  const { id, browserSecret } = await services.interactions.open(request.tenant.id, { kind: 'authorize', authorization: storeRequest(authorization), issuer: request.issuer });
  bindInteraction(request, reply, id, browserSecret, INTERACTION_TTL_SECONDS);
  return reply.redirect(pageFor('login_pending', id), 302);
}

const tooOld = (authTime: number, maxAge: number | undefined, clock: Clock): boolean => maxAge !== undefined && secondsAt(clock) - authTime > maxAge;
