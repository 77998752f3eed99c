/**
 * Applications: creation with Auth0's defaults and rules, cached lookup for the token endpoint,
 * listing and deletion (which also removes the application's grants).
 */
import type { Storage } from '../../storage/storage.js';
import type { ClientRecord } from '../../storage/repositories/clients.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import { invalid, notFound } from '../errors.js';
import { newClientId, newClientSecret } from '../ids.js';
import { nowIso } from '../clock.js';
import { defaultGrantTypes, isPublicAppType, toClient, type AppType, type Client, type TokenEndpointAuthMethod } from './client.js';

const KIND = 'client';

export interface CreateClientInput {
  name: string;
  description?: string;
  app_type?: AppType;
  logo_uri?: string;
  is_first_party?: boolean;
  oidc_conformant?: boolean;
  callbacks?: string[];
  allowed_origins?: string[];
  web_origins?: string[];
  allowed_logout_urls?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  jwt_configuration?: Partial<Client['jwt_configuration']>;
  client_metadata?: Record<string, string>;
  cross_origin_authentication?: boolean;
  is_token_endpoint_ip_header_trusted?: boolean;
  client_id?: string;
  client_secret?: string;
}

export class ClientService {
  private readonly cache: EntityCache<Client>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
  ) {
    this.cache = new EntityCache<Client>(KIND, bus);
  }

  /** Cached: read on every token request. */
  async find(tenantId: string, tenantName: string, clientId: string): Promise<Client | null> {
    return this.cache.get(tenantId, clientId, async () => {
      const record = await this.storage.repos.clients.findById(tenantId, clientId);
      return record ? toClient(record, tenantName) : undefined;
    });
  }

  async get(tenantId: string, tenantName: string, clientId: string): Promise<Client> {
    const client = await this.find(tenantId, tenantName, clientId);
    if (!client) throw notFound('The client does not exist', 'inexistent_client');
    return client;
  }

  async list(tenantId: string, tenantName: string, page: { offset: number; limit: number }): Promise<{ items: Client[]; total: number }> {
    const [records, total] = await Promise.all([this.storage.repos.clients.list(tenantId, page), this.storage.repos.clients.count(tenantId)]);
    return { items: records.map((r) => toClient(r, tenantName)), total };
  }

  async create(tenantId: string, tenantName: string, input: CreateClientInput, options: { isSystem?: boolean } = {}): Promise<Client> {
    const record = buildClientRecord(tenantId, input, options.isSystem ?? false);
    await this.storage.transaction((repos) => repos.clients.insert(record));
    await this.bus.publish({ tenantId, kind: KIND, key: record.clientId });
    return toClient(record, tenantName);
  }

  /** Sets a known secret (bootstrap automation); creates nothing. */
  async setSecret(tenantId: string, clientId: string, secret: string): Promise<void> {
    await this.storage.transaction(async (repos) => {
      const record = await repos.clients.findById(tenantId, clientId);
      if (!record) throw notFound('The client does not exist', 'inexistent_client');
      await repos.clients.replace({ ...record, clientSecret: secret, updatedAt: nowIso() });
    });
    await this.bus.publish({ tenantId, kind: KIND, key: clientId });
  }

  async delete(tenantId: string, clientId: string): Promise<void> {
    const deleted = await this.storage.transaction(async (repos) => {
      const removed = await repos.clients.delete(tenantId, clientId);
      if (removed) await repos.clientGrants.deleteForClient(tenantId, clientId);
      return removed;
    });
    if (!deleted) throw notFound('The client does not exist', 'inexistent_client');
    await this.bus.publish({ tenantId, kind: KIND, key: clientId });
    await this.bus.publish({ tenantId, kind: 'client-grant' });
  }
}

export function buildClientRecord(tenantId: string, input: CreateClientInput, isSystem: boolean): ClientRecord {
  if (/[<>]/.test(input.name)) throw invalid("Payload validation error: 'name' must not contain '<' or '>'.");
  const isPublic = isPublicAppType(input.app_type);
  const authMethod = input.token_endpoint_auth_method ?? (isPublic ? 'none' : 'client_secret_post');
  const grantTypes = input.grant_types ?? defaultGrantTypes(input.app_type);
  if (authMethod === 'none' && grantTypes.includes('client_credentials')) {
    throw invalid('Public applications cannot use the client_credentials grant: set token_endpoint_auth_method to client_secret_post or client_secret_basic.', 'invalid_body');
  }
  const now = nowIso();
  const document: Omit<Client, 'tenant' | 'client_id' | 'client_secret' | 'name' | 'app_type'> = {
    is_first_party: input.is_first_party ?? true,
    oidc_conformant: input.oidc_conformant ?? true,
    callbacks: input.callbacks ?? [],
    allowed_origins: input.allowed_origins ?? [],
    web_origins: input.web_origins ?? [],
    allowed_logout_urls: input.allowed_logout_urls ?? [],
    client_aliases: [],
    allowed_clients: [],
    grant_types: grantTypes,
    token_endpoint_auth_method: authMethod,
    jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36_000, secret_encoded: false, ...input.jwt_configuration },
    client_metadata: input.client_metadata ?? {},
    custom_login_page_on: true,
    cross_origin_authentication: input.cross_origin_authentication ?? false,
    sso_disabled: false,
    is_token_endpoint_ip_header_trusted: input.is_token_endpoint_ip_header_trusted ?? false,
    refresh_token: {
      rotation_type: 'non-rotating',
      expiration_type: 'non-expiring',
      leeway: 0,
      token_lifetime: 2_592_000,
      infinite_token_lifetime: true,
      idle_token_lifetime: 1_296_000,
      infinite_idle_token_lifetime: true,
    },
    global: false,
  };
  if (input.description !== undefined) document.description = input.description;
  if (input.logo_uri !== undefined) document.logo_uri = input.logo_uri;
  return {
    tenantId,
    clientId: input.client_id ?? newClientId(),
    // Every application has a secret (Auth0 shows one even for SPAs); only confidential ones may use it.
    clientSecret: input.client_secret ?? newClientSecret(),
    name: input.name,
    appType: input.app_type ?? null,
    isSystem,
    document: document as unknown as Record<string, unknown>,
    createdAt: now,
    updatedAt: now,
  };
}
