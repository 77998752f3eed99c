/** response_mode, if given, is one Tessera answers in. */
import { RESPONSE_MODES } from './read-request.js';
import type { RequestCheck } from './check.js';

export const responseModeSupported: RequestCheck = {
  name: 'response-mode-supported',
  endpoints: ['authorize', 'par'],
  check({ requestedMode, fail }) {
    if (requestedMode && !RESPONSE_MODES.has(requestedMode)) throw fail('invalid_request', `Unsupported response_mode: ${requestedMode}`);
  },
};
