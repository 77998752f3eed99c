/** client_id is given and names an application of the tenant. */
import { AuthorizationPageError } from '../authorization-errors.js';
import type { ClientCheck } from './check.js';

export const clientKnown: ClientCheck = {
  name: 'client-known',
  // PAR and CIBA identify the client by client authentication instead.
  endpoints: ['authorize', 'device'],
  check({ params, client }) {
    if (!params.client_id) throw new AuthorizationPageError('invalid_request', 'Missing required parameter: client_id');
    if (!client) throw new AuthorizationPageError('invalid_request', `Unknown client: ${params.client_id}`);
  },
};
