/**
 * An application with `require_pushed_authorization_requests` starts its requests only through
 * `POST /oauth/par` (RFC 9126 §4: `invalid_request`): a plain `/authorize` is an error page, since
 * the redirect_uri of a request the application did not push is not trusted. A FAPI compliance
 * level requires it too (compliance-levels.ts).
 */
import { AuthorizationPageError } from '../authorization-errors.js';
import { complianceProfileOf } from '../../clients/compliance-levels.js';
import type { ClientCheck } from './check.js';

export const pushedRequestRequired: ClientCheck = {
  name: 'pushed-request-required',
  endpoints: ['authorize'],
  check({ client, pushed }) {
    if ((client?.require_pushed_authorization_requests === true || complianceProfileOf(client)?.requiresPushedRequests) && pushed !== true) {
      throw new AuthorizationPageError('invalid_request', 'Pushed Authorization Requests are required for this client: push the request to /oauth/par and send its request_uri.');
    }
  },
};
