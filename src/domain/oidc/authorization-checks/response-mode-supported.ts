/** response_mode, if given, is one the tenant answers in (its features, as discovery advertises them). */
import type { RequestCheck } from './check.js';

export const responseModeSupported: RequestCheck = {
  name: 'response-mode-supported',
  endpoints: ['authorize', 'par'],
  check({ requestedMode, features, fail }) {
    if (requestedMode && !features.responseModes.includes(requestedMode)) throw fail('invalid_request', `Unsupported response_mode: ${requestedMode}`);
  },
};
