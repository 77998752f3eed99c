/**
 * Reads a request whose client and redirect_uri are verified into the draft every request check
 * judges. Nothing here refuses anything: an unsupported response_mode still yields the response
 * type's default mode, so that the error saying so reaches the application in a mode it can read.
 */
import type { Client } from '../../clients/client.js';
import { AuthorizationRedirectError, type RedirectTarget } from '../authorization-errors.js';
import type { AuthorizationRequest, ResponseMode } from '../authorization-request.js';
import type { TenantFeatures } from '../../tenants/features.js';
import { NO_PLACEHOLDERS, type UrlPlaceholders } from '../../clients/url-rules.js';
import type { RequestDraft } from './check.js';

export function readRequest(
  params: Readonly<Record<string, string>>,
  client: Client,
  redirectUri: string,
  features: TenantFeatures,
  placeholders: UrlPlaceholders = NO_PLACEHOLDERS,
  pushedRequest = false,
): RequestDraft {
  const responseType = canonicalResponseType(params.response_type ?? '');
  const responseTypes = new Set(responseType.split(' ').filter(Boolean)) as AuthorizationRequest['responseTypes'];
  const implicitOrHybrid = responseTypes.has('token') || responseTypes.has('id_token');
  const requestedMode = params.response_mode;
  const responseMode = (requestedMode && features.responseModes.includes(requestedMode) ? requestedMode : implicitOrHybrid ? 'fragment' : 'query') as ResponseMode;
  const target: RedirectTarget = { redirectUri, responseMode, client, ...(params.state !== undefined ? { state: params.state } : {}) };
  return {
    params,
    client,
    redirectUri,
    placeholders,
    features,
    responseType,
    responseTypes,
    implicitOrHybrid,
    requestedMode,
    responseMode,
    scope: (params.scope ?? 'openid').split(' ').filter(Boolean),
    prompt: new Set((params.prompt ?? '').split(' ').filter(Boolean)),
    pushedRequest,
    fail: (error, description) => new AuthorizationRedirectError(error, description, target),
  };
}

const ORDER = ['code', 'id_token', 'token'];
function byResponseTypeOrder(a: string, b: string): number {
  return ORDER.indexOf(a) - ORDER.indexOf(b);
}

/** response_type's words in one order (`code id_token token`), so that any order of the same words compares equal. */
export const canonicalResponseType = (responseType: string): string => responseType.split(' ').filter(Boolean).sort(byResponseTypeOrder).join(' ');
