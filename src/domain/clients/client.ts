/** The application (client) object as the Management API shows it, with Auth0's per-type defaults. */
import type { ClientRecord } from '../../storage/repositories/clients.js';

/**
 * The invalidation kind of everything cached from applications: ClientService's cache, the
 * per-tenant origin caches of CORS and cross-origin authentication, and the connections' enabled
 * clients (connections depend on it). Only ClientService publishes it, after its writes commit.
 */
export const CLIENT_KIND = 'client';

/**
 * Auth0's application types. Tessera acts on the first four (OIDC applications); the others are
 * Auth0's SSO integrations, accepted and stored as given.
 */
export const APP_TYPES = [
  'native', 'spa', 'regular_web', 'non_interactive', 'sso_integration', 'rms', 'box', 'cloudbees', 'concur', 'dropbox', 'mscrm',
  'echosign', 'egnyte', 'newrelic', 'office365', 'salesforce', 'sentry', 'sharepoint', 'slack', 'springcm', 'zendesk', 'zoom',
] as const;
export type AppType = (typeof APP_TYPES)[number];
export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';

export interface RefreshTokenSettings {
  rotation_type: 'rotating' | 'non-rotating';
  expiration_type: 'expiring' | 'non-expiring';
  leeway: number;
  token_lifetime: number;
  infinite_token_lifetime: boolean;
  idle_token_lifetime: number;
  infinite_idle_token_lifetime: boolean;
}

/** Auth0's `signed_request_object` as stored and answered: credentials by id. */
export interface SignedRequestObject {
  required: boolean;
  credentials: Array<{ id: string }>;
}

export interface Client {
  tenant: string;
  client_id: string;
  client_secret?: string;
  name: string;
  description?: string;
  app_type?: AppType;
  logo_uri?: string;
  is_first_party: boolean;
  oidc_conformant: boolean;
  callbacks: string[];
  allowed_origins: string[];
  web_origins: string[];
  allowed_logout_urls: string[];
  client_aliases: string[];
  allowed_clients: string[];
  grant_types: string[];
  /** Null when the application authenticates with its credentials instead (client_authentication_methods). */
  token_endpoint_auth_method: TokenEndpointAuthMethod | null;
  /** Which credentials private_key_jwt / tls_client_auth / self_signed_tls_client_auth accept (authentication-methods.ts). */
  client_authentication_methods?: Partial<Record<'private_key_jwt' | 'tls_client_auth' | 'self_signed_tls_client_auth', { credentials: Array<{ id: string }> }>>;
  /** JAR (RFC 9101): whether /authorize requires a signed request object, and the public_key credentials that verify it (authentication-methods.ts, oidc/request-object.ts). */
  signed_request_object?: SignedRequestObject;
  jwt_configuration: { alg: 'HS256' | 'RS256' | 'PS256'; lifetime_in_seconds: number; secret_encoded: boolean; scopes?: Record<string, unknown> };
  client_metadata: Record<string, string>;
  custom_login_page_on: boolean;
  cross_origin_authentication: boolean;
  cross_origin_loc?: string;
  initiate_login_uri?: string;
  sso?: boolean;
  sso_disabled: boolean;
  is_token_endpoint_ip_header_trusted: boolean;
  refresh_token: RefreshTokenSettings;
  organization_usage?: 'deny' | 'allow' | 'require';
  organization_require_behavior?: 'no_prompt' | 'pre_login_prompt' | 'post_login_prompt';
  global: boolean;
  /** `/authorize` only with a `request_uri` from `POST /oauth/par` (domain/oidc/pushed-authorization.ts). */
  require_pushed_authorization_requests?: boolean;
  /** Seconds a pushed request lives (5..600); null: Auth0's 30. */
  par_request_expiry?: number | null;
  /** CIBA notification channels in order of preference; null: none chosen (backchannel-authentication.ts). */
  async_approval_notification_channels?: AsyncApprovalChannel[] | null;
  /** Other Auth0 fields, returned as given: descriptive ones, or unimplemented ones in their off value (see unsupported-settings.ts). */
  [field: string]: unknown;
}

/** RFC 8628's grant type: `/oauth/device/code` and the token endpoint's device code grant. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** OpenID CIBA's grant type: `POST /bc-authorize` and the token endpoint's CIBA grant. */
export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

/**
 * `async_approval_notification_channels`, as Auth0 names them: how a CIBA request reaches the user.
 * Tessera sends `email` only; `guardian-push` needs the Guardian app and is refused (client-rules.ts).
 */
export const ASYNC_APPROVAL_CHANNELS = ['guardian-push', 'email'] as const;
export type AsyncApprovalChannel = (typeof ASYNC_APPROVAL_CHANNELS)[number];

/** Grant types an application may list (docs: Application Grant Types). */
export const GRANT_TYPES = [
  'implicit', 'authorization_code', 'client_credentials', 'password', 'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code', 'http://auth0.com/oauth/grant-type/password-realm',
  'http://auth0.com/oauth/grant-type/mfa-oob', 'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-recovery-code', 'http://auth0.com/oauth/grant-type/passwordless/otp',
  'urn:openid:params:grant-type:ciba',
] as const;

/** Grants only trusted first-party applications may use (docs: "Trusted first-party apps"). */
export const FIRST_PARTY_ONLY_GRANTS: ReadonlySet<string> = new Set([
  'password', 'http://auth0.com/oauth/grant-type/password-realm', 'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-otp', 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
]);

const PUBLIC_TYPES: ReadonlySet<string> = new Set(['spa', 'native']);

export const isPublicAppType = (appType: string | undefined): boolean => appType !== undefined && PUBLIC_TYPES.has(appType);

/** The docs' defaults: public apps get implicit+code+refresh; confidential ones also client_credentials. */
export function defaultGrantTypes(appType: AppType | undefined): string[] {
  if (appType === 'non_interactive') return ['client_credentials'];
  if (isPublicAppType(appType)) return ['implicit', 'authorization_code', 'refresh_token'];
  return ['implicit', 'authorization_code', 'refresh_token', 'client_credentials'];
}

export const DEFAULT_REFRESH_TOKEN: RefreshTokenSettings = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  leeway: 0,
  token_lifetime: 2_592_000,
  infinite_token_lifetime: true,
  idle_token_lifetime: 1_296_000,
  infinite_idle_token_lifetime: true,
};

/** Columns of their own in storage; everything else lives in the record's document. */
const COLUMNS = new Set(['tenant', 'client_id', 'client_secret', 'name', 'app_type']);

export function toClient(record: ClientRecord, tenantName: string): Client {
  const client = { ...(record.document as Partial<Client>), tenant: tenantName, client_id: record.clientId, name: record.name } as Client;
  if (record.appType) client.app_type = record.appType as AppType;
  if (record.clientSecret) client.client_secret = record.clientSecret;
  return client;
}

export function toRecordParts(client: Client): Pick<ClientRecord, 'clientId' | 'clientSecret' | 'name' | 'appType' | 'document'> {
  return {
    clientId: client.client_id,
    clientSecret: client.client_secret ?? null,
    name: client.name,
    appType: client.app_type ?? null,
    document: Object.fromEntries(Object.entries(client).filter(([key, value]) => !COLUMNS.has(key) && value !== undefined)),
  };
}
