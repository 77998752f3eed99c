/**
 * Who is calling `POST /passwordless/start` (Auth0: "Migrate to Passwordless Endpoint from
 * Confidential Applications"):
 *
 * - `secret`: the client authenticated like at the token endpoint, with any method that proves
 *   its identity (client-auth/: client_secret in the body or a Basic header, compared in constant
 *   time); only then is `auth0-forwarded-for` believed;
 * - `login_page`: a confidential client's call that forwards the `state` of one of its live hosted
 *   login interactions — the hosted page cannot hold a secret, the interaction vouches for it;
 * - `public`: SPA and native apps (`token_endpoint_auth_method: none`), which have no secret and
 *   are not affected;
 * - `unauthenticated`: a confidential client that did neither. Rejected when the tenant enforces
 *   client authentication (`flags.enforce_client_authentication_on_passwordless_start`);
 *   otherwise allowed with a deprecation notice in the tenant logs.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { Interaction } from '../../domain/interactions/interaction.js';
import { authenticateClient, presentedMethod } from '../client-auth/authenticate-client.js';
import { credentialsOf } from '../client-auth/credentials.js';
import { clientAuthMethods } from '../client-auth/registry.js';
import { tenantFeatures } from '../../domain/tenants/features.js';
import { AuthApiError } from '../../http/errors.js';
import { startError, type StartParams } from './start-request.js';
import { complianceProfileOf } from '../../domain/clients/compliance-levels.js';

export type StartCaller = 'secret' | 'login_page' | 'public' | 'unauthenticated';

export const DEPRECATION_DESCRIPTION = 'Enforce client authentication for passwordless connections';

export interface Caller {
  client: Client;
  caller: StartCaller;
  /** For `login_page`: the hosted login interaction whose `state` was forwarded. */
  interaction?: Interaction;
}

export async function identifyCaller(services: Services, request: FastifyRequest, params: StartParams): Promise<Caller> {
  const tenant = request.tenant;
  // Every method of the token endpoint (client-auth/): a secret, a client assertion (private_key_jwt).
  const credentials = { client_id: params.client_id, client_secret: params.client_secret, client_assertion: params.client_assertion, client_assertion_type: params.client_assertion_type };
  if (presentedMethod(tenantFeatures(tenant.settings), credentialsOf(request, credentials)).authenticates) {
    const { client } = await authenticateClient(services, request, credentials);
    return { client, caller: 'secret' };
  }
  if (!params.client_id) throw startError('bad.client_id', 'Missing required property: client_id');
  const client = await services.clients.find(tenant.id, tenant.name, params.client_id);
  // The same answer as the token endpoint for an unknown client: ids are not confirmed or denied.
  if (!client) throw new AuthApiError(401, 'invalid_client', 'Client authentication failed.');
  if (client.token_endpoint_auth_method === 'none') return { client, caller: 'public' };
  // A client registered for mutual TLS proves itself with its certificate (client_id alone, as at the token endpoint).
  if (clientAuthMethods(tenantFeatures(tenant.settings)).some((method) => method.registeredFor?.(client))) {
    await authenticateClient(services, request, credentials);
    return { client, caller: 'secret' };
  }
  // A FAPI application authenticates at every endpoint that names it (its profile's method), whatever
  // the tenant's passwordless migration flag says; nobody else may send codes in its name.
  if (complianceProfileOf(client)) {
    await authenticateClient(services, request, credentials);
    return { client, caller: 'secret' };
  }

  for (const state of [params.state, params.authParams.state]) {
    if (!state || state.length > 512) continue;
    const interaction = await services.interactions.forwardedLogin(tenant.id, state, client.client_id);
    if (interaction) return { client, caller: 'login_page', interaction };
  }
  return { client, caller: 'unauthenticated' };
}
