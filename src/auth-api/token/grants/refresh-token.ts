/**
 * `grant_type=refresh_token`: new tokens for the grant a refresh token stands for. The user must
 * still exist and not be blocked, and the API access is decided again now (API scopes, client
 * grant, RBAC permissions), so a refresh never outlives a change of permissions. `scope` may
 * narrow the granted scopes, never widen them. With rotation the response carries a new refresh
 * token; without it the same token keeps working.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { ApiAccessDenied, userApiAccess } from '../../../domain/oidc/api-access.js';
import { OIDC_SCOPES } from '../../../domain/oidc/user-claims.js';
import { mintUserTokens, type UserGrant } from '../../../domain/oidc/user-tokens.js';
import type { AuthorizationDetail } from '../../../domain/oidc/authorization-details.js';
import { narrowedScope } from '../../../domain/tokens/refresh-token-service.js';
import { AuthApiError } from '../../../http/errors.js';
import { tokenGrant, type GrantParams, type GrantResult } from './grant.js';
import { certificateBinding, presentedThumbprint, requireBindingFor } from '../../client-certificate.js';

/** Auth0's one answer for unknown, revoked, expired, reused and other applications' tokens. */
const invalidRefreshToken = () => new AuthApiError(403, 'invalid_grant', 'Unknown or invalid refresh token.');

export const refreshTokenGrant = tokenGrant({
  grantType: 'refresh_token',
  advertised: true,
  params: { required: ['refresh_token'], optional: ['audience', 'scope'] },
  firstPartyOnly: false,
  logs: { success: 'sertft', failure: 'fertft' },
  handle: refresh,
});

async function refresh(services: Services, request: FastifyRequest, params: GrantParams<'refresh_token', 'audience' | 'scope'>, client: Client): Promise<GrantResult> {
  const tenant = request.tenant;
  const record = await services.refreshTokens.find(tenant.id, client, params.refresh_token);
  if (!record) throw invalidRefreshToken();
  const stored = record.document;
  // A bound token (public clients, RFC 8705 §4) is good only with the certificate it was bound to.
  if (stored.certificateThumbprint !== undefined && stored.certificateThumbprint !== presentedThumbprint(request)) {
    throw new AuthApiError(403, 'invalid_grant', 'The refresh token is bound to a client certificate this request did not present.');
  }
  if (params.audience && params.audience !== stored.audience) {
    throw new AuthApiError(403, 'access_denied', `The refresh token was not issued for audience "${params.audience}".`);
  }
  // Before renew: a refusal after rotation would leave the client a spent token, and its retry would revoke the family as a reuse.
  await requireBindingFor(services, request, client, stored.audience);
  const requested = narrowedScope(stored.scope, params.scope);
  if (!requested) throw new AuthApiError(403, 'invalid_scope', 'The requested scope exceeds the scope the refresh token was granted.');

  const user = await services.users.get(tenant.id, record.userId).catch(() => undefined);
  if (!user) throw invalidRefreshToken();
  if (user.blocked) throw new AuthApiError(403, 'invalid_grant', 'user is blocked');

  const oidcScopes = requested.filter((s) => OIDC_SCOPES.has(s));
  // No nonce: it belonged to the authentication request, and an ID token from a refresh has none.
  const grant: UserGrant = { clientId: client.client_id, userId: user.user_id, scope: oidcScopes, authTime: stored.authTime, ...(stored.sessionId ? { sid: stored.sessionId } : {}), ...(stored.acr !== undefined ? { acr: stored.acr } : {}) };
  if (stored.audience) {
    try {
      const access = await userApiAccess(services, tenant.id, client, user.user_id, stored.audience, requested);
      grant.audience = access.api.identifier;
      grant.scope = [...oidcScopes, ...access.scopes];
      if (access.permissions && access.api.token_dialect.endsWith('_authz')) grant.permissions = access.permissions;
      // RFC 9396 §7: a refresh keeps the approved details, less any type the API or the client grant no longer allows.
      const details = stored.authorizationDetails?.filter((detail) => access.detailsTypes.has(String(detail.type)));
      if (details?.length) grant.authorizationDetails = details as AuthorizationDetail[];
    } catch (error) {
      if (error instanceof ApiAccessDenied) throw new AuthApiError(403, 'access_denied', error.message);
      throw error;
    }
  }

  const renewal = await services.refreshTokens.renew(tenant.id, client, record);
  if (renewal.status === 'reused') throw invalidRefreshToken();
  const tokens = await mintUserTokens(services, tenant, request.issuer, client, user, grant, { accessToken: true, idToken: true, ...certificateBinding(request) });
  if (renewal.refreshToken) tokens.refresh_token = renewal.refreshToken;
  return { response: tokens, userId: user.user_id, ...(grant.audience ? { audience: grant.audience } : {}), scope: tokens.scope };
}
