/**
 * The CIBA email channel's message (Auth0's "Asynchronous Approval" template, `async_approval`):
 * which application asks, the binding message to compare with the one the application shows, and
 * the approval link. Tessera has no email-templates API (the Management API answers it as
 * unavailable), so this built-in text is the only one; every inserted value is escaped.
 */
import { escapeText } from '../password-reset/reset-email.js';

export function asyncApprovalEmail(input: { tenantName: string; clientName: string; bindingMessage: string; link: string; expiresInSeconds: number }): { subject: string; text: string; html: string } {
  const subject = `${input.clientName} is asking for your approval`;
  const expiry = expiryText(input.expiresInSeconds);
  const text = [
    'Hello,',
    '',
    `${input.clientName} asks you to approve a request on your ${input.tenantName} account.`,
    `Check that it shows this message: ${input.bindingMessage}`,
    '',
    'Open this link to review the request, then approve or reject it:',
    '',
    input.link,
    '',
    `The link expires in ${expiry}. If you did not expect this request, reject it or ignore this email.`,
  ].join('\n');
  const name = escapeText(input.tenantName);
  const client = escapeText(input.clientName);
  const binding = escapeText(input.bindingMessage);
  const link = escapeText(input.link);
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1e212a">
<p>Hello,</p>
<p><strong>${client}</strong> asks you to approve a request on your ${name} account.</p>
<p>Check that it shows this message: <strong>${binding}</strong></p>
<p><a href="${link}" style="display:inline-block;padding:10px 16px;background:#635dff;color:#fff;border-radius:4px;text-decoration:none">Review the request</a></p>
<p>Or copy this link into your browser:<br><code style="word-break:break-all">${link}</code></p>
<p>The link expires in ${expiry}. If you did not expect this request, reject it or ignore this email.</p>
</body></html>`;
  return { subject, text, html };
}

function expiryText(seconds: number): string {
  if (seconds >= 7200) return `${Math.floor(seconds / 3600)} hours`;
  return `${Math.max(1, Math.floor(seconds / 60))} minutes`;
}
