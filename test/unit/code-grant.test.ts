/**
 * The checks of a code redemption (domain/oidc/code-grant.ts), shared by the token endpoint's
 * authorization_code grant and the dashboard's login callback: client, redirect_uri, PKCE, in that
 * order, with the token endpoint's error and wording.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCodeRedemption, type CodeGrant } from '../../src/domain/oidc/code-grant.js';

const VERIFIER = 'a'.repeat(20) + '-._~' + 'Z9'.repeat(10);
const S256 = createHash('sha256').update(VERIFIER).digest('base64url');
const base: CodeGrant = { clientId: 'client-1', userId: 'auth0|1', scope: ['openid'], redirectUri: 'https://app.example/callback' };
const withS256: CodeGrant = { ...base, codeChallenge: S256, codeChallengeMethod: 'S256' };
const withPlain: CodeGrant = { ...base, codeChallenge: VERIFIER, codeChallengeMethod: 'plain' };
const presented = { clientId: 'client-1', redirectUri: 'https://app.example/callback', codeVerifier: undefined };

const CLIENT = { ok: false, reason: 'client_mismatch', error: 'invalid_grant', description: 'Invalid authorization code' };
const REDIRECT = { ok: false, reason: 'redirect_uri_mismatch', error: 'invalid_grant', description: 'Invalid redirect_uri' };
const MISSING = { ok: false, reason: 'verifier_missing', error: 'invalid_request', description: "Parameter 'code_verifier' is required" };
const MISMATCH = { ok: false, reason: 'verifier_mismatch', error: 'invalid_grant', description: 'Failed to verify code verifier' };

describe('checkCodeRedemption', () => {
  it('accepts the right client and redirect_uri without PKCE', () => {
    expect(checkCodeRedemption(base, presented)).toEqual({ ok: true });
  });

  it('accepts an S256 or plain verifier that matches its challenge', () => {
    expect(checkCodeRedemption(withS256, { ...presented, codeVerifier: VERIFIER })).toEqual({ ok: true });
    expect(checkCodeRedemption(withPlain, { ...presented, codeVerifier: VERIFIER })).toEqual({ ok: true });
  });

  it('refuses another client, before anything else', () => {
    expect(checkCodeRedemption(withS256, { clientId: 'client-2', redirectUri: 'https://evil.example/', codeVerifier: undefined })).toEqual(CLIENT);
  });

  it('refuses another or a missing redirect_uri, before PKCE', () => {
    expect(checkCodeRedemption(withS256, { ...presented, redirectUri: 'https://app.example/callback/' })).toEqual(REDIRECT);
    expect(checkCodeRedemption(base, { ...presented, redirectUri: undefined })).toEqual(REDIRECT);
  });

  it('requires the verifier when the code has a challenge (400 invalid_request)', () => {
    expect(checkCodeRedemption(withS256, presented)).toEqual(MISSING);
    expect(checkCodeRedemption(withS256, { ...presented, codeVerifier: '' })).toEqual(MISSING);
  });

  it('refuses a wrong, malformed, or S256-as-plain verifier', () => {
    expect(checkCodeRedemption(withS256, { ...presented, codeVerifier: 'b'.repeat(43) })).toEqual(MISMATCH);
    expect(checkCodeRedemption(withS256, { ...presented, codeVerifier: 'short' })).toEqual(MISMATCH);
    expect(checkCodeRedemption(withS256, { ...presented, codeVerifier: 'a'.repeat(129) })).toEqual(MISMATCH);
    expect(checkCodeRedemption(withPlain, { ...presented, codeVerifier: `${VERIFIER.slice(0, -1)}!` })).toEqual(MISMATCH);
    // The challenge itself presented as the verifier of an S256 code.
    expect(checkCodeRedemption(withS256, { ...presented, codeVerifier: S256 })).toEqual(MISMATCH);
  });

  it('refuses a verifier for a code issued without a challenge (PKCE downgrade, RFC 9700 §4.8.2)', () => {
    expect(checkCodeRedemption(base, { ...presented, codeVerifier: VERIFIER })).toEqual(MISMATCH);
    expect(checkCodeRedemption(base, { ...presented, codeVerifier: '' })).toEqual(MISMATCH);
  });
});
