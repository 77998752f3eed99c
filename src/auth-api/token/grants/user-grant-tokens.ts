/**
 * The token answer of a user grant approved once — an authorization code, a device code, a CIBA
 * request: access and ID token, a refresh token when the grant and the application allow one (bound
 * to the client certificate as the tokens are), and what the token endpoint logs. One place, so the
 * grants that end in the same tokens cannot drift apart.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import type { User } from '../../../domain/users/user.js';
import { mintUserTokens, type UserGrant } from '../../../domain/oidc/user-tokens.js';
import type { GrantResult } from './grant.js';
import { certificateBinding } from '../../client-certificate.js';

export async function issueUserGrantTokens(
  services: Services,
  request: FastifyRequest,
  client: Client,
  user: User,
  grant: UserGrant,
  /** The code flow's: `state` for the ID token's s_hash, `codeHash` so a replayed code revokes the refresh token. */
  options: { state?: string; codeHash?: string } = {},
): Promise<GrantResult> {
  const binding = certificateBinding(request);
  const tokens = await mintUserTokens(services, request.tenant, request.issuer, client, user, grant, { accessToken: true, idToken: true, ...(options.state !== undefined ? { state: options.state } : {}), ...binding });
  const refreshToken = await services.refreshTokens.issue(request.tenant.id, client, grant, { ...(options.codeHash !== undefined ? { codeHash: options.codeHash } : {}), ...binding });
  if (refreshToken) tokens.refresh_token = refreshToken;
  return { response: tokens, userId: user.user_id, ...(grant.audience ? { audience: grant.audience } : {}), scope: tokens.scope };
}
