/**
 * `POST /bc-authorize` (OpenID CIBA Core 1.0 §7, poll mode): a first-party, confidential,
 * OIDC-conformant application with the CIBA grant authenticates as at the token endpoint (every
 * method: secret basic/post, private_key_jwt, mTLS, also on the mTLS alias host) and names the
 * user with Auth0's `login_hint` (`{"format":"iss_sub","iss":…,"sub":…}`). The user gets an email
 * (their address must be verified) with a link to the hosted approval page; the application gets
 * `auth_req_id`, `expires_in` and `interval`, and polls the token endpoint (token/grants/ciba.ts).
 *
 * Requests are judged at the `ciba` authorization checks (audience-is-an-api, requested-acr,
 * authorization-details-types) besides CIBA's own parameters. Errors are CIBA Core §13's, in
 * Auth0's JSON format; failures are logged `ciba_start_failed`, successes `ciba_start_succeeded`.
 *
 * Limits, each an hour and answered 429 with retry-after: 10 requests per application and user,
 * 20 per user across applications (nobody is mail-bombed, however many CIBA applications the
 * tenant has), 500 per application (one application cannot spend another's budget), 5,000 per
 * tenant (a backstop on the tenant's email volume that takes ten applications at their own cap to
 * reach). All are checked before any is counted, so a refused request spends no budget. Besides,
 * 100 answers an hour per application that a user is unknown or cannot be notified (no account-status
 * oracle).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { authorizationLookups } from '../authorize/authorization-requests.js';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import { CIBA_GRANT } from '../../domain/clients/client.js';
import { cibaAllowedFor } from '../../domain/oidc/backchannel-authentication.js';
import { AuthApiError } from '../../http/errors.js';
import { AuthorizationRedirectError } from '../../domain/oidc/authorization-request.js';
import { readRequest, runLookupChecks, runRequestChecks } from '../../domain/oidc/authorization-checks/index.js';
import { AuthorizationDetailsError, parseAuthorizationDetails } from '../../domain/oidc/authorization-details.js';
import { readAcrRequest, resolveAcr } from '../../domain/oidc/requested-acr.js';
import {
  CibaRequestError,
  approvalLink,
  asAuthorizationRequest,
  checkBindingMessage,
  readLoginHint,
  requestedExpiry,
  startCibaRequest,
  withdrawCibaRequest,
  type CibaRequest,
} from '../../domain/oidc/backchannel-authentication.js';
import { asyncApprovalEmail } from '../../domain/oidc/ciba-email.js';
import { tenantFeatures } from '../../domain/tenants/features.js';
import { tokenParams, type TokenParams } from '../token/token-request.js';
import { authenticateClient } from '../client-auth/authenticate-client.js';
import { grantNotAllowed } from '../token/grants/grant.js';
import type { RateLimitStore } from '../rate-limit/store.js';

export const BC_AUTHORIZE_PATH = '/bc-authorize';
export const CIBA_REQUESTS_PER_CLIENT_AND_USER_PER_HOUR = 10;
export const CIBA_REQUESTS_PER_USER_PER_HOUR = 20;
export const CIBA_REQUESTS_PER_CLIENT_PER_HOUR = 500;
export const CIBA_REQUESTS_PER_TENANT_PER_HOUR = 5000;
/** unknown_user_id and access_denied (blocked, unverified) answers an application may get in an hour. */
export const CIBA_USER_FAILURES_PER_CLIENT_PER_HOUR = 100;

/**
 * As a pushed authorization request: room for a client assertion, a 16 KiB scope, RAR's 5 KiB of
 * details and a 2 KiB login_hint; anything larger is refused (413) before it is parsed.
 */
export const BC_AUTHORIZE_BODY_LIMIT_BYTES = 64 * 1024;

/** As the token endpoint bounds a scope (a space-separated list of names). */
const MAX_SCOPE_LENGTH = 16 * 1024;

/**
 * CIBA Core §13: every error is 400 but invalid_client (401) and access_denied (403);
 * unauthorized_client is 403 as Tessera's token endpoint answers it (Auth0's grantNotAllowed).
 */
const STATUS: Record<string, number> = { invalid_client: 401, unauthorized_client: 403, access_denied: 403, too_many_requests: 429 };
const cibaError = (error: string, description: string): AuthApiError => new AuthApiError(STATUS[error] ?? 400, error, description);

