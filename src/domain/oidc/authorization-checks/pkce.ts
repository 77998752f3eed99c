/**
 * PKCE (RFC 7636): a code_challenge_method needs a code_challenge, a public application's code
 * needs one (without a client secret, the challenge is what makes a stolen code worthless), and the
 * challenge is well-formed in a supported method. The token endpoint's side of it — a verifier
 * for a code issued without a challenge is a PKCE downgrade and is refused — lives in the
 * authorization_code grant.
 */
import type { PkceMethod } from '../authorization-request.js';
import type { RequestCheck } from './check.js';

const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

export const pkce: RequestCheck = {
  name: 'pkce',
  endpoints: ['authorize', 'par'],
  check({ params, client, responseTypes, features, fail }) {
    const challenge = params.code_challenge;
    if (!challenge) {
      if (params.code_challenge_method) throw fail('invalid_request', 'Missing required parameter: code_challenge');
      if (responseTypes.has('code') && client.token_endpoint_auth_method === 'none') {
        throw fail('invalid_request', 'Missing required parameter: code_challenge (PKCE is required for public applications)');
      }
      return;
    }
    const method = pkceMethodOf(params);
    if (!method || !features.codeChallengeMethods.includes(method)) throw fail('invalid_request', `Unsupported code_challenge_method: ${method}`);
    if (!PKCE_CHALLENGE.test(challenge)) throw fail('invalid_request', 'code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]');
  },
};

/** The method as sent; `plain` when a challenge comes without one (RFC 7636 §4.3). Valid once `pkce` has passed. */
export const pkceMethodOf = (params: Readonly<Record<string, string>>): PkceMethod | undefined =>
  (params.code_challenge_method ?? (params.code_challenge ? 'plain' : undefined)) as PkceMethod | undefined;
