/**
 * The CIBA grant (`urn:openid:params:grant-type:ciba`, OpenID CIBA Core §10–11, poll mode): the
 * application polls with the `auth_req_id` `/bc-authorize` gave it, with the device flow's answers
 * (device-code.ts): `authorization_pending` until the user answers, `slow_down` when polled sooner
 * than the interval (which then grows by 5 s, persisted by compare-and-set), `expired_token` once
 * the request's `requested_expiry` passed, `access_denied` when the user rejected; once approved,
 * tokens are issued once (the auth_req_id is consumed): an ID token (openid is required), an
 * access token for the audience, a refresh token with offline_access. An auth_req_id is bound to
 * the application it was issued to: any other gets `invalid_grant`. Errors are 400 (CIBA Core §11,
 * RFC 6749 §5.2), `slow_down` 429 as the device flow answers it. Logs `ciba_exchange_succeeded` /
 * `ciba_exchange_failed` (Auth0's types); waiting answers are not logged.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { CIBA_GRANT } from '../../../domain/clients/client.js';
import type { UserGrant } from '../../../domain/oidc/user-tokens.js';
import { cibaAllowedFor, pollCibaRequest } from '../../../domain/oidc/backchannel-authentication.js';
import { AuthApiError } from '../../../http/errors.js';
import { grantNotAllowed, pollingAnswer, tokenGrant, type GrantParams, type GrantResult } from './grant.js';
import { issueUserGrantTokens } from './user-grant-tokens.js';

export const cibaGrant = tokenGrant({
  grantType: CIBA_GRANT,
  advertised: true,
  params: { required: ['auth_req_id'], optional: [] },
  firstPartyOnly: true,
  logs: { success: 'ciba_exchange_succeeded', failure: 'ciba_exchange_failed' },
  handle: redeemAuthReqId,
});

async function redeemAuthReqId(services: Services, request: FastifyRequest, params: GrantParams<'auth_req_id', never>, client: Client): Promise<GrantResult> {
  const tenant = request.tenant;
  // tokenGrant checks the grant and first-party; confidential and OIDC-conformant are CIBA's own (as at /bc-authorize).
  if (!cibaAllowedFor(client)) throw grantNotAllowed(CIBA_GRANT);
  const poll = await pollCibaRequest(services.ttl, services.clock, tenant.id, params.auth_req_id, client.client_id);
  switch (poll.outcome) {
    case 'authorization_pending':
      throw pollingAnswer(400, 'authorization_pending', 'The end-user authorization is pending.');
    case 'slow_down':
      // Auth0 adds Retry-After to slow_down (Back-Channel Login flow, Status Check): when the next poll is on time.
      throw pollingAnswer(429, 'slow_down', 'You are polling faster than the specified interval.', { 'retry-after': String(poll.retryAfter) });
    case 'expired_token':
      throw new AuthApiError(400, 'expired_token', 'The auth_req_id has expired: the user did not answer within requested_expiry.');
    case 'access_denied':
      throw new AuthApiError(400, 'access_denied', 'The end-user denied the authorization request.');
    case 'invalid_grant':
      throw new AuthApiError(400, 'invalid_grant', 'Invalid or expired auth_req_id.');
  }
  const { request: ciba, approval } = poll;
  const user = await services.users.get(tenant.id, ciba.userId).catch(() => undefined);
  if (!user || user.blocked) throw new AuthApiError(400, 'invalid_grant', 'The user is blocked or no longer exists');
  // Approved while the user's connection was enabled for the application; disabled since, no tokens.
  if (!(await services.connections.enabledForUser(tenant.id, client, user))) throw new AuthApiError(400, 'invalid_grant', "The user's connection is not enabled for this application");
  const grant: UserGrant = {
    clientId: client.client_id,
    userId: user.user_id,
    scope: approval.scope,
    authTime: approval.authTime,
    sid: approval.sid,
    ...(approval.audience ? { audience: approval.audience } : {}),
    ...(approval.permissions ? { permissions: approval.permissions } : {}),
    ...(approval.authorizationDetails ? { authorizationDetails: approval.authorizationDetails } : {}),
    ...(ciba.acr ? { acr: ciba.acr } : {}),
  };
  return issueUserGrantTokens(services, request, client, user, grant);
}
