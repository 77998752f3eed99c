/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4): the device polls with
 * its device code until the user has answered at `/activate`. Answers as Auth0 gives them:
 * `authorization_pending` while the user has not answered, `slow_down` (429) when polled sooner
 * than the interval (which then grows by 5 s), `expired_token` after 900 s, `access_denied` when
 * the user cancelled; once approved, the tokens are issued once (the device code is consumed).
 * Logs `sede` / `fede`; waiting answers (pending, slow down) are not failures and are not logged.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { DEVICE_CODE_GRANT } from '../../../domain/clients/client.js';
import type { UserGrant } from '../../../domain/oidc/user-tokens.js';
import { pollDeviceCode } from '../../../domain/oidc/device-authorization.js';
import { AuthApiError } from '../../../http/errors.js';
import { pollingAnswer, tokenGrant, type GrantParams, type GrantResult } from './grant.js';
import { issueUserGrantTokens } from './user-grant-tokens.js';

export const deviceCodeGrant = tokenGrant({
  grantType: DEVICE_CODE_GRANT,
  advertised: true,
  params: { required: ['device_code'], optional: [] },
  firstPartyOnly: false,
  logs: { success: 'sede', failure: 'fede' },
  handle: redeemDeviceCode,
});

async function redeemDeviceCode(services: Services, request: FastifyRequest, params: GrantParams<'device_code', never>, client: Client): Promise<GrantResult> {
  const tenant = request.tenant;
  const poll = await pollDeviceCode(services.ttl, services.clock, tenant.id, params.device_code, client.client_id);
  switch (poll.outcome) {
    case 'authorization_pending':
      throw pollingAnswer(403, 'authorization_pending', 'User has yet to authorize device code.');
    case 'slow_down':
      throw pollingAnswer(429, 'slow_down', 'You are polling faster than the specified interval.');
    case 'expired_token':
      throw new AuthApiError(403, 'expired_token', 'User has not authorized device code within the specified timeframe.');
    case 'access_denied':
      throw new AuthApiError(403, 'access_denied', 'User has denied access.');
    case 'invalid_grant':
      throw new AuthApiError(403, 'invalid_grant', 'Invalid or expired device code.');
  }
  const { approval } = poll;
  const user = await services.users.get(tenant.id, approval.userId).catch(() => undefined);
  if (!user || user.blocked) throw new AuthApiError(403, 'invalid_grant', 'The user is blocked or no longer exists');
  const grant: UserGrant = {
    clientId: client.client_id,
    userId: user.user_id,
    scope: approval.scope,
    authTime: approval.authTime,
    sid: approval.sid,
    ...(approval.audience ? { audience: approval.audience } : {}),
    ...(approval.permissions ? { permissions: approval.permissions } : {}),
  };
  return issueUserGrantTokens(services, request, client, user, grant);
}
