/**
 * An application with a FAPI compliance level names its scope: without one Tessera (as Auth0) would
 * assume `openid`, and the OpenID FAPI conformance tests expect such a request refused. Tessera's
 * built-in equivalent of the Action Auth0's certification page asks for ("require scope and
 * redirect_uri"; redirect_uri is required of every application by redirect-uri-registered). It reads
 * the level itself, not the profile table (domain/clients/compliance-levels.ts), because it holds for
 * every level, FAPI 1 and FAPI 2 alike.
 */
import type { RequestCheck } from './check.js';

export const scopeRequired: RequestCheck = {
  name: 'scope-required',
  endpoints: ['authorize', 'par'],
  check({ client, params, fail }) {
    // Read as stored: the Client type leaves the field to compliance-levels.ts, which reads it the same way.
    const level = (client as { compliance_level?: unknown }).compliance_level;
    if (typeof level !== 'string' || level === 'none') return;
    if (!params.scope || params.scope.split(' ').every((scope) => scope === '')) {
      throw fail('invalid_request', `Missing required parameter: scope (compliance_level ${level})`);
    }
  },
};
