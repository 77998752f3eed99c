/**
 * `implicit` (RFC 6749 §4.2, and the hybrid flows): tokens straight from `/authorize`, whose checks
 * (the application lists `implicit`, response types, nonce) live with the authorization request.
 * Declared here so discovery lists it in its place; the token endpoint does not serve it.
 */
import type { AuthorizeGrant } from './grant.js';

export const implicitGrant: AuthorizeGrant = { grantType: 'implicit', endpoint: 'authorize', advertised: true };
