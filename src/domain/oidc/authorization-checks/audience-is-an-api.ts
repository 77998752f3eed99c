/**
 * The audience (given, or the tenant's default) names one of the tenant's APIs. A lookup check: it
 * reads the tenant's data, so it runs after the others, on the parsed request.
 */
import type { LookupCheck } from './check.js';

export const audienceIsAnApi: LookupCheck = {
  name: 'audience-is-an-api',
  endpoints: ['authorize', 'par', 'device', 'ciba'],
  async check(request, lookups, fail) {
    if (request.audience && !(await lookups.apiExists(request.audience))) throw fail('access_denied', `Service not found: ${request.audience}`);
  },
};
