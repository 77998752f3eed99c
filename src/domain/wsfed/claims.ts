/**
 * The claims of a WS-Fed token, as Auth0 fills them by default (docs, "Configure WS-Fed
 * Applications": the WS-Fed add-on has no claim settings; its defaults are `mappings` below,
 * `createUpnClaim`, `mapIdentities` and `passthroughClaimsWithNoMapping`, all on):
 * - the mapped profile fields under the WS-* claim types (user_id → nameidentifier, email →
 *   emailaddress, name, given_name → givenname, family_name → surname, upn, groups → Group);
 * - `upn`: created from the email address (createUpnClaim);
 * - the first identity's provider, connection and isSocial under
 *   `http://schemas.auth0.com/identities/default/` (mapIdentities);
 * - the remaining root profile fields under `http://schemas.auth0.com/` (passthrough). Metadata
 *   (`app_metadata`, `user_metadata`) is not passed through: a rule or action would have to put it
 *   in, and Tessera runs neither.
 */
import type { User } from '../users/user.js';

const WS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
export const CLAIM = {
  nameIdentifier: `${WS}/nameidentifier`,
  email: `${WS}/emailaddress`,
  name: `${WS}/name`,
  givenName: `${WS}/givenname`,
  surname: `${WS}/surname`,
  upn: `${WS}/upn`,
  groups: 'http://schemas.xmlsoap.org/claims/Group',
} as const;

const AUTH0 = 'http://schemas.auth0.com';

/** Root profile fields passed through as `http://schemas.auth0.com/{field}` (the mapped ones are not repeated). */
const PASSTHROUGH = ['email_verified', 'nickname', 'picture', 'username', 'phone_number', 'phone_verified', 'created_at', 'updated_at'] as const;

/** Claim type → values (a claim without a value is left out, as SAML requires at least one AttributeValue). */
export type Claims = Array<[claimType: string, values: string[]]>;

export function wsFedClaims(user: User): Claims {
  const claims: Claims = [];
  const add = (type: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    const values = Array.isArray(value) ? value.filter((v) => v !== undefined && v !== null).map(String) : [String(value)];
    if (values.length > 0) claims.push([type, values]);
  };
  add(CLAIM.nameIdentifier, user.user_id);
  add(CLAIM.email, user.email);
  add(CLAIM.name, user.name);
  add(CLAIM.givenName, user.given_name);
  add(CLAIM.surname, user.family_name);
  add(CLAIM.upn, user.email);
  const identity = user.identities[0];
  if (identity) {
    add(`${AUTH0}/identities/default/provider`, identity.provider);
    add(`${AUTH0}/identities/default/connection`, identity.connection);
    add(`${AUTH0}/identities/default/isSocial`, identity.isSocial);
  }
  for (const field of PASSTHROUGH) add(`${AUTH0}/${field}`, user[field]);
  return claims;
}
