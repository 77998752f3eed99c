/** Tokens in a query string end up in logs and Referer headers (OAuth 2.0 Multiple Response Types §5). */
import type { RequestCheck } from './check.js';

export const noTokensInQuery: RequestCheck = {
  name: 'no-tokens-in-query',
  endpoints: ['authorize', 'par'],
  check({ implicitOrHybrid, responseMode, responseType, fail }) {
    if (implicitOrHybrid && responseMode === 'query') throw fail('invalid_request', `response_mode query is not allowed with response_type ${responseType}`);
  },
};
