/**
 * A grant in the registry (registry.ts): the `grant_type` it answers to, the parameters it reads,
 * the applications it allows, its Auth0 log types, and whether discovery advertises it. The token
 * endpoint authenticates the client and checks the application lists the grant type; the grant
 * then checks its own declarations, in this order, before its handler runs: the applications it
 * allows (`firstPartyOnly`), then each required parameter in its declared order.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/services.js';
import type { Client } from '../../../domain/clients/client.js';
import type { BooleanFeature } from '../../../domain/tenants/features.js';
import { AuthApiError } from '../../../http/errors.js';
import { requiredParam, type TokenParams } from '../token-request.js';

/** What a grant handler returns to the token endpoint: the response body and what to log. */
export interface GrantResult {
  response: object;
  audience?: string;
  scope?: string;
  userId?: string;
}

/** The parameters a handler may read: its required ones (present, non-empty) and its optional ones. */
export type GrantParams<Required extends string, Optional extends string> = { readonly [K in Required]: string } & { readonly [K in Optional]?: string };

interface GrantDeclaration {
  /** The `grant_type` value (RFC 6749 §4, or an Auth0 / extension URI). */
  readonly grantType: string;
  /** Listed in discovery's `grant_types_supported` (Auth0 does not list some it serves, e.g. passwordless/otp). */
  readonly advertised: boolean;
  /** When set, the grant exists only for tenants with this feature on (TenantFeatures). */
  readonly feature?: BooleanFeature;
}

/** A grant served by the token endpoint. */
export interface TokenGrant extends GrantDeclaration {
  readonly endpoint: 'token';
  readonly params: { readonly required: readonly string[]; readonly optional: readonly string[] };
  /** Only trusted first-party applications (docs: "Trusted first-party apps"). */
  readonly firstPartyOnly: boolean;
  /** Auth0 log event types for the outcome. */
  readonly logs: { readonly success: string; readonly failure: string };
  /** Checks the declarations above, then runs the grant. */
  run(services: Services, request: FastifyRequest, params: TokenParams, client: Client): Promise<GrantResult>;
}

/**
 * A grant whose flow runs at `/authorize` (the implicit grant): declared for discovery and for
 * applications' `grant_types`; the token endpoint answers it `unsupported_grant_type`.
 */
export interface AuthorizeGrant extends GrantDeclaration {
  readonly endpoint: 'authorize';
}

export type Grant = TokenGrant | AuthorizeGrant;

export interface TokenGrantDefinition<Required extends string, Optional extends string> {
  grantType: string;
  advertised: boolean;
  feature?: BooleanFeature;
  params: { required: readonly Required[]; optional: readonly Optional[] };
  firstPartyOnly: boolean;
  logs: { success: string; failure: string };
  handle(services: Services, request: FastifyRequest, params: GrantParams<Required, Optional>, client: Client): Promise<GrantResult>;
}

/** A token endpoint grant from its declaration: `run` enforces what it declares, and the handler sees only declared parameters. */
export function tokenGrant<const Required extends string, const Optional extends string>(definition: TokenGrantDefinition<Required, Optional>): TokenGrant {
  const { handle, ...declaration } = definition;
  return {
    ...declaration,
    endpoint: 'token',
    async run(services, request, params, client) {
      if (definition.firstPartyOnly && !client.is_first_party) {
        // Management API rules keep these grants off third-party applications; a later ownership change must not reopen them.
        throw grantNotAllowed(definition.grantType);
      }
      assertRequiredParams<Required, Optional>(params, definition.params.required);
      return handle(services, request, params, client);
    },
  };
}

/** Auth0's answer when an application may not use a grant type. */
export function grantNotAllowed(grantType: string): AuthApiError {
  return new AuthApiError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`, { error_uri: 'https://auth0.com/docs/clients/client-grant-types' });
}

/**
 * A polling grant's "not yet" answer (authorization_pending, slow_down): an ordinary answer of a
 * client that polls as told, so it is not logged as a failed exchange (the device flow and CIBA).
 */
export function pollingAnswer(status: number, error: string, description: string, headers: Record<string, string> = {}): AuthApiError {
  const answer = new AuthApiError(status, error, description, {}, headers);
  answer.unlogged = true;
  return answer;
}

/** Each required parameter in order (the first missing one is the error); narrows `params` for the handler. */
function assertRequiredParams<Required extends string, Optional extends string>(
  params: TokenParams,
  required: readonly Required[],
): asserts params is TokenParams & GrantParams<Required, Optional> {
  for (const name of required) requiredParam(params, name);
}
