/**
 * An application with `signed_request_object.required` (JAR, RFC 9101), or a compliance level that
 * enforces JAR (FAPI 1 Advanced, `requestObjectRequired`), sends every authorization
 * request as a signed request object: in `request` at `/authorize` or `/oauth/par`, or pushed that
 * way and taken back with its request_uri. Otherwise an error page: the parameters that name the
 * redirect_uri were not signed, so nothing about them is trusted. Magic links and other requests
 * rebuilt from unsigned parameters fail here too (closed), as they do for pushed requests.
 */
import { AuthorizationPageError } from '../authorization-errors.js';
import { requestObjectRequired } from '../request-object.js';
import type { ClientCheck } from './check.js';

export const signedRequestRequired: ClientCheck = {
  name: 'signed-request-required',
  endpoints: ['authorize', 'par'],
  check({ client, signed }) {
    if (client && requestObjectRequired(client) && signed !== true) {
      throw new AuthorizationPageError('invalid_request', 'This client requires JWT-Secured Authorization Requests: send the authorization parameters as a signed request object (request).');
    }
  },
};
