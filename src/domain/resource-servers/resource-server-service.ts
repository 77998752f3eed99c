/**
 * APIs (resource servers): creation rules, lookups by id or audience (cached: the token endpoint
 * reads one on every request), and deletion. The system Management API is immutable.
 */
import { randomBytes } from 'node:crypto';
import type { Storage } from '../../storage/storage.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import type { SigningKeyService } from '../keys/signing-key-service.js';
import { conflict, invalid, notFound } from '../errors.js';
import { newResourceServerId } from '../ids.js';
import { nowIso } from '../clock.js';
import {
  DEFAULT_TOKEN_LIFETIME,
  MAX_TOKEN_LIFETIME,
  RESERVED_SCOPE_NAMES,
  toResourceServer,
  type ResourceServer,
  type ResourceServerScope,
} from './resource-server.js';

const KIND = 'resource-server';

export interface CreateResourceServerInput {
  name?: string;
  identifier: string;
  scopes?: ResourceServerScope[];
  signing_alg?: ResourceServer['signing_alg'];
  signing_secret?: string;
  token_lifetime?: number;
  token_lifetime_for_web?: number;
  allow_offline_access?: boolean;
  skip_consent_for_verifiable_first_party_clients?: boolean;
  enforce_policies?: boolean;
  token_dialect?: ResourceServer['token_dialect'];
  subject_type_authorization?: Partial<ResourceServer['subject_type_authorization']>;
}

export class ResourceServerService {
  private readonly byAudience: EntityCache<ResourceServer>;
  /** The system API is immutable, so only whole-tenant invalidations ever need to drop it. */
  private readonly system: EntityCache<ResourceServer>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    private readonly keys: SigningKeyService,
  ) {
    this.byAudience = new EntityCache<ResourceServer>(KIND, bus);
    this.system = new EntityCache<ResourceServer>(KIND, bus);
  }

  /** Cached lookup by identifier (the `audience` of token requests). */
  async findByAudience(tenantId: string, audience: string): Promise<ResourceServer | null> {
    return this.byAudience.get(tenantId, audience, async () => {
      const record = await this.storage.repos.resourceServers.findByIdentifier(tenantId, audience);
      return record ? toResourceServer(record) : undefined;
    });
  }

  async findSystem(tenantId: string): Promise<ResourceServer | null> {
    return this.system.get(tenantId, 'system', async () => {
      const record = await this.storage.repos.resourceServers.findSystem(tenantId);
      return record ? toResourceServer(record) : undefined;
    });
  }

  /** `{id}` in the Management API may be the id or the identifier. */
  async get(tenantId: string, idOrIdentifier: string): Promise<ResourceServer> {
    const repo = this.storage.repos.resourceServers;
    const record = (await repo.findById(tenantId, idOrIdentifier)) ?? (await repo.findByIdentifier(tenantId, idOrIdentifier));
    if (!record) throw notFound('Resource server not found.', 'inexistent_resource_server');
    return toResourceServer(record);
  }

  async list(tenantId: string, page: { offset: number; limit: number }, identifiers?: string[]): Promise<{ items: ResourceServer[]; total: number }> {
    const repo = this.storage.repos.resourceServers;
    const [records, total] = await Promise.all([repo.list(tenantId, page, identifiers), repo.count(tenantId, identifiers)]);
    return { items: records.map(toResourceServer), total };
  }

  async create(tenantId: string, tenantDomain: string, input: CreateResourceServerInput): Promise<ResourceServer> {
    const api = buildResourceServer(input);
    const created = await this.storage.transaction(async (repos) => {
      if (await repos.resourceServers.findByIdentifier(tenantId, api.identifier)) {
        throw conflict('A resource server with the same identifier already exists.', 'resource_server_conflict');
      }
      if (api.signing_alg === 'ES256') await this.keys.ensureKeyFamily(repos, tenantId, tenantDomain, 'ES256');
      const now = nowIso();
      const { id, identifier, is_system, ...document } = api;
      await repos.resourceServers.insert({ tenantId, id, identifier, isSystem: is_system, document, createdAt: now, updatedAt: now });
      return api;
    });
    await this.bus.publish({ tenantId, kind: KIND, key: created.identifier });
    if (created.signing_alg === 'ES256') await this.keys.invalidate(tenantId);
    return created;
  }

  async delete(tenantId: string, idOrIdentifier: string): Promise<void> {
    const api = await this.get(tenantId, idOrIdentifier);
    if (api.is_system) throw invalid('System resource servers cannot be deleted.', 'operation_not_supported');
    await this.storage.transaction(async (repos) => {
      await repos.resourceServers.delete(tenantId, api.id);
      await repos.clientGrants.deleteForAudience(tenantId, api.identifier);
    });
    await this.bus.publish({ tenantId, kind: KIND, key: api.identifier });
    await this.bus.publish({ tenantId, kind: 'client-grant' });
  }
}

