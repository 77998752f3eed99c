/** response_type is given and is one of the OAuth 2.0 / OpenID Connect combinations (in any order). */
import type { RequestCheck } from './check.js';

const RESPONSE_TYPES = new Set(['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']);

export const responseTypeSupported: RequestCheck = {
  name: 'response-type-supported',
  endpoints: ['authorize', 'par'],
  check({ params, responseType, fail }) {
    if (!params.response_type) throw fail('invalid_request', 'Missing required parameter: response_type');
    if (!RESPONSE_TYPES.has(responseType)) throw fail('unsupported_response_type', `Unsupported response type: ${params.response_type}`);
  },
};
