/**
 * FAPI compliance levels of an application (`compliance_level`, Auth0 "Configure FAPI Compliance"):
 * what each supported profile requires and changes. This is the one place that knows the profiles:
 * every check that enforces a row of the docs' tables asks `complianceProfileOf(client)` for the
 * rule it enforces (docs/ARCHITECTURE.md "FAPI compliance levels" lists where each one is read).
 *
 * Two rows of the tables hold for every application already, so no flag here asks for them:
 * /userinfo reads the access token from the Authorization header only (auth-api/userinfo.ts), and
 * `redirect_uri` is required in every authorization request, pushed or not
 * (oidc/authorization-checks/redirect-uri-registered.ts).
 *
 * Both FAPI 1 Advanced levels (`fapi1_adv_pkj_par`, `fapi1_adv_mtls_par`) and both FAPI 2.0
 * Security Profile levels (`fapi2_sp_pkj_mtls`, `fapi2_sp_mtls_mtls`) are implemented.
 */
import { invalid } from '../errors.js';
import type { Client } from './client.js';
import { authenticationMethodsOf, requestObjectCredentialIds } from './authentication-methods.js';

export interface ComplianceProfile {
  readonly level: string;
  /** Pushed Authorization Requests are required, whatever require_pushed_authorization_requests says. */
  readonly requiresPushedRequests: boolean;
  /** PKCE with code_challenge_method S256 is required at /oauth/par and /authorize. */
  readonly requiresPkceS256: boolean;
  /** The only response types an authorization request may ask for. */
  readonly responseTypes: readonly string[];
  /** The only client authentication methods accepted at every endpoint that authenticates clients. */
  readonly clientAuthMethods: readonly string[];
  /**
   * The only grant types the application may hold: tokens for users come from an authorization
   * request (PAR, PKCE) only, never from a password or passwordless code sent to the token endpoint
   * (FAPI 2.0 forbids the password grant; RFC 9700 §2.4), nor from the implicit flow.
   */
  readonly grantTypes: readonly string[];
  /** A private_key_jwt assertion's `aud` must be exactly the issuer (not the token or PAR endpoint). */
  readonly assertionAudienceIsIssuer: boolean;
  /** Tokens are certificate-bound (RFC 8705): a token request without a client certificate is refused. */
  readonly senderConstrained: boolean;
  /** `updated_at` is a unix timestamp (OIDC Core §5.1), not Auth0's ISO string. */
  readonly numericUpdatedAt: boolean;
  /** RFC 9207's `iss` is returned in authorization responses even when the tenant setting is off. */
  readonly issInAuthorizationResponse: boolean;
  /** Maximum lifetime of an authorization code, in seconds; undefined keeps the default (CODE_TTL_SECONDS). */
  readonly codeLifetimeSeconds: number | undefined;
  /** Only the error codes the OAuth/OIDC specifications define (conformantErrorCode). */
  readonly standardErrorCodesOnly: boolean;
  /**
   * Every authorization request is a signed request object (JAR), as with
   * `signed_request_object.required`; the application needs request object credentials to be set.
   */
  readonly requiresSignedRequestObject: boolean;
  /** The only algorithms a request object may be signed with (the credential's alg must be one too); undefined: the credential's. */
  readonly requestObjectAlgs: readonly string[] | undefined;
  /** A request object must carry `nbf` (its limits, 60 minutes, hold for every request object). */
  readonly requestObjectNbfRequired: boolean;
  /** No `*` in `callbacks` (Management API on the merged application, and the client check at /authorize and /oauth/par). */
  readonly noWildcardCallbacks: boolean;
  /** ID tokens carry `s_hash` (the hash of `state`) when the request had a state: the ID token is a detached signature. */
  readonly idTokenStateHash: boolean;
  /** Token, userinfo and PAR answers carry `x-fapi-interaction-id` (FAPI 1 Baseline §6.2.1, auth-api/fapi-headers.ts). */
  readonly fapiInteractionId: boolean;
  /**
   * The only algorithms the application's ID tokens (`jwt_configuration.alg`) may use; undefined:
   * any but HS256, which no level allows (an ID token MACed with the client secret is no signature
   * a FAPI client can rely on, and the secret outlives a move to private_key_jwt or mTLS).
   */
  readonly idTokenAlgs: readonly string[] | undefined;
}

/**
 * The algorithms a private_key_jwt credential of an application with a level may hold (FAPI 1
 * Advanced §8.6, FAPI 2.0 Security Profile §5.4: PS256 or ES256, never RS256).
 */
export const COMPLIANT_ASSERTION_ALGS: readonly string[] = ['PS256', 'ES256'];