export const bcAuthorizeEndpoint: FastifyPluginAsync<{ services: Services; quotas: RateLimitStore }> = async (app, { services, quotas }) => {
  app.post(BC_AUTHORIZE_PATH, { bodyLimit: BC_AUTHORIZE_BODY_LIMIT_BYTES }, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const params = tokenParams(request);
    let client: Client | undefined;
    try {
      ({ client } = await authenticateClient(services, request, params, { endpointAudience: `${request.issuer}bc-authorize` }));
      const started = await start(services, quotas, request, params, client);
      request.audit('ciba_start_succeeded', { description: '', client, userId: started.userId, ...(started.audience ? { audience: started.audience } : {}), scope: started.scope });
      return reply.send(started.response);
    } catch (error) {
      const answer = error instanceof CibaRequestError ? cibaError(error.error, error.description) : error;
      if (answer instanceof AuthApiError) {
        request.audit('ciba_start_failed', {
          description: answer.description,
          ...(client ? { client } : params.client_id ? { clientId: params.client_id.slice(0, 64) } : {}),
          ...(params.audience ? { audience: params.audience.slice(0, 255) } : {}),
        });
      }
      throw answer;
    }
  });
};

async function start(services: Services, quotas: RateLimitStore, request: FastifyRequest, params: TokenParams, client: Client) {
  const tenant = request.tenant;
  // The Management API keeps the grant to first-party, confidential, OIDC-conformant applications
  // (client-rules.ts); checked again here (and at the grant) so that a later change or a stored
  // document written around the API does not reopen it.
  if (!cibaAllowedFor(client)) throw grantNotAllowed(CIBA_GRANT);
  if (params.request !== undefined || params.request_uri !== undefined) throw cibaError('invalid_request', 'Signed authentication requests (request, request_uri) are not supported; send the parameters in the body.');
  if (params.login_hint_token !== undefined || params.id_token_hint !== undefined) throw cibaError('invalid_request', 'Only login_hint identifies the user here (login_hint_token and id_token_hint are not supported).');
  if (params.user_code !== undefined) throw cibaError('invalid_request', 'user_code is not supported (backchannel_user_code_parameter_supported is false).');

  const scopeParam = params.scope ?? '';
  if (scopeParam.length > MAX_SCOPE_LENGTH) throw cibaError('invalid_scope', 'The scope parameter is too long.');
  const scope = [...new Set(scopeParam.split(' ').filter(Boolean))];
  if (!scope.includes('openid')) throw cibaError('invalid_scope', 'scope must include openid.');
  const bindingMessage = checkBindingMessage(params.binding_message);
  const userId = readLoginHint(params.login_hint, request.issuer);
  const expiresIn = requestedExpiry(params.requested_expiry, client.async_approval_notification_channels);

  let authorizationDetails;
  if (params.authorization_details !== undefined) {
    try {
      authorizationDetails = parseAuthorizationDetails(params.authorization_details);
    } catch (error) {
      if (error instanceof AuthorizationDetailsError) throw cibaError(error.error, error.description);
      throw error;
    }
  }

  const features = tenantFeatures(tenant.settings);
  const audience = params.audience || tenant.settings.default_audience || undefined;
  const ciba: CibaRequest = {
    clientId: client.client_id,
    userId,
    scope,
    bindingMessage,
    issuer: request.issuer,
    ...(audience ? { audience } : {}),
    ...(authorizationDetails ? { authorizationDetails } : {}),
  };
  // The checks marked for `ciba` (authorization-checks/): failures are answered as JSON, not redirected.
  const fail = (error: string, description: string) => new AuthorizationRedirectError(error, description, { redirectUri: '', responseMode: 'query' });
  try {
    const draft = { ...readRequest(params, client, '', features), fail };
    runRequestChecks('ciba', draft);
    await runLookupChecks('ciba', asAuthorizationRequest(ciba), authorizationLookups(services, tenant.id), fail);
  } catch (error) {
    if (error instanceof AuthorizationRedirectError) throw cibaError(error.error, error.description);
    throw error;
  }
  const acr = resolveAcr(readAcrRequest(params), features.acrValues);
  if ('acr' in acr && acr.acr !== undefined) ciba.acr = acr.acr;

  // CIBA Core §13: the caller is an authenticated first-party application, which may learn that a user id
  // is unknown or cannot be notified. Learning it is rate limited per application (an account-status
  // oracle otherwise): the budget of such answers is read before the lookup, so once it is spent a known
  // user is refused like an unknown one, and blocked and unverified users get the same answer.
  const failuresKey = `ciba-failed:${tenant.id}:${client.client_id}`;
  if ((await quotas.peek(failuresKey)) >= CIBA_USER_FAILURES_PER_CLIENT_PER_HOUR) {
    const hit = await quotas.hit(failuresKey);
    throw new AuthApiError(429, 'too_many_requests', 'Too many backchannel authentication requests for unknown or unreachable users; try again later.', {}, { 'retry-after': secondsUntil(services, hit.resetAt) });
  }
  const user = await services.users.find(tenant.id, userId).catch(() => undefined);
  const failed = async (error: AuthApiError): Promise<never> => {
    await quotas.hit(failuresKey);
    throw error;
  };
  // A user the application could not log in (their connection is not enabled for it) is unknown to it, as at the password grant.
  if (!user || !(await services.connections.enabledForUser(tenant.id, client, user))) return failed(cibaError('unknown_user_id', 'The user in login_hint is not known.'));
  if (user.blocked || !user.email || user.email_verified !== true) {
    return failed(cibaError('access_denied', 'The user cannot be notified: the email notification channel needs an active user with a verified email address.'));
  }

  await limit(services, quotas, [
    { key: `ciba:${tenant.id}:${client.client_id}:${user.user_id}`, max: CIBA_REQUESTS_PER_CLIENT_AND_USER_PER_HOUR, description: 'Too many backchannel authentication requests for this user; try again later.' },
    { key: `ciba-user:${tenant.id}:${user.user_id}`, max: CIBA_REQUESTS_PER_USER_PER_HOUR, description: 'Too many backchannel authentication requests for this user; try again later.' },
    { key: `ciba-client:${tenant.id}:${client.client_id}`, max: CIBA_REQUESTS_PER_CLIENT_PER_HOUR, description: 'Too many backchannel authentication requests for this application; try again later.' },
    { key: `ciba-tenant:${tenant.id}`, max: CIBA_REQUESTS_PER_TENANT_PER_HOUR, description: 'Too many backchannel authentication requests for the tenant; try again later.' },
  ]);

  const started = await startCibaRequest(services.ttl, tenant.id, ciba, expiresIn);
  const tenantName = tenant.settings.friendly_name ?? tenant.name;
  // Sent before answering: an application must not poll for a request its user was never told about.
  // When the email cannot be sent (the tenant's SMTP server refuses or is down) the request is withdrawn
  // and the application told to try again later (503, CIBA Core §13's temporarily_unavailable). The
  // budget the request counted stays spent: the limits are counted before sending so that concurrent
  // requests cannot all pass a check and mail the user, and a store window cannot be un-counted.
  try {
    await services.email.send(tenant.id, {
      to: user.email,
      ...asyncApprovalEmail({ tenantName, clientName: client.name, bindingMessage, link: approvalLink(request.issuer, started.authId, started.linkSecret), expiresInSeconds: expiresIn }),
    });
  } catch (error) {
    request.log.warn({ err: error, tenant: tenant.id }, 'CIBA: the approval email could not be sent; the request is withdrawn');
    await withdrawCibaRequest(services.ttl, tenant.id, started);
    throw new AuthApiError(503, 'temporarily_unavailable', 'The notification to the user could not be sent; try again later.');
  }
  return {
    response: { auth_req_id: started.authReqId, expires_in: started.expiresIn, interval: started.interval },
    userId: user.user_id,
    scope: scope.join(' '),
    ...(audience ? { audience } : {}),
  };
}

interface Limit {
  key: string;
  max: number;
  description: string;
}

/**
 * Check, then count: every limit is read (peek) before any is counted, so a request refused by one
 * limit spends nothing of the others (counting first would let a spent per-user budget eat the
 * application's, or the reverse). The exhausted key alone is hit, for its window's end (retry-after);
 * counting past a spent limit changes nothing. Concurrent requests may overshoot a limit by the
 * requests in flight between the read and the count, as the device flow's and DCR's limits do.
 */
async function limit(services: Services, quotas: RateLimitStore, limits: Limit[]): Promise<void> {
  const counts = await Promise.all(limits.map((l) => quotas.peek(l.key)));
  const spent = limits.find((l, i) => counts[i]! >= l.max);
  if (spent) {
    const hit = await quotas.hit(spent.key);
    throw new AuthApiError(429, 'too_many_requests', spent.description, {}, { 'retry-after': secondsUntil(services, hit.resetAt) });
  }
  await Promise.all(limits.map((l) => quotas.hit(l.key)));
}

/** Retry-After for a window ending at `resetAt`: the windows count on the services' clock, so does this. */
const secondsUntil = (services: Services, resetAt: number): string => String(Math.max(1, Math.ceil((resetAt - services.clock.now()) / 1000)));
