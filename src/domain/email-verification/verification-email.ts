/** The "Verify your email" message, as plain text and as HTML (every inserted value escaped). */
import { escapeText } from '../password-reset/reset-email.js';

export function verificationEmail(input: { tenantName: string; email: string; link: string; ttlDays: number }): { subject: string; text: string; html: string } {
  const subject = `Verify your email for ${input.tenantName}`;
  const expiry = input.ttlDays >= 1 ? `${Math.round(input.ttlDays)} day${Math.round(input.ttlDays) === 1 ? '' : 's'}` : 'less than a day';
  const text = [
    'Hello,',
    '',
    `Please confirm that ${input.email} is your email address for your ${input.tenantName} account by opening this link:`,
    '',
    input.link,
    '',
    `The link works once and expires in ${expiry}. If you did not create an account, ignore this email.`,
  ].join('\n');
  const name = escapeText(input.tenantName);
  const email = escapeText(input.email);
  const link = escapeText(input.link);
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1e212a">
<p>Hello,</p>
<p>Please confirm that <strong>${email}</strong> is your email address for your ${name} account.</p>
<p><a href="${link}" style="display:inline-block;padding:10px 16px;background:#635dff;color:#fff;border-radius:4px;text-decoration:none">Verify email</a></p>
<p>Or copy this link into your browser:<br><code style="word-break:break-all">${link}</code></p>
<p>The link works once and expires in ${expiry}. If you did not create an account, ignore this email.</p>
</body></html>`;
  return { subject, text, html };
}
