/**
 * `grant_type=client_credentials`: a machine-to-machine token for an API the application is
 * authorised for by a client grant (domain/oidc/client-credentials.ts), with Auth0's errors for each
 * way that can fail.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { issueClientToken } from '../../../domain/oidc/client-credentials.js';
import { AuthApiError } from '../../../http/errors.js';
import { tokenGrant, type GrantParams, type GrantResult } from './grant.js';
import { certificateBinding } from '../../client-certificate.js';

export const clientCredentialsGrant = tokenGrant({
  grantType: 'client_credentials',
  advertised: true,
  params: { required: [], optional: ['audience', 'scope'] },
  firstPartyOnly: false,
  logs: { success: 'seccft', failure: 'feccft' },
  handle: issueToken,
});

async function issueToken(services: Services, request: FastifyRequest, params: GrantParams<never, 'audience' | 'scope'>, client: Client): Promise<GrantResult> {
  const outcome = await issueClientToken(services, request.tenant, { client, audience: params.audience, scope: params.scope, issuer: request.issuer, ...certificateBinding(request) });
  if (!outcome.ok) {
    // A required certificate binding without a certificate is a malformed request (certificate-binding.ts).
    if (outcome.reason === 'proof_of_possession_required') throw new AuthApiError(400, 'invalid_request', outcome.description);
    // Every other refusal is Auth0's `access_denied` (403), with the description saying which one.
    throw new AuthApiError(403, 'access_denied', outcome.description);
  }
  return { response: outcome.token, audience: outcome.audience, scope: outcome.scope };
}
