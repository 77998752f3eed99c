/**
 * response_type is given and is one of the combinations the tenant offers (its features, as
 * discovery advertises them), its words in any order.
 */
import { canonicalResponseType } from './read-request.js';
import type { RequestCheck } from './check.js';

export const responseTypeSupported: RequestCheck = {
  name: 'response-type-supported',
  endpoints: ['authorize', 'par'],
  check({ params, responseType, features, fail }) {
    if (!params.response_type) throw fail('invalid_request', 'Missing required parameter: response_type');
    if (!features.responseTypes.some((offered) => canonicalResponseType(offered) === responseType)) {
      throw fail('unsupported_response_type', `Unsupported response type: ${params.response_type}`);
    }
  },
};
