/**
 * When a user must consent to what an application asks for (docs: User Consent and Third-Party
 * Applications). Pure rules; the consent service adds the stored grants.
 *
 * - Third-party applications always need consent: anyone may have registered them.
 * - A first-party application needs it for an API that does not allow skipping consent
 *   (`skip_consent_for_verifiable_first_party_clients: false`), and whenever its redirect_uri is on
 *   localhost: any program on the user's machine can listen there, so it is never a verifiable
 *   first party.
 * - `prompt=consent` always asks, even over an existing grant.
 * - Otherwise a stored grant that already covers every requested scope means no question.
 */

export interface ConsentQuestion {
  isFirstParty: boolean;
  /** The API's flag; undefined when only OpenID Connect scopes are asked for (no API). */
  apiAllowsSkipping?: boolean;
  redirectUri: string;
  promptConsent: boolean;
  /** The scopes the application would receive. */
  scope: readonly string[];
  /** The scopes of the user's stored grant for this application and audience, if any. */
  granted?: readonly string[];
}

export type ConsentDecision = 'skip' | 'ask';

export function consentDecision(question: ConsentQuestion): ConsentDecision {
  const mayNeedConsent =
    question.promptConsent || !question.isFirstParty || question.apiAllowsSkipping === false || isNonVerifiableRedirect(question.redirectUri);
  if (!mayNeedConsent) return 'skip';
  if (question.promptConsent) return 'ask';
  return question.granted && covers(question.granted, question.scope) ? 'skip' : 'ask';
}

/** True when every requested scope is among the granted ones. */
export function covers(granted: readonly string[], requested: readonly string[]): boolean {
  const have = new Set(granted);
  return requested.every((scope) => have.has(scope));
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A redirect_uri whose host is the user's own machine. Only the literal loopback names count; a
 * hosts-file alias (`127.0.0.1 myapp.example`) is the docs' way for developers to test without the
 * dialog, and sub-domains such as `app.localhost` are treated like such aliases.
 */
export function isNonVerifiableRedirect(redirectUri: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(redirectUri).hostname.toLowerCase());
  } catch {
    return false;
  }
}
