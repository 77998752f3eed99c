/**
 * The shape of an authorization-request check. A check judges one aspect of the request and throws
 * when it fails; it never builds the request (the parse in ../authorization-request.ts does, once
 * every check has passed). Each check says which endpoints it applies to, and `index.ts` lists the
 * checks in the order they run: the first one that fails decides the error.
 *
 * Three stages, because where an error may go depends on what is verified so far:
 * - client checks run before the client and redirect_uri are trusted: they throw
 *   AuthorizationPageError (an error page, never a redirect);
 * - request checks run on a request whose redirect_uri is verified: they throw `request.fail(…)`,
 *   an AuthorizationRedirectError back to the application;
 * - lookup checks are request checks that need the tenant's data (an API by audience); they run
 *   after the others, with the parsed request.
 */
import type { Client } from '../../clients/client.js';
import type { AuthorizationRedirectError } from '../authorization-errors.js';
import type { AuthorizationRequest, ResponseMode } from '../authorization-request.js';
import type { TenantFeatures } from '../../tenants/features.js';
import type { UrlPlaceholders } from '../../clients/url-rules.js';
import type { ResourceServer } from '../../resource-servers/resource-server.js';

/**
 * Endpoints that take an authorization request: `authorize` (with the magic-link and cross-origin
 * continuations of it, and the pushed requests it takes back) and `par` (RFC 9126, auth-api/par.ts,
 * which answers the page/redirect errors as JSON) run the checks today; `device` (RFC 8628) and
 * `ciba` (OpenID CIBA) are marked so that each new endpoint picks up the checks that apply to it.
 */
export type AuthorizationEndpoint = 'authorize' | 'par' | 'device' | 'ciba';

interface CheckBase {
  /** For lists, logs and tests: the file name without its extension. */
  readonly name: string;
  readonly endpoints: readonly AuthorizationEndpoint[];
}

/** What the client stage sees: the raw parameters and the client named by client_id, if any. */
export interface ClientStage {
  readonly params: Readonly<Record<string, string>>;
  readonly client: Client | null;
  /** What placeholders in the application's URLs stand for on the host the request came on. */
  readonly placeholders: UrlPlaceholders;
  /** The parameters are a pushed request's, taken back with its request_uri (RFC 9126). */
  readonly pushed?: boolean;
  /** The parameters came from a verified request object (RFC 9101), here or when they were pushed. */
  readonly signed?: boolean;
}

export interface ClientCheck extends CheckBase {
  /** Throws AuthorizationPageError. */
  check(stage: ClientStage): void;
}

/**
 * A request whose client and redirect_uri are verified, read but not yet judged: the values every
 * check shares are derived once here (response types, the effective response mode, scope, prompt).
 */
export interface RequestDraft {
  readonly params: Readonly<Record<string, string>>;
  readonly client: Client;
  readonly redirectUri: string;
  /** What placeholders in the application's URLs stand for on the host the request came on. */
  readonly placeholders: UrlPlaceholders;
  /** What the tenant offers (domain/tenants/features.ts): the lists discovery advertises are the ones checked. */
  readonly features: TenantFeatures;
  /** response_type's parts in canonical order (`code id_token token`); '' when absent. */
  readonly responseType: string;
  readonly responseTypes: AuthorizationRequest['responseTypes'];
  /** token or id_token is asked for: the answer carries tokens (implicit or hybrid flow). */
  readonly implicitOrHybrid: boolean;
  /** response_mode as sent, valid or not. */
  readonly requestedMode: string | undefined;
  /** The mode errors and the answer are sent in: the requested one if valid, else the response type's default. */
  readonly responseMode: ResponseMode;
  readonly scope: readonly string[];
  readonly prompt: ReadonlySet<string>;
  /** The parameters were pushed (RFC 9126): being judged at /oauth/par, or taken back with their request_uri. */
  readonly pushedRequest: boolean;
  /** An error for the application, at the verified redirect_uri, in `responseMode`, with `state`. */
  fail(error: string, description: string): AuthorizationRedirectError;
}

export interface RequestCheck extends CheckBase {
  /** Throws `draft.fail(…)`. */
  check(draft: RequestDraft): void;
}

/** The tenant's data a lookup check may consult, given by the caller (the domain does not reach for services). */
export interface AuthorizationLookups {
  /** Whether `audience` is the identifier of one of the tenant's APIs. */
  apiExists(audience: string): Promise<boolean>;
  /** The API `audience` names, if any. */
  api(audience: string): Promise<ResourceServer | null>;
  /** The `authorization_details_types` of the application's user client grant for the API; null without a grant. */
  userGrantDetailsTypes(clientId: string, identifier: string): Promise<readonly string[] | null>;
}

export interface LookupCheck extends CheckBase {
  /** Throws `fail(…)` (an AuthorizationRedirectError to the request's redirect_uri). */
  check(request: AuthorizationRequest, lookups: AuthorizationLookups, fail: RequestDraft['fail']): Promise<void>;
}
