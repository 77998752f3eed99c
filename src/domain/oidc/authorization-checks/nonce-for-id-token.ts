/**
 * An ID token from the authorization endpoint (implicit or hybrid) must carry a nonce (OpenID
 * Connect Core §3.2.2.1): it is what binds the token to the browser session that asked for it.
 */
import type { RequestCheck } from './check.js';

export const nonceForIdToken: RequestCheck = {
  name: 'nonce-for-id-token',
  endpoints: ['authorize', 'par'],
  check({ responseTypes, params, fail }) {
    if (responseTypes.has('id_token') && !params.nonce) throw fail('invalid_request', 'Missing required parameter: nonce');
  },
};
