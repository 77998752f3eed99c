/**
 * Plain sentences for the control API's error codes the member, invitation and session screens can
 * meet; anything else shows the server's own message. Pure: unit-tested in
 * test/unit/dashboard-members.test.ts.
 */
export const ERROR_SENTENCES: Readonly<Record<string, string>> = Object.freeze({
  last_admin: 'A tenant must keep at least one Admin. Give another member the Admin role first.',
  member_not_found: 'This person is no longer a member of the tenant.',
  already_member: 'This person is already a member of the tenant.',
  email_provider_not_configured: "The tenant has no email provider, so the invitation could not be sent. Set one up in the tenant's email settings first.",
  invalid_email: 'Enter a valid email address.',
  invalid_role: 'Choose at least one role.',
  invitation_not_found: 'This invitation is invalid, was already used or revoked, or has expired. Ask an Admin of the tenant for a new one.',
  email_mismatch: 'This invitation is for another email address. Sign out, then open the invitation link again.',
  login_required: 'An account with this email address exists. Sign in to accept the invitation.',
  session_not_found: 'This session has already ended.',
  insufficient_role: 'Only an Admin of this tenant can do this.',
  too_many_attempts: 'Too many attempts from this address. Wait a minute and try again.',
});

/** The sentence for `code`, else `fallback` (the server's message). */
export function sentenceFor(code: string | undefined, fallback: string): string {
  return (code && ERROR_SENTENCES[code]) || fallback;
}
