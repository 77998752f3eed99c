/** Auth0's answers when a passwordless code is refused, for the surfaces that show them. */
import type { PasswordlessAttempt } from '../../domain/passwordless/passwordless-login.js';
import { AuthApiError } from '../../http/errors.js';
import { passwordlessOf } from '../../domain/connections/strategies/registry.js';

const BLOCKED_ACCOUNT = 'Your account has been blocked after multiple consecutive login attempts.';
const SUSPICIOUS_IP = 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.';

export function rejectionDescription(strategy: string, attempt: Extract<PasswordlessAttempt, { ok: false }>): string {
  switch (attempt.reason) {
    case 'blocked_user':
      return 'user is blocked';
    case 'too_many_attempts':
      return BLOCKED_ACCOUNT;
    case 'suspicious_ip':
      return SUSPICIOUS_IP;
    default:
      if (attempt.code === 'expired') return 'The verification code has expired. Please try to login again.';
      if (attempt.code === 'exhausted') return "You've reached the maximum number of attempts. Please try to login again.";
      return passwordlessOf(strategy)?.wrongCodeDescription ?? 'Wrong email or verification code.';
  }
}

/** The `/oauth/token` error for a refused code (the same statuses as the password grants). */
export function rejectionError(strategy: string, attempt: Extract<PasswordlessAttempt, { ok: false }>): AuthApiError {
  const description = rejectionDescription(strategy, attempt);
  switch (attempt.reason) {
    case 'blocked_user':
      return new AuthApiError(401, 'unauthorized', description);
    case 'too_many_attempts':
    case 'suspicious_ip':
      return new AuthApiError(429, 'too_many_attempts', description);
    default:
      return new AuthApiError(403, 'invalid_grant', description);
  }
}
