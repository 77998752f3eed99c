/** The API (resource server) object as the Management API shows it. */
import type { ResourceServerRecord } from '../../storage/repositories/resource-servers.js';
import { publicTokenEncryption, type PublicTokenEncryption, type TokenEncryption } from './token-encryption.js';

export type TokenDialect = 'access_token' | 'access_token_authz' | 'rfc9068_profile' | 'rfc9068_profile_authz';
export type ApiSigningAlg = 'RS256' | 'HS256' | 'PS256' | 'ES256';

export interface ResourceServerScope {
  value: string;
  description?: string;
}

export interface ResourceServer {
  /** Other Auth0 fields, returned as given: only unimplemented ones in their off value (see unsupported-settings.ts). */
  [field: string]: unknown;
  id: string;
  name: string;
  identifier: string;
  is_system: boolean;
  scopes: ResourceServerScope[];
  signing_alg: ApiSigningAlg;
  signing_secret?: string;
  token_lifetime: number;
  token_lifetime_for_web: number;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  enforce_policies: boolean;
  token_dialect: TokenDialect;
  subject_type_authorization: {
    user: { policy: 'allow_all' | 'require_client_grant' | 'deny_all' };
    client: { policy: 'require_client_grant' | 'deny_all' };
  };
  /** The types of rich authorization requests (RFC 9396) the API accepts: domain/oidc/authorization-details.ts. */
  authorization_details?: Array<{ type: string }> | null;
  /** Only "standard" (or unset): consent is always asked for authorization details. */
  consent_policy?: 'standard' | null;
  /** JWE access tokens (token-encryption.ts); null or absent: plain JWS. Holds the key's PEM: see presentResourceServer. */
  token_encryption?: TokenEncryption | null;
}

/** An API as the Management API answers it: the JWE key's material is never shown after it is written. */
export type PresentedResourceServer = Omit<ResourceServer, 'token_encryption'> & { token_encryption?: PublicTokenEncryption | null };

export function presentResourceServer(api: ResourceServer): PresentedResourceServer {
  if (!api.token_encryption) return api as PresentedResourceServer;
  return { ...api, token_encryption: publicTokenEncryption(api.token_encryption) };
}

export const DEFAULT_TOKEN_LIFETIME = 86_400;
export const MAX_TOKEN_LIFETIME = 2_592_000;

/** Permission names reserved for OIDC scopes and profile claims (docs: add API permissions). */
export const RESERVED_SCOPE_NAMES = new Set([
  'address', 'created_at', 'email', 'email_verified', 'family_name', 'given_name', 'identities', 'name', 'nickname',
  'offline_access', 'openid', 'phone', 'picture', 'profile',
]);

export function toResourceServer(record: ResourceServerRecord): ResourceServer {
  return { ...record.document, id: record.id, identifier: record.identifier, is_system: record.isSystem } as ResourceServer;
}
