/**
 * `none` (OIDC Core §9): a public client (SPA, native) names itself with `client_id` and proves
 * nothing; only a client registered with `token_endpoint_auth_method: none` may do that. It is
 * the method of a request that presents no other method's credentials.
 */
import { bodyClientId } from '../errors.js';
import type { ClientAuthMethod } from '../method.js';

export const none: ClientAuthMethod = {
  name: 'none',
  authenticates: false,
  presentedAs: 'client_id alone',
  presented: () => true,
  clientId: (credentials) => bodyClientId(credentials.params),
  authenticate: (_credentials, client) => (client.token_endpoint_auth_method === 'none' ? 'authenticated' : 'failed'),
};
