/**
 * The second half of every grant where the user logs in at the token endpoint itself (password,
 * password-realm, passwordless/otp): the requested OIDC scopes, the API access the user and the
 * application have for the audience (explicit or the tenant's default), the login counted, and the
 * tokens minted — with a refresh token only for `offline_access` on an API that allows it.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import type { LoginUser } from '../../../domain/users/user-service.js';
import { ApiAccessDenied, userApiAccess } from '../../../domain/oidc/api-access.js';
import { OIDC_SCOPES } from '../../../domain/oidc/user-claims.js';
import { mintUserTokens, type UserGrant } from '../../../domain/oidc/user-tokens.js';
import { secondsAt } from '../../../domain/clock.js';
import { AuthApiError } from '../../../http/errors.js';
import type { GrantParams, GrantResult } from './grant.js';
import { certificateBinding } from '../../client-certificate.js';

export interface DirectLogin {
  login: LoginUser;
  /** The end user's IP (recorded as `last_ip`). */
  ip: string;
  /** The password just checked: lets `recordLogin` upgrade an imported weak hash. */
  password?: string;
  /** Carried into the access token's `gty` claim when set. */
  grantType?: string;
}

export async function tokensForDirectLogin(services: Services, request: FastifyRequest, params: GrantParams<never, 'scope' | 'audience'>, client: Client, done: DirectLogin): Promise<GrantResult> {
  const tenant = request.tenant;
  const { login } = done;
  const requested = (params.scope ?? '').split(' ').filter(Boolean);
  const oidcScopes = [...new Set(requested.filter((s) => OIDC_SCOPES.has(s)))];
  const grant: UserGrant = { clientId: client.client_id, userId: login.user.user_id, scope: oidcScopes, authTime: secondsAt(services.clock) };
  const audience = params.audience || tenant.settings.default_audience;
  if (audience) {
    try {
      const access = await userApiAccess(services, tenant.id, client, login.user.user_id, audience, requested);
      grant.audience = access.api.identifier;
      // An API that does not allow offline access gets no refresh token (docs: API settings).
      grant.scope = [...oidcScopes.filter((s) => s !== 'offline_access' || access.api.allow_offline_access), ...access.scopes];
      if (access.permissions && access.api.token_dialect.endsWith('_authz')) grant.permissions = access.permissions;
    } catch (error) {
      if (error instanceof ApiAccessDenied) throw new AuthApiError(403, 'access_denied', error.message);
      throw error;
    }
  }

  await services.users.recordLogin(login, { ip: done.ip, ...(done.password !== undefined ? { password: done.password } : {}) });
  const tokens = await mintUserTokens(services, tenant, request.issuer, client, login.user, grant, { accessToken: true, idToken: true, ...(done.grantType ? { grantType: done.grantType } : {}), ...certificateBinding(request) });
  const refreshToken = await services.refreshTokens.issue(tenant.id, client, grant, certificateBinding(request));
  if (refreshToken) tokens.refresh_token = refreshToken;
  return { response: tokens, userId: login.user.user_id, ...(grant.audience ? { audience: grant.audience } : {}), scope: tokens.scope };
}
