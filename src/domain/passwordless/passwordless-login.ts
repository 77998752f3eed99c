/**
 * Login with a passwordless one-time code (email or SMS connection): the `/oauth/token` grant
 * `http://auth0.com/oauth/grant-type/passwordless/otp`, cross-origin `/co/authenticate`, magic links
 * and the hosted code page all come here. The code is checked inside attack protection
 * (`guardedLogin`), so blocked identifiers and throttled IPs are refused before the code is even
 * looked at, and every wrong code counts; the first successful login creates the user unless the
 * connection disables sign-ups.
 */
import type { Services } from '../services.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { Connection } from '../connections/connection.js';
import { guardedLogin, type LoginAttempt } from '../authentication/login-attempt.js';
import { passwordlessOf } from '../connections/strategies/registry.js';
import type { Redemption } from './codes.js';
import type { Audit } from '../../http/audit.js';

/**
 * A LoginAttempt (what every login surface handles) that also says, for a refused code, why the
 * code was refused (`expired`, `exhausted`...), so a surface can show Auth0's specific message.
 */
export type PasswordlessAttempt = LoginAttempt & { code?: Redemption };

export interface PasswordlessLoginInput {
  tenant: Tenant;
  /** A connection with strategy `email` or `sms`, already checked to be enabled for the client. */
  connection: Connection;
  /** The email address or phone number the code was sent to. */
  username: string;
  otp: string;
  ip: string;
  clientId: string;
  /** Records attack protection's events for the request. */
  audit: Audit;
  /** `{issuer}` of the request, for links in notification emails. */
  issuer?: string;
}

export async function attemptPasswordlessLogin(services: Services, input: PasswordlessLoginInput): Promise<PasswordlessAttempt> {
  const { tenant, connection } = input;
  // A malformed address or number cannot have been sent a code; it still goes through attack
  // protection (under what was typed) so that probing counts like any wrong guess.
  const normalized = passwordlessOf(connection.strategy)?.normalize(input.username);
  const identifier = normalized ?? input.username;
  let verdict: Redemption | undefined;
  const attempt = await guardedLogin(services, { tenant, connection, identifier, ip: input.ip, clientId: input.clientId, audit: input.audit, ...(input.issuer ? { issuer: input.issuer } : {}) }, async () => {
    if (normalized === undefined) return { ok: false, reason: 'wrong_credentials' };
    const existing = await services.users.findPasswordlessUser(tenant.id, connection, identifier);
    verdict = await services.passwordless.codes.redeem(tenant.id, connection.id, identifier, input.clientId, input.otp);
    if (verdict !== 'ok') return { ok: false, reason: 'wrong_credentials', ...(existing ? { login: existing } : {}) };
    // The code proves control of the address or number: a new user is created verified, an
    // existing one becomes verified. Sign-up may have been disabled after the code was sent.
    const login = await services.users.findOrCreatePasswordless(tenant.id, connection, identifier, { allowSignup: connection.options.disable_signup !== true });
    if (!login) return { ok: false, reason: 'wrong_credentials' };
    return { ok: true, login };
  });
  return verdict !== undefined && !attempt.ok ? { ...attempt, code: verdict } : attempt;
}
