/**
 * Access and ID tokens for a user, shared by the authorization endpoint (implicit and hybrid
 * responses) and the token endpoint (code exchange, refresh, password grants).
 *  - With an API audience the access token is a JWT in the API's dialect; when `openid` was
 *    granted its audience also names `{issuer}userinfo`, as Auth0 does.
 *  - Without one it is an opaque token good only for `/userinfo` (Auth0: "opaque access token").
 *  - Either is bound to the client certificate the token request presented (its `cnf`, kept with
 *    the opaque token's entry), and refused when a binding is required without one (certificate-binding.ts).
 */
import { complianceProfileOf } from '../clients/compliance-levels.js';
import type { Services } from '../services.js';
import type { Client } from '../clients/client.js';
import type { User } from '../users/user.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { tenantFeatures } from '../tenants/features.js';
import { mintAccessToken } from '../tokens/access-token.js';
import { mintIdToken } from '../tokens/id-token.js';
import { secondsAt } from '../clock.js';
import { confirmationClaim } from '../../crypto/certificate-thumbprint.js';
import { bindingFor } from '../tokens/certificate-binding.js';
import { userClaims } from './user-claims.js';
import type { AuthorizationDetail } from './authorization-details.js';

/** What a user granted an application in one authorization; stored with codes and refresh tokens. */
export interface UserGrant {
  clientId: string;
  userId: string;
  /** Every granted scope: OpenID Connect ones and the API's. */
  scope: string[];
  audience?: string;
  permissions?: string[];
  nonce?: string;
  authTime?: number;
  sid?: string;
  /** The authentication context class asserted in ID tokens (domain/oidc/requested-acr.ts). */
  acr?: string;
  /** Rich authorization details (RFC 9396) the user approved on the consent page: the access token's claim. */
  authorizationDetails?: AuthorizationDetail[];
}

export interface IssuedUserTokens {
  access_token?: string;
  token_type?: 'Bearer';
  expires_in?: number;
  id_token?: string;
  /** Added by the token endpoint's grants when the grant earns one (see RefreshTokenService). */
  refresh_token?: string;
  scope: string;
  /** RFC 9396 §7: the approved details, with the access token they are in. */
  authorization_details?: AuthorizationDetail[];
}

export const USERINFO_TOKEN_LIFETIME = 86_400;

export async function mintUserTokens(
  services: Services,
  tenant: Tenant,
  issuer: string,
  client: Client,
  user: User,
  grant: UserGrant,
  options: {
    accessToken: boolean;
    idToken: boolean;
    web?: boolean;
    code?: string;
    /** The authorization request's state: hashed into `s_hash` when the application's compliance level asks for it. */
    state?: string;
    grantType?: string;
    certificateThumbprint?: string;
  },
): Promise<IssuedUserTokens> {
  const now = secondsAt(services.clock);
  const ring = await services.keys.keyRing(tenant.id);
  const issued: IssuedUserTokens = { scope: grant.scope.join(' ') };
  if (options.accessToken) {
    const api = grant.audience ? await services.resourceServers.findByAudience(tenant.id, grant.audience) : undefined;
    if (grant.audience && !api) throw new Error(`API ${grant.audience} disappeared`);
    // Throws ProofOfPossessionRequired when the application or API requires a binding and no certificate came.
    const thumbprint = bindingFor(client, api ?? undefined, options.certificateThumbprint);
    if (api && grant.audience) {
      const lifetime = options.web ? api.token_lifetime_for_web : api.token_lifetime;
      issued.access_token = mintAccessToken(api, ring, {
        issuer,
        subject: user.user_id,
        audience: grant.scope.includes('openid') ? [grant.audience, `${issuer}userinfo`] : grant.audience,
        clientId: client.client_id,
        scopes: grant.scope,
        ...(options.grantType ? { grantType: options.grantType } : {}),
        ...(grant.permissions ? { permissions: grant.permissions } : {}),
        ...(grant.authorizationDetails ? { authorizationDetails: grant.authorizationDetails } : {}),
        lifetimeSeconds: lifetime,
        now,
        ...(thumbprint ? { certificateThumbprint: thumbprint } : {}),
      });
      issued.expires_in = lifetime;
      if (grant.authorizationDetails) issued.authorization_details = grant.authorizationDetails;
    } else {
      issued.access_token = await services.ttl.put(tenant.id, 'userinfo_token', { userId: user.user_id, clientId: client.client_id, scope: grant.scope, ...(thumbprint ? { cnf: confirmationClaim(thumbprint) } : {}) }, USERINFO_TOKEN_LIFETIME);
      issued.expires_in = USERINFO_TOKEN_LIFETIME;
    }
    issued.token_type = 'Bearer';
  }
  if (options.idToken && grant.scope.includes('openid')) {
    issued.id_token = mintIdToken(ring, {
      issuer,
      client,
      // The acr kept with a code or refresh token only while the tenant still lists it.
      claims: { ...userClaims(user, grant.scope, { numericUpdatedAt: complianceProfileOf(client)?.numericUpdatedAt === true }), ...(grant.acr !== undefined && tenantFeatures(tenant.settings).acrValues.includes(grant.acr) ? { acr: grant.acr } : {}) },
      now,
      ...(grant.authTime !== undefined ? { authTime: grant.authTime } : {}),
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      ...(grant.sid !== undefined ? { sid: grant.sid } : {}),
      ...(issued.access_token !== undefined ? { accessToken: issued.access_token } : {}),
      ...(options.code !== undefined ? { code: options.code } : {}),
      ...(options.state !== undefined && complianceProfileOf(client)?.idTokenStateHash ? { state: options.state } : {}),
    });
  }
  return issued;
}
