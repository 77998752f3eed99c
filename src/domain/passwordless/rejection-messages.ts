/**
 * Auth0's wording when a passwordless code is refused, shared by every surface that shows it: the
 * hosted code page, magic links, `/oauth/token` (auth-api/passwordless/rejections.ts adds the statuses).
 */
import type { PasswordlessAttempt } from './passwordless-login.js';
import { passwordlessOf } from '../connections/strategies/registry.js';

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
