/** Auth0's answers when a passwordless code is refused, as Authentication API errors. */
import type { PasswordlessAttempt } from '../../domain/passwordless/passwordless-login.js';
import { rejectionDescription } from '../../domain/passwordless/rejection-messages.js';
import { AuthApiError } from '../../http/errors.js';

export { rejectionDescription };

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
