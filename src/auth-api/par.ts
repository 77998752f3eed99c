/**
 * `POST /oauth/par` (RFC 9126, as Auth0 runs it): an application pushes its authorization request
 * over the back channel and gets a one-time `request_uri` for `/authorize`
 * (domain/oidc/pushed-authorization.ts keeps and takes it back).
 *
 * Only when the tenant allows PAR (`pushed_authorization_requests_supported`). The client
 * authenticates as at the token endpoint (authenticateClient: every registered method, mTLS
 * included); Auth0 requires an authenticating method ("Include an additional parameter for
 * application authentication"), so a public application (`none`) is refused. The request is then
 * validated by the checks marked `par` (authorization-checks/): every error, including those
 * `/authorize` would show on a page or redirect, is answered here as JSON 400 `{error,
 * error_description}`. Called by servers, so no CORS (auth-api/cors.ts does not list it).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { AuthApiError } from '../http/errors.js';
import { AuthorizationPageError, AuthorizationRedirectError } from '../domain/oidc/authorization-request.js';
import { PAR_BODY_LIMIT_BYTES, pushedParams, storePushedRequest } from '../domain/oidc/pushed-authorization.js';
import { tenantFeatures } from '../domain/tenants/features.js';
import { tokenParams } from './token/token-request.js';
import { authenticateClient } from './client-auth/authenticate-client.js';
import { invalidClient } from './client-auth/errors.js';
import { answerFapiInteractionId, echoFapiInteractionId } from './fapi-headers.js';
import { validatedAuthorization } from './authorize/authorization-requests.js';

export const PAR_PATH = '/oauth/par';

export const parEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  echoFapiInteractionId(app);
  app.post(PAR_PATH, { bodyLimit: PAR_BODY_LIMIT_BYTES }, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const tenant = request.tenant;
    if (!tenantFeatures(tenant.settings).pushedAuthorizationRequests) {
      throw new AuthApiError(400, 'invalid_request', 'Pushed Authorization Requests are disabled for this tenant.');
    }
    // RFC 9126 §2.1: the parameters are a form.
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      throw new AuthApiError(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.');
    }
    const body = tokenParams(request);
    // RFC 9126 §2: a client assertion may name the PAR endpoint as its audience too.
    const { client, authenticated } = await authenticateClient(services, request, body, { endpointAudience: `${request.issuer}oauth/par` });
    answerFapiInteractionId(request, reply, client);
    if (!authenticated) throw invalidClient({}, 'Client authentication is required for Pushed Authorization Requests.');
    if (body.client_id !== undefined && body.client_id !== client.client_id) {
      throw new AuthApiError(400, 'invalid_request', 'The client_id does not match the authenticated client.');
    }
    // RFC 9126 §2.1: a push carries the request itself, never a reference to another one.
    if (body.request_uri !== undefined) throw new AuthApiError(400, 'invalid_request', 'The request_uri parameter is not allowed in a pushed authorization request.');
    // RFC 9126 §3: a push may be a JAR request object; validatedAuthorization verifies and expands it,
    // and what is stored is the request it signs (with whether it was signed, for signed_request_object.required).
    let validated: { params: Record<string, string>; signed: boolean };
    try {
      validated = await validatedAuthorization(services, tenant, pushedParams(body, client.client_id), request.urlPlaceholders, { issuer: request.issuer, endpoint: 'par', client });
    } catch (error) {
      if (error instanceof AuthorizationPageError || error instanceof AuthorizationRedirectError) throw new AuthApiError(400, error.error, error.description);
      throw error;
    }
    return reply.code(201).send(await storePushedRequest(services.ttl, tenant.id, client, { params: validated.params, signed: validated.signed }));
  });
};
