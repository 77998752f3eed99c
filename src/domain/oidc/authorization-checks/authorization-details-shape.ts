/**
 * `authorization_details` (RFC 9396) comes only in a pushed request — Auth0 takes rich
 * authorization requests with PAR (and CIBA), never on a plain `/authorize` — and is well-formed
 * within the page's limits (../authorization-details.ts). Which types the API allows is a lookup
 * check (authorization-details-types.ts).
 */
import { AuthorizationDetailsError, parseAuthorizationDetails } from '../authorization-details.js';
import type { RequestCheck } from './check.js';

export const authorizationDetailsShape: RequestCheck = {
  name: 'authorization-details-shape',
  endpoints: ['authorize', 'par'],
  check({ params, pushedRequest, fail }) {
    const raw = params.authorization_details;
    if (raw === undefined) return;
    if (!pushedRequest) throw fail('invalid_request', 'authorization_details is only accepted in a pushed authorization request (POST /oauth/par).');
    try {
      parseAuthorizationDetails(raw);
    } catch (error) {
      if (error instanceof AuthorizationDetailsError) throw fail(error.error, error.description);
      throw error;
    }
  },
};
