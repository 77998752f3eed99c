/** The application may use the grant behind each part of response_type: `code` → authorization_code, tokens → implicit. */
import type { RequestCheck } from './check.js';

export const responseTypeAllowedForClient: RequestCheck = {
  name: 'response-type-allowed-for-client',
  endpoints: ['authorize', 'par'],
  check({ responseTypes, implicitOrHybrid, client, fail }) {
    if (responseTypes.has('code') && !client.grant_types.includes('authorization_code')) {
      throw fail('unauthorized_client', "Grant type 'authorization_code' not allowed for the client.");
    }
    if (implicitOrHybrid && !client.grant_types.includes('implicit')) throw fail('unauthorized_client', "Grant type 'implicit' not allowed for the client.");
  },
};
