/** The password reset email, as plain text and as HTML (every inserted value escaped). */

export const escapeText = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** "60 minutes", or "5 days" for a lifetime of whole days (an administrator's ticket). */
export const lifetimeText = (minutes: number): string => (minutes >= 1440 && minutes % 1440 === 0 ? `${minutes / 1440} day${minutes === 1440 ? '' : 's'}` : `${minutes} minutes`);

export function resetEmail(input: { tenantName: string; link: string; ttlMinutes: number }): { subject: string; text: string; html: string } {
  const subject = `Reset your ${input.tenantName} password`;
  const text = [
    'Hello,',
    '',
    `We received a request to reset the password of your ${input.tenantName} account. To choose a new password, open this link:`,
    '',
    input.link,
    '',
    `The link works once and expires in ${lifetimeText(input.ttlMinutes)}. If you did not ask for this, ignore this email: your password stays as it is.`,
  ].join('\n');
  const name = escapeText(input.tenantName);
  const link = escapeText(input.link);
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1e212a">
<p>Hello,</p>
<p>We received a request to reset the password of your ${name} account.</p>
<p><a href="${link}" style="display:inline-block;padding:10px 16px;background:#635dff;color:#fff;border-radius:4px;text-decoration:none">Reset password</a></p>
<p>Or copy this link into your browser:<br><code style="word-break:break-all">${link}</code></p>
<p>The link works once and expires in ${lifetimeText(input.ttlMinutes)}. If you did not ask for this, ignore this email: your password stays as it is.</p>
</body></html>`;
  return { subject, text, html };
}
