/**
 * Auth0's wording for attack protection refusals, shared by the surfaces that show them (the
 * token endpoint's `error_description`, the hosted login form, cross-origin authentication).
 */
export const REJECTION_MESSAGES = {
  wrong_credentials: 'Wrong email or password.',
  blocked_user: 'user is blocked',
  too_many_attempts: "Your account has been blocked after multiple consecutive login attempts. We've sent you an email with instructions on how to unblock it.",
  suspicious_ip: 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.',
  password_leaked: 'This login has been blocked because your password has been leaked in another website. We’ve sent you an email with instructions on how to unblock it.',
} as const;

/** Universal Login's texts for the same refusals on the hosted login page. */
export const LOGIN_PAGE_MESSAGES = {
  wrong_credentials: 'Wrong email or password.',
  blocked_user: 'Your account has been blocked.',
  too_many_attempts: REJECTION_MESSAGES.too_many_attempts,
  suspicious_ip: REJECTION_MESSAGES.suspicious_ip,
  password_leaked: 'We have detected a potential security issue with this account. To protect your account, we have prevented this login. Please reset your password to proceed.',
} as const;

/** Signup and password change with a breached password (stage shields `block`). */
export const BREACHED_NEW_PASSWORD_MESSAGES = {
  signup: 'This combination of credentials was detected in a public data breach on another website. Before your account is created, please use a different password to keep it secure.',
  change: 'This password was detected in a public data breach on another website. Please choose a different password to keep your account secure.',
} as const;
