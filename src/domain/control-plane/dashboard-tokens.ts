/**
 * Dashboard tokens: the access tokens the control API hands the dashboard for one tenant. They are
 * Management API tokens of that tenant, signed by the admin tenant's key ring (never the tenant's
 * own), and name the membership and the dashboard session they were minted under, so a tenant's
 * Management API (management-api/authenticate.ts) can refuse them as soon as either changes.
 */
import { randomBytes } from 'node:crypto';
import { signJwt } from '../tokens/jws.js';
import type { KeyRing } from '../keys/key-ring.js';

/** Ten minutes: the dashboard asks for a new one before this (at 80% of it). */
export const DASHBOARD_TOKEN_LIFETIME_SECONDS = 600;
/** `azp` of every dashboard token: the admin tenant's first-party dashboard client. */
export const DASHBOARD_CLIENT_ID = 'tessera-dashboard';
/** `gty` of dashboard tokens: never `client-credentials`, so they can never pass for an application's. */
export const DASHBOARD_GRANT_TYPE = 'dashboard';

export interface DashboardTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  azp: string;
  gty: string;
  scope: string;
  /** The tenant the token is for (its id, which never changes, unlike a host). */
  tessera_tenant: string;
  /** The membership's grant id when the token was minted. */
  tessera_grant: string;
  /** The dashboard session the token was minted for. */
  dsid: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface DashboardTokenRequest {
  issuer: string;
  accountId: string;
  managementApi: string;
  tenantId: string;
  grantId: string;
  sessionId: string;
  scopes: readonly string[];
  nowSeconds: number;
}

export function mintDashboardToken(ring: KeyRing, request: DashboardTokenRequest): { token: string; claims: DashboardTokenClaims } {
  const signer = ring.signerFor('RS256');
  if (!signer) throw new Error('the admin tenant has no RS256 signing key');
  const claims: DashboardTokenClaims = {
    iss: request.issuer,
    sub: request.accountId,
    aud: request.managementApi,
    azp: DASHBOARD_CLIENT_ID,
    gty: DASHBOARD_GRANT_TYPE,
    scope: [...request.scopes].join(' '),
    tessera_tenant: request.tenantId,
    tessera_grant: request.grantId,
    dsid: request.sessionId,
    iat: request.nowSeconds,
    exp: request.nowSeconds + DASHBOARD_TOKEN_LIFETIME_SECONDS,
    jti: randomBytes(16).toString('base64url'),
  };
  return { token: signJwt(signer, claims), claims };
}
