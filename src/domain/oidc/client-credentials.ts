/**
 * A machine-to-machine access token (the client_credentials grant) for an API the application is
 * authorised for by a client grant. The token endpoint's grant and the control API's "test token"
 * (the dashboard's API Test tab) both mint through here, so the rule that a client grant must
 * authorise the application, and the scopes it allows, live in one place and neither imports the other.
 */
import type { Services } from '../services.js';
import type { Client } from '../clients/client.js';
import type { ResourceServer } from '../resource-servers/resource-server.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { mintAccessToken } from '../tokens/access-token.js';
import { secondsAt } from '../clock.js';
import { ProofOfPossessionRequired, bindingFor } from '../tokens/certificate-binding.js';

export interface ClientToken {
  access_token: string;
  scope?: string;
  expires_in: number;
  token_type: 'Bearer';
}

export interface ClientTokenRequest {
  client: Client;
  /** The API's identifier as the caller named it (any alias of the Management API resolves to it). */
  audience: string | undefined;
  /** Space-separated; absent or blank means every scope the grant allows. */
  scope: string | undefined;
  /** The tenant's issuer for this request (`{origin}/`). */
  issuer: string;
  /** The `x5t#S256` of the client certificate the request presented, if any (certificate-binding.ts). */
  certificateThumbprint?: string;
}

/** Why no token is issued, with the description the token endpoint answers (as `access_denied`, 403). */
export type ClientTokenProblem =
  | { reason: 'no_audience'; description: string }
  | { reason: 'unknown_api'; description: string }
  | { reason: 'not_authorized'; description: string }
  | { reason: 'scope_not_granted'; description: string }
  | { reason: 'proof_of_possession_required'; description: string };

export type ClientTokenOutcome = { ok: true; token: ClientToken; api: ResourceServer; audience: string; scope: string } | ({ ok: false } & ClientTokenProblem);

export async function issueClientToken(services: Services, tenant: Tenant, request: ClientTokenRequest): Promise<ClientTokenOutcome> {
  const audience = request.audience || tenant.settings.default_audience;
  if (!audience) return { ok: false, reason: 'no_audience', description: 'No audience parameter was provided, and no default audience has been configured' };

  const api = await services.resourceServers.findByAudience(tenant.id, audience);
  if (!api) return { ok: false, reason: 'unknown_api', description: `Service not enabled within domain: ${audience}` };
  if (api.subject_type_authorization.client.policy === 'deny_all') return notAuthorized(audience);

  const grant = await services.clientGrants.findFor(tenant.id, request.client.client_id, api.identifier, 'client');
  if (!grant) return notAuthorized(audience);
  const allowed = grant.allow_all_scopes ? api.scopes.map((s) => s.value) : grant.scope;
  const scopes = requestedScopes(request.scope, allowed);
  if (!Array.isArray(scopes)) return scopes;

  let thumbprint: string | undefined;
  try {
    thumbprint = bindingFor(request.client, api, request.certificateThumbprint);
  } catch (error) {
    if (error instanceof ProofOfPossessionRequired) return { ok: false, reason: 'proof_of_possession_required', description: error.message };
    throw error;
  }

  const now = secondsAt(services.clock);
  const ring = await services.keys.keyRing(tenant.id);
  const accessToken = mintAccessToken(api, ring, {
    issuer: request.issuer,
    subject: `${request.client.client_id}@clients`,
    audience,
    clientId: request.client.client_id,
    scopes,
    grantType: 'client-credentials',
    lifetimeSeconds: api.token_lifetime,
    now,
    ...(thumbprint ? { certificateThumbprint: thumbprint } : {}),
  });
  const scope = scopes.join(' ');
  const token: ClientToken = { access_token: accessToken, ...(scope ? { scope } : {}), expires_in: api.token_lifetime, token_type: 'Bearer' };
  return { ok: true, token, api, audience, scope };
}

function notAuthorized(audience: string): { ok: false } & ClientTokenProblem {
  return {
    ok: false,
    reason: 'not_authorized',
    description: `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
  };
}

/** No `scope` parameter means every granted scope; asking for one that was not granted is refused. */
function requestedScopes(scopeParam: string | undefined, allowed: string[]): string[] | ({ ok: false } & ClientTokenProblem) {
  if (scopeParam === undefined || scopeParam.trim() === '') return allowed;
  const requested = [...new Set(scopeParam.split(' ').filter(Boolean))];
  const allowedSet = new Set(allowed);
  const missing = requested.filter((s) => !allowedSet.has(s));
  if (missing.length) return { ok: false, reason: 'scope_not_granted', description: `Client has not been granted scopes: ${missing.join(', ')}` };
  return requested;
}
