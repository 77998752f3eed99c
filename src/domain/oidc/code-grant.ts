/**
 * What an authorization code stands for until it is redeemed, and the checks every redemption
 * makes: the code was issued to this client, for this redirect_uri, and the PKCE verifier matches
 * its challenge. The token endpoint's authorization_code grant and the control API's login callback
 * both redeem codes, so the rule lives here and neither imports the other.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { UserGrant } from './user-tokens.js';

export interface CodeGrant extends UserGrant {
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  /** The request's state, kept only for a compliance level that hashes it into the ID token (`s_hash`). */
  state?: string;
}

/** What the redeemer presents with the code. Absent parameters are undefined. */
export interface CodeRedemption {
  clientId: string;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
}

/**
 * Why a redemption is refused, with the OAuth error and description the token endpoint answers
 * (`invalid_request` is a 400 there, `invalid_grant` a 403).
 */
export type CodeRedemptionProblem =
  | { reason: 'client_mismatch'; error: 'invalid_grant'; description: 'Invalid authorization code' }
  | { reason: 'redirect_uri_mismatch'; error: 'invalid_grant'; description: 'Invalid redirect_uri' }
  | { reason: 'verifier_missing'; error: 'invalid_request'; description: "Parameter 'code_verifier' is required" }
  | { reason: 'verifier_mismatch'; error: 'invalid_grant'; description: 'Failed to verify code verifier' };

export type CodeRedemptionCheck = { ok: true } | ({ ok: false } & CodeRedemptionProblem);

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** The first check a redemption fails, in the order the token endpoint has always made them; ok when none. */
export function checkCodeRedemption(grant: CodeGrant, presented: CodeRedemption): CodeRedemptionCheck {
  if (grant.clientId !== presented.clientId) return { ok: false, reason: 'client_mismatch', error: 'invalid_grant', description: 'Invalid authorization code' };
  if (presented.redirectUri !== grant.redirectUri) return { ok: false, reason: 'redirect_uri_mismatch', error: 'invalid_grant', description: 'Invalid redirect_uri' };
  return checkPkce(grant, presented.codeVerifier);
}

const verifierMismatch: CodeRedemptionCheck = { ok: false, reason: 'verifier_mismatch', error: 'invalid_grant', description: 'Failed to verify code verifier' };

function checkPkce(grant: CodeGrant, verifier: string | undefined): CodeRedemptionCheck {
  if (!grant.codeChallenge) {
    // A verifier for a code issued without a challenge is a PKCE downgrade (RFC 9700 §4.8.2): an
    // attacker who stripped the challenge from the victim's request would otherwise redeem the code.
    return verifier !== undefined ? verifierMismatch : { ok: true };
  }
  if (!verifier) return { ok: false, reason: 'verifier_missing', error: 'invalid_request', description: "Parameter 'code_verifier' is required" };
  if (!VERIFIER.test(verifier)) return verifierMismatch;
  const computed = grant.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(computed);
  const b = Buffer.from(grant.codeChallenge);
  return a.length === b.length && timingSafeEqual(a, b) ? { ok: true } : verifierMismatch;
}
