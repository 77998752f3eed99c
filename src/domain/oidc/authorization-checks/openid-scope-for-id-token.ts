/** An ID token is an OpenID Connect answer: asking for one requires the openid scope (the default scope is `openid`). */
import type { RequestCheck } from './check.js';

export const openidScopeForIdToken: RequestCheck = {
  name: 'openid-scope-for-id-token',
  endpoints: ['authorize', 'par'],
  check({ responseTypes, scope, fail }) {
    if (responseTypes.has('id_token') && !scope.includes('openid')) throw fail('invalid_request', 'The openid scope is required when requesting an id_token');
  },
};
