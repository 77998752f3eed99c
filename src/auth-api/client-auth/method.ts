/**
 * A client authentication method (RFC 6749 §2.3, OIDC Core §9, RFC 8705): how a request at the
 * token endpoint (and revoke, passwordless start, and every later endpoint that authenticates
 * clients) proves which application is calling. Each method lives in its own file under methods/
 * and is listed once in registry.ts; authenticate-client.ts runs them:
 *
 * 1. not applicable: `presented` is false, the request carries none of this method's credentials;
 * 2. the client the credentials name (`clientId`), looked up in the request's tenant only;
 * 3. `authenticate` answers `authenticated` or `failed` for that client.
 *
 * Every failure is the same `401 invalid_client` (with the method's challenge header), so the
 * answer never tells an unknown client apart from a wrong credential.
 */
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { Tenant } from '../../domain/tenants/tenant-service.js';
import type { BooleanFeature } from '../../domain/tenants/features.js';
import type { ClientCredentials } from './credentials.js';

/** What a method may consult besides the credentials and the client: e.g. a replay store, or the issuer an assertion's `aud` must name. */
export interface ClientAuthContext {
  readonly services: Services;
  readonly tenant: Tenant;
  readonly issuer: string;
  /**
   * Another audience a client assertion may name besides the issuer and the token endpoint: the URL
   * of the endpoint called, where its protocol says so (RFC 9126 §2: the PAR endpoint).
   */
  readonly endpointAudience?: string;
  /** A client assertion's `aud` must be exactly the issuer (a FAPI 2.0 compliance level, domain/clients/compliance-levels.ts). */
  readonly issuerAudienceOnly?: boolean;
}

export type ClientAuthOutcome = 'authenticated' | 'failed';

export interface ClientAuthMethod {
  /** The method's name in `token_endpoint_auth_method` and in discovery. */
  readonly name: string;
  /**
   * False only for `none`: the client names itself and proves nothing. `none` is used when no
   * method that authenticates is presented; two of those in one request are refused (RFC 6749
   * §2.3: a client must not use more than one method per request).
   */
  readonly authenticates: boolean;
  /** How a request presents it, for the error that refuses two methods at once (e.g. "Basic header"). */
  readonly presentedAs: string;
  /** The header of its 401 answers (RFC 6749 §5.2: `WWW-Authenticate` when the client used HTTP authentication). */
  readonly challenge?: string;
  /** When set, the method exists only for tenants with this feature on (TenantFeatures). */
  readonly feature?: BooleanFeature;
  /** Whether the request carries this method's credentials. */
  presented(credentials: ClientCredentials): boolean;
  /**
   * For the mutual-TLS methods, whose credential (the TLS client certificate) is no request
   * parameter and may accompany any request: they apply when the request presents no other method
   * (it names its client with `client_id` alone) and the client is registered for them.
   */
  registeredFor?(client: Client): boolean;
  /** The client_id the credentials name; throws the protocol error for malformed credentials. */
  clientId(credentials: ClientCredentials): string;
  /** Checks the credentials against the client's record. */
  authenticate(credentials: ClientCredentials, client: Client, context: ClientAuthContext): ClientAuthOutcome | Promise<ClientAuthOutcome>;
}
