/**
 * The authorization-request checks, in the order they run. The order is part of the behaviour:
 * the first check that fails decides the error — an error page or a redirect, its code and its
 * text — so keep it, and place a new check where its error should win over the later ones.
 *
 * Adding a check: one file in this folder exporting a ClientCheck, RequestCheck or LookupCheck
 * (see check.ts) with the endpoints it applies to, and its place in one of the lists below.
 * test/unit/authorization-checks.test.ts pins today's outcomes over a large matrix of requests.
 */
import type { AuthorizationRequest } from '../authorization-request.js';
import type { AuthorizationEndpoint, AuthorizationLookups, ClientCheck, ClientStage, LookupCheck, RequestCheck, RequestDraft } from './check.js';
import { clientKnown } from './client-known.js';
import { signedRequestRequired } from './signed-request-required.js';
import { pushedRequestRequired } from './pushed-request-required.js';
import { noWildcardCallbacks } from './no-wildcard-callbacks.js';
import { redirectUriRegistered } from './redirect-uri-registered.js';
import { webMessageOrigin } from './web-message-origin.js';
import { responseTypeSupported } from './response-type-supported.js';
import { responseModeSupported } from './response-mode-supported.js';
import { noTokensInQuery } from './no-tokens-in-query.js';
import { responseTypeAllowedForClient } from './response-type-allowed-for-client.js';
import { openidScopeForIdToken } from './openid-scope-for-id-token.js';
import { nonceForIdToken } from './nonce-for-id-token.js';
import { promptSupported } from './prompt-supported.js';
import { maxAge } from './max-age.js';
import { pkce } from './pkce.js';
import { complianceProfile } from './compliance-profile.js';
import { scopeRequired } from './scope-required.js';
import { requestedAcr } from './requested-acr.js';
import { audienceIsAnApi } from './audience-is-an-api.js';
import { authorizationDetailsShape } from './authorization-details-shape.js';
import { authorizationDetailsTypes } from './authorization-details-types.js';

export type { AuthorizationEndpoint, AuthorizationLookups, ClientCheck, LookupCheck, RequestCheck, RequestDraft } from './check.js';
export { readRequest } from './read-request.js';
export { pkceMethodOf } from './pkce.js';

/** Before the redirect_uri is trusted: every failure is an error page. */
export const CLIENT_CHECKS: readonly ClientCheck[] = [clientKnown, pushedRequestRequired, signedRequestRequired, noWildcardCallbacks, redirectUriRegistered];

/** With a verified redirect_uri: failures go back to the application. */
export const REQUEST_CHECKS: readonly RequestCheck[] = [
  webMessageOrigin,
  responseTypeSupported,
  responseModeSupported,
  noTokensInQuery,
  complianceProfile,
  scopeRequired,
  responseTypeAllowedForClient,
  openidScopeForIdToken,
  nonceForIdToken,
  promptSupported,
  maxAge,
  pkce,
  requestedAcr,
  authorizationDetailsShape,
];

/** On the parsed request, against the tenant's data. */
export const LOOKUP_CHECKS: readonly LookupCheck[] = [audienceIsAnApi, authorizationDetailsTypes];

/** The checks of `list` that apply to `endpoint`, in order. */
export function checksFor<T extends { endpoints: readonly AuthorizationEndpoint[] }>(list: readonly T[], endpoint: AuthorizationEndpoint): readonly T[] {
  return list.filter((check) => check.endpoints.includes(endpoint));
}

const ENDPOINTS: readonly AuthorizationEndpoint[] = ['authorize', 'par', 'device', 'ciba'];
/** Filtered once: the lists are fixed at load. */
const perEndpoint = <T extends { endpoints: readonly AuthorizationEndpoint[] }>(list: readonly T[]) =>
  new Map(ENDPOINTS.map((endpoint) => [endpoint, checksFor(list, endpoint)]));
const clientChecks = perEndpoint(CLIENT_CHECKS);
const requestChecks = perEndpoint(REQUEST_CHECKS);
const lookupChecks = perEndpoint(LOOKUP_CHECKS);

export function runClientChecks(endpoint: AuthorizationEndpoint, stage: ClientStage): void {
  for (const check of clientChecks.get(endpoint) ?? []) check.check(stage);
}

export function runRequestChecks(endpoint: AuthorizationEndpoint, draft: RequestDraft): void {
  for (const check of requestChecks.get(endpoint) ?? []) check.check(draft);
}

export async function runLookupChecks(
  endpoint: AuthorizationEndpoint,
  request: AuthorizationRequest,
  lookups: AuthorizationLookups,
  fail: RequestDraft['fail'],
): Promise<void> {
  for (const check of lookupChecks.get(endpoint) ?? []) await check.check(request, lookups, fail);
}
