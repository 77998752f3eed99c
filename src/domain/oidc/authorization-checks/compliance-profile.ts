/**
 * An application with a FAPI compliance level (domain/clients/compliance-levels.ts) asks only for
 * its profile's response types (FAPI 2.0: `code`; FAPI 1 Advanced: `code id_token`) and sends PKCE with S256 — at /oauth/par, and
 * at /authorize (where a FAPI application's parameters are always its pushed ones).
 */
import { complianceProfileOf } from '../../clients/compliance-levels.js';
import type { RequestCheck } from './check.js';

export const complianceProfile: RequestCheck = {
  name: 'compliance-profile',
  endpoints: ['authorize', 'par'],
  check({ client, responseType, params, fail }) {
    const profile = complianceProfileOf(client);
    if (!profile) return;
    if (!profile.responseTypes.includes(responseType)) {
      throw fail('unsupported_response_type', `response_type must be ${profile.responseTypes.join(' or ')} for this client (compliance_level ${profile.level})`);
    }
    if (profile.requiresPkceS256 && (!params.code_challenge || params.code_challenge_method !== 'S256')) {
      throw fail('invalid_request', `PKCE with code_challenge_method S256 is required for this client (compliance_level ${profile.level})`);
    }
  },
};
