/**
 * The OpenID Connect claims of a user for the granted scopes (docs: OpenID Connect Scopes):
 * `openid` → sub; `profile` → name, family_name, given_name, middle_name, nickname, picture,
 * updated_at; `email` → email, email_verified. Used by ID tokens and `/userinfo` alike.
 */
import type { User } from '../users/user.js';

const PROFILE_CLAIMS = ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'] as const;

export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/**
 * `numericUpdatedAt`: `updated_at` as OIDC Core §5.1 defines it (seconds since the epoch) instead of
 * Auth0's ISO string, for applications whose compliance level asks for it (clients/compliance-levels.ts).
 */
export function userClaims(user: User, scopes: readonly string[], options: { numericUpdatedAt?: boolean } = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.user_id };
  const source = user as unknown as Record<string, unknown>;
  if (scopes.includes('profile')) {
    for (const claim of PROFILE_CLAIMS) if (source[claim] !== undefined && source[claim] !== null) claims[claim] = source[claim];
    if (options.numericUpdatedAt && typeof claims.updated_at === 'string') {
      const ms = Date.parse(claims.updated_at);
      if (Number.isFinite(ms)) claims.updated_at = Math.floor(ms / 1000);
      else delete claims.updated_at;
    }
  }
  if (scopes.includes('email') && user.email) {
    claims.email = user.email;
    claims.email_verified = user.email_verified === true;
  }
  if (scopes.includes('phone') && source.phone_number) {
    claims.phone_number = source.phone_number;
    claims.phone_number_verified = source.phone_verified === true;
  }
  return claims;
}
