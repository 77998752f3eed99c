/** The password policy of a database connection in words, shown under the new-password inputs. */
import { passwordRulesOf } from '../domain/users/password-policy.js';

export function passwordHint(options: Record<string, unknown>): string | undefined {
  const rules = passwordRulesOf(options);
  const length = `At least ${rules.minLength} character${rules.minLength === 1 ? '' : 's'}`;
  switch (rules.policy) {
    case 'none':
      return rules.minLength > 1 ? `${length}.` : undefined;
    case 'low':
      return `${length}.`;
    case 'fair':
      return `${length}, including lower case letters, upper case letters and numbers.`;
    case 'good':
      return `${length}, including 3 of: lower case letters, upper case letters, numbers and special characters.`;
    case 'excellent':
      return `${length}, including 3 of: lower case letters, upper case letters, numbers and special characters; no character 3 times in a row.`;
  }
}
