/**
 * A compliance level that forbids wildcard callbacks (FAPI 1 Advanced, compliance-levels.ts
 * `noWildcardCallbacks`) is refused by the Management API on the merged application; this check
 * keeps an application stored otherwise (before the rule, or written around the API) from starting
 * any authorization request. An error page: a redirect_uri registered next to a wildcard is not one
 * the profile trusts.
 */
import { AuthorizationPageError } from '../authorization-errors.js';
import { complianceProfileOf, hasWildcard } from '../../clients/compliance-levels.js';
import type { ClientCheck } from './check.js';

export const noWildcardCallbacks: ClientCheck = {
  name: 'no-wildcard-callbacks',
  endpoints: ['authorize', 'par'],
  check({ client }) {
    const profile = complianceProfileOf(client);
    if (client && profile?.noWildcardCallbacks && client.callbacks.some(hasWildcard)) {
      throw new AuthorizationPageError('invalid_request', `The client's callbacks contain a wildcard, which compliance_level ${profile.level} does not allow.`);
    }
  },
};
