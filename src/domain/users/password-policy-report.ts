/**
 * A password strength failure explained the way Auth0's signup endpoint does (its password-sheriff
 * format): `rules`, each with `verified` for this password, and `policy`, the same rules as text.
 * auth0-js hands both to the application, and Lock shows them.
 */
import { CHARACTER_CLASSES, meetsStrength, type PasswordRules } from './password-policy.js';

export interface PolicyRule {
  message: string;
  code: string;
  format?: (string | number)[];
  items?: PolicyRule[];
  verified: boolean;
}

export interface PolicyReport {
  rules: PolicyRule[];
  verified: boolean;
}

const CLASS_ITEMS = [
  { message: 'lower case letters (a-z)', code: 'lowerCase' },
  { message: 'upper case letters (A-Z)', code: 'upperCase' },
  { message: 'numbers (i.e. 0-9)', code: 'numbers' },
  { message: 'special characters (e.g. !@#$%^&*)', code: 'specialCharacters' },
];

export function policyReport(password: string, rules: Pick<PasswordRules, 'policy' | 'minLength'>): PolicyReport {
  const items = CLASS_ITEMS.map((item, i) => ({ ...item, verified: CHARACTER_CLASSES[i]!.test(password) }));
  const report: PolicyRule[] = [{ message: 'At least %d characters in length', format: [rules.minLength], code: 'lengthAtLeast', verified: [...password].length >= rules.minLength }];
  if (rules.policy === 'fair') {
    const needed = items.slice(0, 3);
    report.push({ message: 'Should contain:', code: 'shouldContain', items: needed, verified: needed.every((item) => item.verified) });
  }
  if (rules.policy === 'good' || rules.policy === 'excellent') {
    report.push({ message: 'Contain at least %d of the following %d types of characters:', code: 'containsAtLeast', format: [3, 4], items, verified: items.filter((item) => item.verified).length >= 3 });
  }
  if (rules.policy === 'excellent') {
    report.push({ message: 'No more than %d identical characters in a row (e.g., "%s" not allowed)', code: 'identicalChars', format: [2, 'aaa'], verified: !/(.)\1\1/u.test(password) });
  }
  return { rules: report, verified: meetsStrength(password, rules) };
}

/** The report as Auth0's `policy` text: `* rule` lines, sub-items indented. */
export function policyText(report: PolicyReport): string {
  const format = (rule: PolicyRule): string => {
    const values = [...(rule.format ?? [])];
    return rule.message.replace(/%[ds]/g, () => String(values.shift() ?? ''));
  };
  return report.rules.flatMap((rule) => [`* ${format(rule)}`, ...(rule.items ?? []).map((item) => ` * ${format(item)}`)]).join('\n');
}