/** What the FAPI 1 rows add, off for FAPI 2.0. */
const NO_FAPI1_RULES = {
  requiresSignedRequestObject: false,
  requestObjectAlgs: undefined,
  requestObjectNbfRequired: false,
  noWildcardCallbacks: false,
  idTokenStateHash: false,
  fapiInteractionId: false,
  idTokenAlgs: undefined,
} as const;

const FAPI2_SECURITY_PROFILE = {
  requiresPushedRequests: true,
  requiresPkceS256: true,
  responseTypes: ['code'],
  grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
  senderConstrained: true,
  numericUpdatedAt: true,
  issInAuthorizationResponse: true,
  codeLifetimeSeconds: 60,
  standardErrorCodesOnly: true,
  ...NO_FAPI1_RULES,
} as const;

/**
 * FAPI 1 Advanced, as Auth0's table has it: PAR, PKCE S256, JAR signed with PS256 carrying nbf and
 * exp, no wildcard callbacks, the hybrid `code id_token` (its ID token a detached signature with
 * s_hash and c_hash; `implicit` is the grant behind the hybrid answer, so it is among the grant
 * types), x-fapi-interaction-id. The table does not list sender-constrained tokens, RFC 9207's iss
 * or the 60 s code for FAPI 1, so none of them is imposed (an application may still set
 * require_proof_of_possession).
 */
const FAPI1_ADVANCED = {
  requiresPushedRequests: true,
  requiresPkceS256: true,
  responseTypes: ['code id_token'],
  grantTypes: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
  assertionAudienceIsIssuer: false,
  senderConstrained: false,
  numericUpdatedAt: true,
  issInAuthorizationResponse: false,
  codeLifetimeSeconds: undefined,
  standardErrorCodesOnly: true,
  requiresSignedRequestObject: true,
  requestObjectAlgs: ['PS256'],
  requestObjectNbfRequired: true,
  noWildcardCallbacks: true,
  idTokenStateHash: true,
  fapiInteractionId: true,
  // FAPI 1 Advanced §8.6: PS256 or ES256; Tessera's ID tokens offer PS256 (and RS256, HS256).
  idTokenAlgs: ['PS256'],
} as const;

const MTLS_CLIENT_AUTH = ['tls_client_auth', 'self_signed_tls_client_auth'];

const PROFILES: Readonly<Record<string, ComplianceProfile>> = {
  fapi1_adv_pkj_par: { level: 'fapi1_adv_pkj_par', ...FAPI1_ADVANCED, clientAuthMethods: ['private_key_jwt'] },
  fapi1_adv_mtls_par: { level: 'fapi1_adv_mtls_par', ...FAPI1_ADVANCED, clientAuthMethods: MTLS_CLIENT_AUTH },
  fapi2_sp_pkj_mtls: { level: 'fapi2_sp_pkj_mtls', ...FAPI2_SECURITY_PROFILE, clientAuthMethods: ['private_key_jwt'], assertionAudienceIsIssuer: true },
  fapi2_sp_mtls_mtls: { level: 'fapi2_sp_mtls_mtls', ...FAPI2_SECURITY_PROFILE, clientAuthMethods: MTLS_CLIENT_AUTH, assertionAudienceIsIssuer: false },
};

/** The levels that enforce a profile (`none` and null enforce nothing). */
export const ENFORCED_COMPLIANCE_LEVELS = Object.keys(PROFILES);

/** The profile the application must comply with; undefined for none. */
export function complianceProfileOf(client: object | null | undefined): ComplianceProfile | undefined {
  const level = (client as { compliance_level?: unknown } | null | undefined)?.compliance_level;
  return typeof level === 'string' && Object.hasOwn(PROFILES, level) ? PROFILES[level] : undefined;
}

/**
 * On every create and update (the merged application): a compliance level needs the application
 * configured with its profile's authentication method, and no other, and only its grant types (so
 * that switching the method away or adding a password grant while the level is set is refused too).
 */
export function checkComplianceLevel(client: Client): void {
  const profile = complianceProfileOf(client);
  if (!profile) return;
  const configured = Object.keys(authenticationMethodsOf(client) ?? {});
  if (configured.length === 0 || configured.some((method) => !profile.clientAuthMethods.includes(method))) {
    throw invalid(
      `Payload validation error: 'compliance_level' ${profile.level} requires the application to authenticate with ${profile.clientAuthMethods.join(' or ')} only (client_authentication_methods).`,
    );
  }
  const outside = client.grant_types.filter((grant) => !profile.grantTypes.includes(grant));
  if (outside.length > 0) {
    throw invalid(`Payload validation error: 'compliance_level' ${profile.level} allows only the grant_types ${profile.grantTypes.join(', ')} (not ${outside.join(', ')}).`);
  }
  if (profile.requiresSignedRequestObject && requestObjectCredentialIds(client).length === 0) {
    throw invalid(
      `Payload validation error: 'compliance_level' ${profile.level} requires signed request objects: set 'signed_request_object' with at least one credential${profile.requestObjectAlgs ? ` (alg ${profile.requestObjectAlgs.join(' or ')})` : ''}.`,
    );
  }
  if (profile.noWildcardCallbacks && client.callbacks.some(hasWildcard)) {
    throw invalid(`Payload validation error: 'callbacks' must not contain wildcards with 'compliance_level' ${profile.level}.`);
  }
  const idTokenAlg = client.jwt_configuration?.alg ?? 'RS256';
  if (idTokenAlg === 'HS256' || (profile.idTokenAlgs && !profile.idTokenAlgs.includes(idTokenAlg))) {
    throw invalid(`Payload validation error: 'jwt_configuration.alg' must be ${(profile.idTokenAlgs ?? ['RS256', 'PS256']).join(' or ')} with 'compliance_level' ${profile.level} (not ${idTokenAlg}).`);
  }
}

