/**
 * `acr_values` and the `claims` parameter are well formed and bounded, and an essential `acr` the
 * tenant can assert (domain/oidc/requested-acr.ts): OpenID Connect Core §5.5.1.1 makes an essential
 * acr that cannot be met a failed authentication, `access_denied` back to the application.
 */
import { AcrRequestError, readAcrRequest, resolveAcr } from '../requested-acr.js';
import type { RequestCheck } from './check.js';

export const requestedAcr: RequestCheck = {
  name: 'requested-acr',
  // Every endpoint: parseAuthorizationRequest reads both parameters again and relies on this check.
  endpoints: ['authorize', 'par', 'device', 'ciba'],
  check({ params, features, fail }) {
    let outcome;
    try {
      outcome = resolveAcr(readAcrRequest(params), features.acrValues);
    } catch (error) {
      if (error instanceof AcrRequestError) throw fail('invalid_request', error.message);
      throw error;
    }
    if ('unmet' in outcome) throw fail('access_denied', 'The essential acr requested in claims cannot be satisfied: none of its values is in this tenant\'s acr_values_supported');
  },
};
