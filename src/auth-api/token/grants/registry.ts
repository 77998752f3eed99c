/**
 * Every grant, in the order discovery lists them (`grant_types_supported`). Adding a grant (device
 * code, CIBA, token exchange, ...): its file in this folder, declared with `tokenGrant` (grant.ts),
 * and one line here.
 */
import { featureOn, type TenantFeatures } from '../../../domain/tenants/features.js';
import type { Grant, TokenGrant } from './grant.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { implicitGrant } from './implicit.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { refreshTokenGrant } from './refresh-token.js';
import { passwordGrant, passwordRealmGrant } from './password.js';
import { passwordlessOtpGrant } from './passwordless-otp.js';
import { deviceCodeGrant } from './device-code.js';
import { cibaGrant } from './ciba.js';

const GRANTS: readonly Grant[] = [authorizationCodeGrant, implicitGrant, clientCredentialsGrant, refreshTokenGrant, passwordGrant, passwordRealmGrant, passwordlessOtpGrant, deviceCodeGrant, cibaGrant];

/** The grants a tenant offers (those behind a feature only when it is on), in discovery order. */
export function grants(features: TenantFeatures): Grant[] {
  return GRANTS.filter((grant) => featureOn(features, grant.feature));
}

/** The token endpoint's grant for a `grant_type`, if the tenant offers one. */
export function tokenGrantFor(features: TenantFeatures, grantType: string): TokenGrant | undefined {
  return grants(features).find((grant): grant is TokenGrant => grant.endpoint === 'token' && grant.grantType === grantType);
}