/**
 * With the application's credentials in hand (create and update, after checkAssociations): a profile
 * that fixes the request-object algorithm needs every `signed_request_object` credential to hold it,
 * since a credential's algorithm is the only one its key verifies (request-object.ts). A FAPI 1
 * application is thereby never stored with a request-object key that could not produce PS256; the
 * authorization request refuses another alg too (defence in depth, and for credentials of before).
 */
export function checkComplianceLevelCredentials(client: Client, credentials: readonly { id: string; alg: string | null }[]): void {
  if (!complianceProfileOf(client)) return;
  const assertionIds = authenticationMethodsOf(client)?.private_key_jwt?.credentials.map((credential) => credential.id) ?? [];
  const weak = credentials.find((credential) => assertionIds.includes(credential.id) && !COMPLIANT_ASSERTION_ALGS.includes(credential.alg ?? ''));
  if (weak) {
    throw invalid(`Payload validation error: 'compliance_level' ${client.compliance_level} requires the private_key_jwt credentials to use alg ${COMPLIANT_ASSERTION_ALGS.join(' or ')} (credential ${weak.id} uses ${weak.alg ?? 'none'}).`);
  }
  const algs = complianceProfileOf(client)?.requestObjectAlgs;
  if (!algs) return;
  const ids = requestObjectCredentialIds(client);
  const wrong = credentials.filter((credential) => ids.includes(credential.id) && !algs.includes(credential.alg ?? ''));
  if (wrong.length > 0) {
    throw invalid(`Payload validation error: 'compliance_level' ${client.compliance_level} requires the signed_request_object credentials to use alg ${algs.join(' or ')} (credential ${wrong[0]!.id} uses ${wrong[0]!.alg ?? 'none'}).`);
  }
}

/** A callback URL with a `*` (url-rules.ts allows one in the left-most host label). */
export const hasWildcard = (url: string): boolean => url.includes('*');

/**
 * "Returns only OIDC conformant error codes": the codes each protocol defines for the endpoint
 * (token: RFC 6749 §5.2; authorize and PAR: RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6, RFC 9101 §6.2,
 * RFC 9126 §2.3). The Auth0-specific ones Tessera can answer are mapped to the standard code that
 * covers them; for applications without a compliance level nothing changes (Auth0 compatibility).
 */
const STANDARD_ERROR_CODES = {
  token: new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']),
  authorize: new Set([
    'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'server_error', 'temporarily_unavailable',
    'interaction_required', 'login_required', 'account_selection_required', 'consent_required', 'invalid_request_uri', 'invalid_request_object',
    'request_not_supported', 'request_uri_not_supported', 'registration_not_supported', 'invalid_client',
  ]),
} as const;

/** Auth0's own codes and their standard stand-ins, per endpoint. */
const CONFORMANT_CODE: Record<keyof typeof STANDARD_ERROR_CODES, Readonly<Record<string, string>>> = {
  // A blocked user, too many attempts, a breached password, or a grant the user's access denies: the grant is not valid.
  token: { unauthorized: 'invalid_grant', too_many_attempts: 'invalid_grant', password_leaked: 'invalid_grant', access_denied: 'invalid_grant', mfa_required: 'invalid_grant' },
  // A blocked user (passwordless magic link): the user's access is denied.
  authorize: { unauthorized: 'access_denied', too_many_attempts: 'access_denied', password_leaked: 'access_denied' },
};

/** The error code to answer `client` with at `endpoint`: unchanged unless its compliance level asks for standard codes only. */
export function conformantErrorCode(client: object | null | undefined, endpoint: keyof typeof STANDARD_ERROR_CODES, code: string): string {
  if (!complianceProfileOf(client)?.standardErrorCodesOnly || STANDARD_ERROR_CODES[endpoint].has(code)) return code;
  return CONFORMANT_CODE[endpoint][code] ?? (endpoint === 'token' ? 'invalid_request' : 'server_error');
}
