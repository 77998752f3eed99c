/**
 * `grant_type=authorization_code`: redeems a one-time code issued by `/authorize`, checking that
 * it was issued to this client for this redirect_uri, and the PKCE verifier. A code presented a
 * second time is refused and everything issued from it is revoked (RFC 6749 §4.1.2).
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import { hashSecret } from '../../../domain/secrets.js';
import { isoAt } from '../../../domain/clock.js';
import { checkCodeRedemption, type CodeGrant } from '../../../domain/oidc/code-grant.js';
import { AuthApiError } from '../../../http/errors.js';
import { tokenGrant, type GrantParams, type GrantResult } from './grant.js';
import { requireBindingFor } from '../../client-certificate.js';
import { issueUserGrantTokens } from './user-grant-tokens.js';

const invalidGrant = (description: string) => new AuthApiError(403, 'invalid_grant', description);

export const authorizationCodeGrant = tokenGrant({
  grantType: 'authorization_code',
  advertised: true,
  params: { required: ['code'], optional: ['redirect_uri', 'code_verifier'] },
  firstPartyOnly: false,
  logs: { success: 'seacft', failure: 'feacft' },
  handle: redeemCode,
});

async function redeemCode(services: Services, request: FastifyRequest, params: GrantParams<'code', 'redirect_uri' | 'code_verifier'>, client: Client): Promise<GrantResult> {
  const tenant = request.tenant;
  // The API is known only from the code: it is read without consuming it, so a request refused for
  // want of a required client certificate leaves the code redeemable by a retry over mutual TLS.
  // Only this client's live code is looked at; a consumed (replayed) one takes the replay path below,
  // which revokes what it issued, whatever the certificate.
  const pending = await services.ttl.get<CodeGrant>(tenant.id, 'authorization_code', params.code);
  if (pending && pending.clientId === client.client_id) await requireBindingFor(services, request, client, pending.audience);
  const redemption = await services.ttl.consume<CodeGrant>(tenant.id, 'authorization_code', params.code);
  if (redemption.status === 'replayed') {
    await services.storage.repos.refreshTokens.revokeWhere(tenant.id, { codeHash: hashSecret(params.code) }, isoAt(services.clock));
    throw invalidGrant('Invalid authorization code');
  }
  if (redemption.status === 'invalid') throw invalidGrant('Invalid authorization code');
  const grant = redemption.document;
  const check = checkCodeRedemption(grant, { clientId: client.client_id, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier });
  if (!check.ok) throw check.error === 'invalid_request' ? new AuthApiError(400, check.error, check.description) : invalidGrant(check.description);

  const user = await services.users.get(tenant.id, grant.userId).catch(() => undefined);
  if (!user || user.blocked) throw invalidGrant('The user is blocked or no longer exists');
  return issueUserGrantTokens(services, request, client, user, grant, { ...(grant.state !== undefined ? { state: grant.state } : {}), codeHash: hashSecret(params.code) });
}
