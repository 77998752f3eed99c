/** The application (client) object as the Management API shows it, with Auth0's per-type defaults. */
import type { ClientRecord } from '../../storage/repositories/clients.js';

export type AppType = 'native' | 'spa' | 'regular_web' | 'non_interactive';
export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';

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
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  jwt_configuration: { alg: 'HS256' | 'RS256' | 'PS256'; lifetime_in_seconds: number; secret_encoded: boolean };
  client_metadata: Record<string, string>;
  custom_login_page_on: boolean;
  cross_origin_authentication: boolean;
  sso_disabled: boolean;
  is_token_endpoint_ip_header_trusted: boolean;
  refresh_token: {
    rotation_type: 'rotating' | 'non-rotating';
    expiration_type: 'expiring' | 'non-expiring';
    leeway: number;
    token_lifetime: number;
    infinite_token_lifetime: boolean;
    idle_token_lifetime: number;
    infinite_idle_token_lifetime: boolean;
  };
  global: boolean;
}

const PUBLIC_TYPES: ReadonlySet<string> = new Set(['spa', 'native']);

export const isPublicAppType = (appType: string | undefined): boolean => appType !== undefined && PUBLIC_TYPES.has(appType);

/** The docs' defaults: public apps get implicit+code+refresh; confidential ones also client_credentials. */
export function defaultGrantTypes(appType: AppType | undefined): string[] {
  if (appType === 'non_interactive') return ['client_credentials'];
  if (isPublicAppType(appType)) return ['implicit', 'authorization_code', 'refresh_token'];
  return ['implicit', 'authorization_code', 'refresh_token', 'client_credentials'];
}

export function toClient(record: ClientRecord, tenantName: string): Client {
  const client = { ...(record.document as unknown as Client), tenant: tenantName, client_id: record.clientId, name: record.name };
  if (record.appType) client.app_type = record.appType as AppType;
  if (record.clientSecret) client.client_secret = record.clientSecret;
  return client;
}
