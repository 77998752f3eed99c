/** `client_secret_post` (RFC 6749 §2.3.1): `client_id` and `client_secret` in the request body. */
import { bodyClientId } from '../errors.js';
import type { ClientAuthMethod } from '../method.js';
import { checkClientSecret } from './client-secret.js';

export const clientSecretPost: ClientAuthMethod = {
  name: 'client_secret_post',
  authenticates: true,
  presentedAs: 'client_secret in the body',
  presented: (credentials) => credentials.params.client_secret !== undefined,
  clientId: (credentials) => bodyClientId(credentials.params),
  authenticate: (credentials, client) => checkClientSecret(credentials.params.client_secret ?? '', client),
};
