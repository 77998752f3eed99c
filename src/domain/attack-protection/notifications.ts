/**
 * The emails attack protection sends, as plain text and HTML (every inserted value escaped):
 * to a user whose account was blocked (with the one-time unblock link) or who logged in with a
 * breached password (with a password reset link), and to the tenant's administrators
 * (`support_email` in the tenant settings) about a throttled IP or a breached password.
 */
import { escapeText } from '../password-reset/reset-email.js';

export interface Email {
  subject: string;
  text: string;
  html: string;
}

const button = (href: string, label: string): string =>
  `<p><a href="${escapeText(href)}" style="display:inline-block;padding:10px 16px;background:#635dff;color:#fff;border-radius:4px;text-decoration:none">${escapeText(label)}</a></p>
<p>Or copy this link into your browser:<br><code style="word-break:break-all">${escapeText(href)}</code></p>`;

function page(paragraphs: string[], action?: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeText(p)}</p>`);
  if (action) body.splice(2, 0, button(action.href, action.label));
  return `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1e212a">\n${body.join('\n')}\n</body></html>`;
}

function email(subject: string, paragraphs: string[], action?: { href: string; label: string }): Email {
  const text = [...paragraphs.slice(0, 2)];
  if (action) text.push(action.href);
  text.push(...paragraphs.slice(2));
  return { subject, text: text.join('\n\n'), html: page(paragraphs, action) };
}

/** Brute-force protection: the account is blocked for logins from `ip` (or from everywhere). */
export function blockedAccountEmail(input: { tenantName: string; attempts: number; ip: string; perIp: boolean; unblockLink?: string; ttlDays: number }): Email {
  const where = input.perIp ? `from the IP address ${input.ip}` : `(the last one from the IP address ${input.ip})`;
  if (!input.unblockLink) {
    return email(`Failed login attempts on your ${input.tenantName} account`, [
      'Hello,',
      `We detected ${input.attempts} consecutive failed attempts to log in to your ${input.tenantName} account ${where}.`,
      'If this was not you, someone may be trying to guess your password: consider changing it.',
    ]);
  }
  return email(
    `Your ${input.tenantName} account has been blocked`,
    [
      'Hello,',
      `Your ${input.tenantName} account has been blocked after ${input.attempts} consecutive failed login attempts ${where}. To unblock it, open this link:`,
      `The link works once and expires in ${input.ttlDays} days. If the failed attempts were not yours, someone may be trying to guess your password: after unblocking, consider changing it. Resetting your password also unblocks the account.`,
    ],
    { href: input.unblockLink, label: 'Unblock my account' },
  );
}

/** Breached password detection, shield user_notification: the password must be changed. */
export function breachedPasswordEmail(input: { tenantName: string; resetLink?: string; ttlMinutes: number; blocked: boolean }): Email {
  const consequence = input.blocked ? 'To protect your account, we have blocked this login.' : 'Your account is at risk until you change it.';
  const paragraphs = [
    'Hello,',
    `Someone just logged in to your ${input.tenantName} account with a password that appears in a public data breach on another website. ${consequence} Please choose a new password${input.resetLink ? ' with this link:' : ' (use "Forgot password?" on the login page).'}`,
  ];
  if (input.resetLink) paragraphs.push(`The link works once and expires in ${input.ttlMinutes} minutes. Use a password you have never used anywhere else.`);
  return email(`Your ${input.tenantName} password was found in a data breach`, paragraphs, input.resetLink ? { href: input.resetLink, label: 'Change my password' } : undefined);
}

/** Suspicious IP throttling, shield admin_notification. */
export function throttledIpEmail(input: { tenantName: string; ip: string; stage: 'pre-login' | 'pre-user-registration'; attempts: number }): Email {
  const what = input.stage === 'pre-login' ? `${input.attempts} failed login attempts` : `${input.attempts} signup attempts`;
  return email(`[${input.tenantName}] Suspicious activity from ${input.ip}`, [
    'Hello,',
    `The IP address ${input.ip} made ${what} in a short time, across accounts. Further attempts from it are refused by suspicious IP throttling until its allowance refills.`,
    'If the address is trusted (an office, a server calling the Authentication API), add it to the allowlist of suspicious IP throttling. The tenant logs have the details (type limit_mu).',
  ]);
}

/** Breached password detection, shield admin_notification (frequency "immediately"). */
export function breachedPasswordAdminEmail(input: { tenantName: string; stage: 'login' | 'signup' | 'password change'; account: string; ip: string; blocked: boolean }): Email {
  return email(`[${input.tenantName}] Breached password used at ${input.stage}`, [
    'Hello,',
    `A ${input.stage} for ${input.account} from ${input.ip} used a password that appears in a public data breach. ${input.blocked ? 'It was blocked.' : 'It was allowed (the stage does not block).'}`,
    'The tenant logs have the details (types pwd_leak, signup_pwd_leak, reset_pwd_leak).',
  ]);
}
