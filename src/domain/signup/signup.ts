/**
 * Public sign-up in a database connection: the one path shared by the hosted signup page and
 * `POST /dbconnections/signup`. The caller resolves the connection (enabled for the application);
 * this applies, in order: `disable_signup`, suspicious IP throttling (stage pre-user-registration),
 * the identifiers, breached password detection (same stage), then creates the user under the
 * connection's password policy. Every refusal is logged `fs`, success `ss` (and a verification email
 * goes out); each surface maps the refusal reasons to its own format.
 */
import type { Services } from '../services.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { Connection } from '../connections/connection.js';
import type { CreateUserInput } from '../users/user-service.js';
import type { User } from '../users/user.js';
import { DomainError } from '../errors.js';
import { sendVerificationEmailInBackground } from '../email-verification/email-verification.js';
import { isEmailAddress } from '../validation/email.js';
import type { Audit } from '../../http/audit.js';


export type SignupRefusal =
  | { reason: 'signup_disabled' | 'suspicious_ip' | 'invalid_email' | 'missing_username' | 'missing_password' | 'password_leaked' | 'user_exists' }
  /** The user service refused the input (password policy, username rules...): `message` is its Auth0 message. */
  | { reason: 'invalid'; message: string };

export type SignupOutcome = { ok: true; user: User } | ({ ok: false } & SignupRefusal);

/** The optional profile a sign-up may carry (Authentication API only). */
export type SignupProfile = Pick<CreateUserInput, 'given_name' | 'family_name' | 'name' | 'nickname' | 'picture' | 'user_metadata'>;

export interface SignupInput {
  /** The connection, when it exists, is a database connection, and is enabled for the application. */
  connection: Connection | undefined;
  connectionName: string;
  client: { client_id: string; name: string };
  /** The requester's address: suspicious IP throttling counts signups by it. */
  ip: string;
  /** Records `fs`/`ss` (and the verification email's `svr`/`fvr`) for the request. */
  audit: Audit;
  /** Normalized (trimmed, lower case) by the caller. */
  email: string;
  username: string;
  password: string;
  profile?: SignupProfile;
  /** `{issuer}` of the request: the host the verification link points at. */
  issuer: string;
}

const FAILURE_DESCRIPTIONS: Record<Exclude<SignupRefusal['reason'], 'invalid'>, string> = {
  signup_disabled: 'Public signup is disabled',
  suspicious_ip: 'Too many signup attempts from this IP address',
  invalid_email: 'Invalid email',
  missing_username: 'Missing username',
  missing_password: 'Missing password',
  password_leaked: 'Password is breached',
  user_exists: 'The user already exists.',
};

export async function signUp(services: Services, tenant: Tenant, input: SignupInput): Promise<SignupOutcome> {
  const { connection, connectionName, client, ip, audit, email, username, password } = input;
  const refuse = (refusal: SignupRefusal): SignupOutcome => {
    const description = refusal.reason === 'invalid' ? refusal.message : FAILURE_DESCRIPTIONS[refusal.reason];
    audit('fs', { description, client, details: { connection: connectionName, email } });
    return { ok: false, ...refusal };
  };

  if (!connection || connection.options.disable_signup === true) return refuse({ reason: 'signup_disabled' });
  if (await services.attackProtection.signupThrottled(tenant, ip)) return refuse({ reason: 'suspicious_ip' });
  const requiresUsername = connection.options.requires_username === true;
  if (!isEmailAddress(email)) return refuse({ reason: 'invalid_email' });
  if (requiresUsername && !username) return refuse({ reason: 'missing_username' });
  if (!password) return refuse({ reason: 'missing_password' });

  // Every attempt that gets this far takes one of the IP's signup attempts, successful or not.
  if (await services.attackProtection.signupAttempted(tenant, ip, client.client_id, audit)) return refuse({ reason: 'suspicious_ip' });
  // Logs signup_pwd_leak; refuses only with the stage's `block` shield.
  if (await services.attackProtection.breachedNewPassword(tenant, 'pre-user-registration', { password, ip, audit, connection: connectionName, account: email, clientId: client.client_id })) {
    return refuse({ reason: 'password_leaked' });
  }
  let user: User;
  try {
    user = await services.users.create(tenant.id, { ...input.profile, connection: connectionName, email, password, ...(requiresUsername ? { username } : {}) });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.kind === 'conflict') return refuse({ reason: 'user_exists' });
    return refuse({ reason: 'invalid', message: error.message });
  }
  audit('ss', { description: 'Successful signup', client, userId: user.user_id, details: { connection: connectionName, email } });
  // Auth0's "Verification Email", sent for every sign-up whose address is not already verified; a
  // failure is logged `fvr` and never fails the sign-up.
  if (user.email && user.email_verified !== true) {
    sendVerificationEmailInBackground(services, tenant, { user, issuer: input.issuer, audit, clientId: client.client_id, clientName: client.name });
  }
  return { ok: true, user };
}
