/**
 * Every `authorization_details` entry's type is registered on the audience's API and allowed to
 * the application by the API's user access policy (../authorization-details.ts): details need an
 * audience. Runs after audience-is-an-api, so the API exists.
 */
import { AuthorizationDetailsError, INVALID_AUTHORIZATION_DETAILS, allowedDetailsTypes, checkDetailsTypes } from '../authorization-details.js';
import type { LookupCheck } from './check.js';

export const authorizationDetailsTypes: LookupCheck = {
  name: 'authorization-details-types',
  endpoints: ['authorize', 'par', 'ciba'],
  async check(request, lookups, fail) {
    const details = request.authorizationDetails;
    if (!details) return;
    const api = request.audience ? await lookups.api(request.audience) : null;
    if (!api) throw fail(INVALID_AUTHORIZATION_DETAILS, 'authorization_details: an audience is required, the API whose registered types they use.');
    try {
      const grantTypes = api.subject_type_authorization.user.policy === 'require_client_grant' ? await lookups.userGrantDetailsTypes(request.clientId, api.identifier) : null;
      checkDetailsTypes(details, api, allowedDetailsTypes(api, grantTypes));
    } catch (error) {
      if (error instanceof AuthorizationDetailsError) throw fail(error.error, error.description);
      throw error;
    }
  },
};