/** Applies Auth0's defaults and rules to a create body. Exported for the system API bootstrap. */
export function buildResourceServer(input: CreateResourceServerInput & { is_system?: boolean }): ResourceServer {
  const identifier = input.identifier;
  if (identifier.length < 1 || identifier.length > 600) throw invalid('Payload validation error: identifier must be 1 to 600 characters long.');
  const name = input.name ?? identifier;
  if (/[<>]/.test(name)) throw invalid("Payload validation error: 'name' must not contain '<' or '>'.");
  const tokenLifetime = input.token_lifetime ?? DEFAULT_TOKEN_LIFETIME;
  const tokenLifetimeForWeb = input.token_lifetime_for_web ?? Math.min(7200, tokenLifetime);
  if (tokenLifetime > MAX_TOKEN_LIFETIME) throw invalid(`Payload validation error: token_lifetime must be at most ${MAX_TOKEN_LIFETIME}.`);
  if (tokenLifetimeForWeb > tokenLifetime) throw invalid('Payload validation error: token_lifetime_for_web must not exceed token_lifetime.');
  const scopes = input.scopes ?? [];
  checkScopes(scopes, input.is_system === true);
  const signingAlg = input.signing_alg ?? 'RS256';
  if (signingAlg === 'HS256' && input.signing_secret !== undefined && input.signing_secret.length < 16) {
    throw invalid('Payload validation error: signing_secret must be at least 16 characters long.');
  }
  const api: ResourceServer = {
    id: newResourceServerId(),
    name,
    identifier,
    is_system: input.is_system === true,
    scopes,
    signing_alg: signingAlg,
    token_lifetime: tokenLifetime,
    token_lifetime_for_web: tokenLifetimeForWeb,
    allow_offline_access: input.allow_offline_access ?? false,
    skip_consent_for_verifiable_first_party_clients: input.skip_consent_for_verifiable_first_party_clients ?? true,
    enforce_policies: input.enforce_policies ?? false,
    token_dialect: input.token_dialect ?? 'access_token',
    subject_type_authorization: {
      user: input.subject_type_authorization?.user ?? { policy: 'allow_all' },
      client: input.subject_type_authorization?.client ?? { policy: 'require_client_grant' },
    },
  };
  if (signingAlg === 'HS256') api.signing_secret = input.signing_secret ?? randomBytes(32).toString('base64url');
  return api;
}

function checkScopes(scopes: ResourceServerScope[], isSystem: boolean): void {
  const seen = new Set<string>();
  for (const scope of scopes) {
    if (!isSystem && RESERVED_SCOPE_NAMES.has(scope.value)) {
      throw invalid(`Payload validation error: '${scope.value}' is a reserved permission name and cannot be used as an API permission.`);
    }
    if (seen.has(scope.value)) throw invalid(`Payload validation error: duplicate permission '${scope.value}' in scopes.`);
    seen.add(scope.value);
  }
}
