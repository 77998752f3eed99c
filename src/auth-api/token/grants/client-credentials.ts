/**
 * `grant_type=client_credentials`: a machine-to-machine token for an API the application is
 * authorised for by a client grant, with Auth0's errors for each way that can fail.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { mintAccessToken } from '../../../domain/tokens/access-token.js';
import { secondsAt } from '../../../domain/clock.js';
import { AuthApiError } from '../../../http/errors.js';
import { tokenGrant, type GrantParams, type GrantResult } from './grant.js';

export interface TokenResponse {
  access_token: string;
  scope?: string;
  expires_in: number;
  token_type: 'Bearer';
}

export const clientCredentialsGrant = tokenGrant({
  grantType: 'client_credentials',
  advertised: true,
  params: { required: [], optional: ['audience', 'scope'] },
  firstPartyOnly: false,
  logs: { success: 'seccft', failure: 'feccft' },
  handle: issueClientToken,
});

async function issueClientToken(services: Services, request: FastifyRequest, params: GrantParams<never, 'audience' | 'scope'>, client: Client): Promise<GrantResult> {
  const tenant = request.tenant;
  const audience = params.audience || tenant.settings.default_audience;
  if (!audience) throw new AuthApiError(403, 'access_denied', 'No audience parameter was provided, and no default audience has been configured');

  // Every alias of the Management API (any host of the tenant, any port) resolves to the system API.
  const api = await services.resourceServers.findByAudience(tenant.id, audience);
  if (!api) throw new AuthApiError(403, 'access_denied', `Service not enabled within domain: ${audience}`);
  if (api.subject_type_authorization.client.policy === 'deny_all') throw notAuthorized(audience);

  const grant = await services.clientGrants.findFor(tenant.id, client.client_id, api.identifier, 'client');
  if (!grant) throw notAuthorized(audience);
  const allowed = grant.allow_all_scopes ? api.scopes.map((s) => s.value) : grant.scope;
  const scopes = requestedScopes(params.scope, allowed);

  const now = secondsAt(services.clock);
  const ring = await services.keys.keyRing(tenant.id);
  const accessToken = mintAccessToken(api, ring, {
    issuer: request.issuer,
    subject: `${client.client_id}@clients`,
    audience,
    clientId: client.client_id,
    scopes,
    grantType: 'client-credentials',
    lifetimeSeconds: api.token_lifetime,
    now,
  });
  const scope = scopes.join(' ');
  const response: TokenResponse = { access_token: accessToken, ...(scope ? { scope } : {}), expires_in: api.token_lifetime, token_type: 'Bearer' };
  return { response, audience, scope };
}

function notAuthorized(audience: string): AuthApiError {
  return new AuthApiError(
    403,
    'access_denied',
    `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
  );
}

/** No `scope` parameter means every granted scope; asking for one that was not granted is refused. */
function requestedScopes(scopeParam: string | undefined, allowed: string[]): string[] {
  if (scopeParam === undefined || scopeParam.trim() === '') return allowed;
  const requested = [...new Set(scopeParam.split(' ').filter(Boolean))];
  const allowedSet = new Set(allowed);
  const missing = requested.filter((s) => !allowedSet.has(s));
  if (missing.length) throw new AuthApiError(403, 'access_denied', `Client has not been granted scopes: ${missing.join(', ')}`);
  return requested;
}
