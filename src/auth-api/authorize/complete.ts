/**
 * The end of an authorization: with a logged-in user in hand, decide the granted scopes, ask for
 * the user's consent when the application needs it, and answer the application with a code and/or
 * tokens in its response mode.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { User } from '../../domain/users/user.js';
import type { Session } from '../../domain/sessions/session-service.js';
import type { AuthorizationRequest } from '../../domain/oidc/authorization-request.js';
import { ApiAccessDenied, userApiAccess } from '../../domain/oidc/api-access.js';
import { OIDC_SCOPES } from '../../domain/oidc/user-claims.js';
import { mintUserTokens, type UserGrant } from '../../domain/oidc/user-tokens.js';
import { ProofOfPossessionRequired } from '../../domain/tokens/certificate-binding.js';
import type { CodeGrant } from '../../domain/oidc/code-grant.js';
import type { AuthorizationDetail } from '../../domain/oidc/authorization-details.js';
import { complianceProfileOf } from '../../domain/clients/compliance-levels.js';
import { deliver } from './response-modes.js';
import { askConsent } from './consent-question.js';

export const CODE_TTL_SECONDS = 600;

export async function completeAuthorization(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  client: Client,
  authorization: AuthorizationRequest,
  issuer: string,
  session: Session,
  user: User,
  /**
   * What the user has just consented to on the consent page: no second question, no more than these
   * scopes, and exactly these authorization details (RFC 9396), the only way details reach a grant.
   */
  consented?: { scope: readonly string[]; authorizationDetails?: AuthorizationDetail[] },
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const target = { redirectUri: authorization.redirectUri, responseMode: authorization.responseMode };
  const withState = (params: Record<string, string>) => (authorization.state !== undefined ? { ...params, state: authorization.state } : params);

  const oidcScopes = authorization.scope.filter((s) => OIDC_SCOPES.has(s));
  const grant: UserGrant = { clientId: client.client_id, userId: user.user_id, scope: oidcScopes, authTime: session.authTime, sid: session.sid };
  if (authorization.nonce !== undefined) grant.nonce = authorization.nonce;
  if (authorization.acr !== undefined) grant.acr = authorization.acr;
  let apiAllowsSkipping: boolean | undefined;
  let allowedDetailsTypes: ReadonlySet<string> = new Set();
  if (authorization.audience) {
    try {
      const access = await userApiAccess(services, tenant.id, client, user.user_id, authorization.audience, authorization.scope);
      grant.audience = access.api.identifier;
      apiAllowsSkipping = access.api.skip_consent_for_verifiable_first_party_clients;
      grant.scope = [...oidcScopes.filter((s) => s !== 'offline_access' || access.api.allow_offline_access), ...access.scopes];
      if (access.permissions && access.api.token_dialect.endsWith('_authz')) grant.permissions = access.permissions;
      allowedDetailsTypes = access.detailsTypes;
    } catch (error) {
      if (!(error instanceof ApiAccessDenied)) throw error;
      return deliver(reply, tenant, target, withState({ error: 'access_denied', error_description: error.message }), client);
    }
  }

  const details = authorization.authorizationDetails;
  // Judged at the push, judged again now: the API or the client grant may have dropped a type since
  // (the interaction lives up to an hour), and what is no longer allowed is never approved nor issued.
  if (details?.some((detail) => !allowedDetailsTypes.has(detail.type))) {
    return deliver(reply, tenant, target, withState({ error: 'access_denied', error_description: 'An authorization_details type is no longer allowed for this application and API' }), client);
  }
  if (consented) {
    grant.scope = grant.scope.filter((s) => consented.scope.includes(s));
    if (details && consented.authorizationDetails) grant.authorizationDetails = consented.authorizationDetails;
  } else {
    const consent = {
      userId: user.user_id,
      clientId: client.client_id,
      isFirstParty: client.is_first_party,
      audience: grant.audience ?? '',
      redirectUri: authorization.redirectUri,
      promptConsent: authorization.prompt.has('consent'),
      scope: grant.scope,
      ...(apiAllowsSkipping !== undefined ? { apiAllowsSkipping } : {}),
    };
    // Authorization details are a transaction (a payment, a transfer): with the standard consent
    // policy they are approved each time, never by a consent recorded earlier or a first-party skip.
    if (details || (await services.consent.decide(tenant.id, consent)) === 'ask') {
      if (authorization.prompt.has('none')) return deliver(reply, tenant, target, withState({ error: 'consent_required', error_description: 'Consent required' }), client);
      const question = { audience: consent.audience, scope: grant.scope, ...(details ? { authorizationDetails: details } : {}) };
      return askConsent(services, request, reply, { authorization, issuer, session, question });
    }
  }

  const params: Record<string, string> = {};
  let code: string | undefined;
  if (authorization.responseTypes.has('code')) {
    const codeGrant: CodeGrant = { ...grant, redirectUri: authorization.redirectUri };
    if (authorization.codeChallenge) {
      codeGrant.codeChallenge = authorization.codeChallenge;
      codeGrant.codeChallengeMethod = authorization.codeChallengeMethod ?? 'plain';
    }
    if (authorization.state !== undefined && complianceProfileOf(client)?.idTokenStateHash) codeGrant.state = authorization.state;
    code = await services.ttl.put(tenant.id, 'authorization_code', codeGrant, complianceProfileOf(client)?.codeLifetimeSeconds ?? CODE_TTL_SECONDS);
    params.code = code;
  }
  const wantsToken = authorization.responseTypes.has('token');
  const wantsIdToken = authorization.responseTypes.has('id_token');
  if (wantsToken || wantsIdToken) {
    let tokens;
    try {
      tokens = await mintUserTokens(services, tenant, issuer, client, user, grant, {
        accessToken: wantsToken,
        idToken: wantsIdToken,
        web: true,
        ...(code !== undefined ? { code } : {}),
        ...(authorization.state !== undefined ? { state: authorization.state } : {}),
      });
    } catch (error) {
      // A browser presents no client certificate: a token that must be certificate-bound cannot come from here.
      if (error instanceof ProofOfPossessionRequired) return deliver(reply, tenant, target, withState({ error: 'invalid_request', error_description: error.message }), client);
      throw error;
    }
    if (tokens.access_token) {
      params.access_token = tokens.access_token;
      params.token_type = 'Bearer';
      params.expires_in = String(tokens.expires_in);
      params.scope = tokens.scope;
    }
    if (tokens.id_token) params.id_token = tokens.id_token;
  }
  return deliver(reply, tenant, target, withState(params), client);
}
