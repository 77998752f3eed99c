/**
 * One place where every first-factor login is decided: the hosted login page, the password and
 * password-realm grants, cross-origin `/co/authenticate`, and passwordless codes. Each surface
 * maps a rejection onto its own wire format (HTML form, `/oauth/token` error, the cross-origin
 * error table), but the checks and their order are the same everywhere:
 *
 * 1. attack protection counts the attempt and may refuse it before the secret is even looked at
 *    (a blocked user/IP pair, a throttled IP) — so a blocked attacker learns nothing from further
 *    guesses, and concurrent guesses cannot slip past the threshold together;
 * 2. the secret is verified (always, even for unknown users: timing must not reveal accounts);
 * 3. a correct secret still fails for an administratively blocked user, or a breached password.
 *
 * Failures and successes are reported to attack protection, which keeps the counters.
 */
import type { Services } from '../services.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { Connection } from '../connections/connection.js';
import type { LoginUser } from '../users/user-service.js';
import type { ProtectedAttempt } from '../attack-protection/attack-protection-service.js';
import type { Audit } from '../../http/audit.js';

export type LoginRejection =
  /** Unknown user, or wrong password / code. */
  | 'wrong_credentials'
  /** The user is blocked by an administrator (`blocked: true`). */
  | 'blocked_user'
  /** Brute-force protection: too many consecutive failures for this user (from this IP). */
  | 'too_many_attempts'
  /** Suspicious IP throttling: too many failures from this IP across accounts. */
  | 'suspicious_ip'
  /** Breached password detection in blocking mode: the password is on the breached list. */
  | 'password_leaked';

export type LoginAttempt = { ok: true; login: LoginUser } | { ok: false; reason: LoginRejection; login?: LoginUser };

/** Who is trying to log in, where from: what attack protection counts against. */
export interface AttemptContext {
  tenant: Tenant;
  connection: Connection;
  /** The identifier typed: email, username or phone number (brute-force counts per identifier). */
  identifier: string;
  /** The client IP (for authenticated calls, `auth0-forwarded-for` when sent; see the passwordless start endpoint). */
  ip: string;
  clientId: string;
  /** Records attack protection's events (`limit_wc`, `limit_mu`, `pwd_leak`) for the request. */
  audit: Audit;
  /** `{issuer}` of the request, for links in notification emails (default: `https://{tenant domain}/`). */
  issuer?: string;
}

/** What `verify` may answer: a login, or a wrong secret (unknown user, wrong password or code). */
export type VerifiedSecret = { ok: true; login: LoginUser } | { ok: false; reason: 'wrong_credentials'; login?: LoginUser };

/**
 * Longer than any email address, username or phone number an account can have. Such identifiers
 * are refused outright: no counter is keyed by them (they would not fit a database index), and no
 * padding around a real identifier can reach its account uncounted.
 */
export const MAX_IDENTIFIER_LENGTH = 512;

/**
 * Runs `verify` (which checks the secret) inside attack protection: the attempt takes its place in
 * the counters first and is refused while the user/IP pair is blocked or the IP is throttled; a
 * correct secret gives the place back, and is still refused for an administratively blocked user.
 * Every login surface goes through here.
 */
export async function guardedLogin(services: Services, context: AttemptContext, verify: () => Promise<VerifiedSecret>): Promise<LoginAttempt> {
  if (context.identifier.length > MAX_IDENTIFIER_LENGTH) return { ok: false, reason: 'wrong_credentials' };
  const protection = services.attackProtection;
  const attempt = protectedAttempt(context);
  const gate = await protection.beginLogin(attempt);
  // Refused before the secret is looked at: a blocked attacker learns nothing from more guesses.
  if (gate.refusal) return { ok: false, reason: gate.refusal };
  const outcome = await verify();
  if (!outcome.ok) {
    await protection.loginFailed(attempt, gate, outcome.login?.user);
    return outcome;
  }
  // The secret was right, so this is no brute-force failure; but an administrator's block stands.
  await protection.loginSucceeded(attempt, gate);
  if (outcome.login.blocked) return { ok: false, reason: 'blocked_user', login: outcome.login };
  return outcome;
}

export interface PasswordLoginInput {
  tenant: Tenant;
  /** A database (`auth0`) connection already checked to be enabled for the client. */
  connection: Connection;
  username: string;
  password: string;
  ip: string;
  clientId: string;
  audit: Audit;
  /** `{issuer}` of the request, for links in notification emails. */
  issuer?: string;
}

/**
 * A database login: attack protection around the password check, then breached password
 * detection, which only ever looks at a password already known to be the user's.
 */
export async function attemptPasswordLogin(services: Services, input: PasswordLoginInput): Promise<LoginAttempt> {
  const { tenant, connection } = input;
  const context: AttemptContext = { tenant, connection, identifier: input.username, ip: input.ip, clientId: input.clientId, audit: input.audit, ...(input.issuer ? { issuer: input.issuer } : {}) };
  const attempt = await guardedLogin(services, context, async () => {
    const login = input.username ? await services.users.findForLogin(tenant.id, connection.name, input.username) : undefined;
    // Checked even when there is no such user (a dummy hash), so timing does not reveal accounts.
    const passwordOk = await services.users.checkPassword(tenant.id, login, input.password);
    if (!login || !passwordOk) return { ok: false, reason: 'wrong_credentials', ...(login ? { login } : {}) };
    return { ok: true, login };
  });
  if (!attempt.ok) return attempt;
  const verdict = await services.attackProtection.breachedLogin(protectedAttempt(context), attempt.login.user, input.password);
  return verdict === 'block' ? { ok: false, reason: 'password_leaked', login: attempt.login } : attempt;
}

function protectedAttempt(context: AttemptContext): ProtectedAttempt {
  return {
    tenant: context.tenant,
    connection: context.connection.name,
    identifier: context.identifier,
    ip: context.ip,
    clientId: context.clientId,
    audit: context.audit,
    ...(context.issuer ? { issuer: context.issuer } : {}),
    connectionBruteForce: context.connection.options.brute_force_protection !== false,
  };
}
