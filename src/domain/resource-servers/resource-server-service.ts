/**
 * APIs (resource servers): creation rules, lookups by id or audience (cached: the token endpoint
 * reads one on every request), and deletion. The system Management API is immutable.
 */
import { randomBytes } from 'node:crypto';
import type { Storage } from '../../storage/storage.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import type { SigningKeyService } from '../keys/signing-key-service.js';
import { invalidateClientGrants } from '../client-grants/client-grant-service.js';
import { conflict, invalid, notFound } from '../errors.js';
import { newResourceServerId } from '../ids.js';
import { nowIso } from '../clock.js';
import { removeApiPermissions, removeDroppedScopePermissions } from '../roles/cleanup.js';
import { managementApiScopeEntries } from '../management-api-scopes.js';
import { UNSUPPORTED_RESOURCE_SERVER_SETTINGS, refuseUnsupportedSettings } from '../unsupported-settings.js';
import { checkProofOfPossession } from '../tokens/certificate-binding.js';
import { MAX_DETAILS_TYPE_LENGTH, MAX_REGISTERED_DETAILS_TYPES } from '../oidc/authorization-details.js';
import { checkedTokenEncryption, type TokenEncryptionInput } from './token-encryption.js';
import {
  DEFAULT_TOKEN_LIFETIME,
  MAX_TOKEN_LIFETIME,
  RESERVED_SCOPE_NAMES,
  toResourceServer,
  type ResourceServer,
  type ResourceServerScope,
} from './resource-server.js';

/** The invalidation kind of the API caches; only this service publishes it. */
const RESOURCE_SERVER_KIND = 'resource-server';

/**
 * Bounds of the tenant's registered `authorization_details` types as discovery lists them: the
 * first 1,000 APIs that register any, and 100 distinct types (what one API may register; a list for
 * clients to read, not the rule: each request's types are judged against its own API). A cached
 * list is then at most 100 × 255 characters, which the cache is told so its byte budget holds.
 */
const MAX_DISCOVERY_DETAILS_APIS = 1_000;
export const MAX_DISCOVERY_DETAILS_TYPES = MAX_REGISTERED_DETAILS_TYPES;
const DETAILS_TYPES_BYTES = MAX_DISCOVERY_DETAILS_TYPES * MAX_DETAILS_TYPE_LENGTH * 2;

export type UpdateResourceServerInput = Partial<Omit<CreateResourceServerInput, 'identifier'>> & Record<string, unknown>;

export interface CreateResourceServerInput {
  [field: string]: unknown;
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
  token_encryption?: TokenEncryptionInput | null;
}

/** True when `url` names the tenant's Management API (TenantService.isManagementApiAlias). */
export type ManagementApiAliasCheck = (tenantId: string, url: string) => Promise<boolean>;

const DUPLICATE_IDENTIFIER = 'A resource server with the same identifier already exists.';

export class ResourceServerService {
  private readonly byAudience: EntityCache<ResourceServer>;
  /** The system API is immutable, so only whole-tenant invalidations ever need to drop it. */
  private readonly system: EntityCache<ResourceServer>;
  /** Per tenant, dropped by any change to any of its APIs (perTenant): the union discovery lists. */
  private readonly detailsTypes: EntityCache<{ types: string[] }>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    private readonly keys: SigningKeyService,
    private readonly isManagementApiAlias: ManagementApiAliasCheck,
  ) {
    this.byAudience = new EntityCache<ResourceServer>(RESOURCE_SERVER_KIND, bus);
    this.system = new EntityCache<ResourceServer>(RESOURCE_SERVER_KIND, bus);
    this.detailsTypes = new EntityCache<{ types: string[] }>(RESOURCE_SERVER_KIND, bus, { perTenant: true, max: 1_000, valueBytes: DETAILS_TYPES_BYTES });
  }

  /**
   * Cached: the `authorization_details` types registered on any of the tenant's APIs (the union,
   * sorted), for discovery's `authorization_details_types_supported` (RFC 9396 §10).
   */
  async registeredDetailsTypes(tenantId: string): Promise<string[]> {
    const cached = await this.detailsTypes.get(tenantId, 'details-types', async () => {
      const union = new Set<string>();
      for (const types of await this.storage.repos.resourceServers.listRegisteredDetailsTypes(tenantId, MAX_DISCOVERY_DETAILS_APIS)) {
        for (const type of types) if (union.size < MAX_DISCOVERY_DETAILS_TYPES) union.add(type);
      }
      return { types: [...union].sort() };
    });
    return cached?.types ?? [];
  }

  /**
   * Cached lookup by identifier (the `audience` of token requests). Every alias of the Management API
   * resolves to the system API, checked first so that nothing stored under an alias (a custom API
   * created before aliases were refused) can ever stand in for it.
   */
  async findByAudience(tenantId: string, audience: string): Promise<ResourceServer | null> {
    if (await this.isManagementApiAlias(tenantId, audience)) return this.findSystem(tenantId);
    return this.storedUnder(tenantId, audience);
  }

  /** Cached: the API stored under exactly this identifier, whatever the aliases say. */
  private storedUnder(tenantId: string, identifier: string): Promise<ResourceServer | null> {
    return this.byAudience.get(tenantId, identifier, async () => {
      const record = await this.storage.repos.resourceServers.findByIdentifier(tenantId, identifier);
      return record ? toResourceServer(record) : undefined;
    });
  }

  /**
   * Whether a token's audience opens /api/v2: an alias of the Management API that no custom API
   * holds. A custom API may sit under an alias when it was created before aliases were refused, or
   * when a later custom domain or public URL made its identifier one; its tokens carry its own
   * identifier and must never pass for Management API tokens.
   */
  async isManagementApiAudience(tenantId: string, audience: string): Promise<boolean> {
    if (!(await this.isManagementApiAlias(tenantId, audience))) return false;
    const stored = await this.storedUnder(tenantId, audience);
    return !stored || stored.is_system;
  }

  async findSystem(tenantId: string): Promise<ResourceServer | null> {
    return this.system.get(tenantId, 'system', async () => {
      const record = await this.storage.repos.resourceServers.findSystem(tenantId);
      return record ? toResourceServer(record) : undefined;
    });
  }

  /** `{id}` in the Management API may be the id or the identifier (any alias, for the Management API). */
  async get(tenantId: string, idOrIdentifier: string): Promise<ResourceServer> {
    const repo = this.storage.repos.resourceServers;
    const byId = await repo.findById(tenantId, idOrIdentifier);
    if (byId) return toResourceServer(byId);
    const system = (await this.isManagementApiAlias(tenantId, idOrIdentifier)) ? await this.findSystem(tenantId) : null;
    if (system) return system;
    const record = await repo.findByIdentifier(tenantId, idOrIdentifier);
    if (!record) throw notFound('Resource server not found.', 'inexistent_resource_server');
    return toResourceServer(record);
  }

  async list(tenantId: string, page: { offset: number; limit: number }, identifiers?: string[]): Promise<{ items: ResourceServer[]; total: number }> {
    const repo = this.storage.repos.resourceServers;
    const [records, total] = await Promise.all([repo.list(tenantId, page, identifiers), repo.count(tenantId, identifiers)]);
    return { items: records.map(toResourceServer), total };
  }

  async create(tenantId: string, tenantDomain: string, input: CreateResourceServerInput): Promise<ResourceServer> {
    refuseUnsupportedSettings(UNSUPPORTED_RESOURCE_SERVER_SETTINGS, input);
    const api = buildResourceServer(input);
    // Any alias of the Management API is its identifier: an API taking one would have its tokens
    // accepted by /api/v2 (and a client grant for it would read as a Management API grant).
    if (await this.isManagementApiAlias(tenantId, api.identifier)) throw conflict(DUPLICATE_IDENTIFIER, 'resource_server_conflict');
    const created = await this.storage.transaction(async (repos) => {
      if (await repos.resourceServers.findByIdentifier(tenantId, api.identifier)) throw conflict(DUPLICATE_IDENTIFIER, 'resource_server_conflict');
      if (api.signing_alg === 'ES256') await this.keys.ensureKeyFamily(repos, tenantId, tenantDomain, 'ES256');
      const now = nowIso();
      const { id, identifier, is_system, ...document } = api;
      await repos.resourceServers.insert({ tenantId, id, identifier, isSystem: is_system, document, createdAt: now, updatedAt: now });
      return api;
    });
    await this.invalidate(tenantId, created.identifier);
    if (created.signing_alg === 'ES256') await this.keys.invalidate(tenantId);
    return created;
  }

  /** PATCH: the identifier is immutable, `scopes` replaces the whole list, the system API is read-only. */
  async update(tenantId: string, tenantDomain: string, idOrIdentifier: string, patch: UpdateResourceServerInput): Promise<ResourceServer> {
    refuseUnsupportedSettings(UNSUPPORTED_RESOURCE_SERVER_SETTINGS, patch);
    const current = await this.get(tenantId, idOrIdentifier);
    if (current.is_system) throw invalid('System resource servers cannot be patched.', 'operation_not_supported');
    const next: ResourceServer = { ...current };
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (value === null) delete (next as unknown as Record<string, unknown>)[field];
      else if (field === 'subject_type_authorization') next.subject_type_authorization = { ...current.subject_type_authorization, ...(value as object) };
      // Replaced whole: every body naming it carries the format and the key (alg and pem) again, or is
      // an unchanged copy of the answer (an exported API imported back).
      else if (field === 'token_encryption') next.token_encryption = checkedTokenEncryption(value as TokenEncryptionInput, current.token_encryption);
      else (next as unknown as Record<string, unknown>)[field] = value;
    }
    if (next.signing_alg === 'HS256' && !next.signing_secret) next.signing_secret = randomBytes(32).toString('base64url');
    checkResourceServer(next);
    const updated = await this.storage.transaction(async (repos) => {
      if (next.signing_alg === 'ES256') await this.keys.ensureKeyFamily(repos, tenantId, tenantDomain, 'ES256');
      const { id, identifier, is_system, ...document } = next;
      const record = await repos.resourceServers.findById(tenantId, id);
      if (!record) throw notFound('Resource server not found.', 'inexistent_resource_server');
      await repos.resourceServers.replace({ ...record, document, updatedAt: nowIso() });
      await removeDroppedScopePermissions(repos, tenantId, identifier, record.document.scopes as ResourceServerScope[] | undefined, next.scopes);
      return next;
    });
    await this.invalidate(tenantId, updated.identifier);
    if (updated.signing_alg === 'ES256') await this.keys.invalidate(tenantId);
    return updated;
  }

  /**
   * Adds to the tenant's system API the scopes a newer version defines (e.g. `read:dev_outbox`),
   * so tenants created before keep up. Idempotent; returns the scopes it added.
   */
  async healSystemScopes(tenantId: string, scopes: readonly string[]): Promise<string[]> {
    // Run for every tenant at each start: a read first, so an up-to-date tenant costs no write transaction.
    const cached = await this.findSystem(tenantId);
    const defined = new Set(cached?.scopes.map((s) => s.value));
    if (cached && scopes.every((value) => defined.has(value))) return [];
    const added = await this.storage.transaction(async (repos) => {
      const record = await repos.resourceServers.findSystem(tenantId);
      if (!record) return [];
      const current = (record.document.scopes as ResourceServerScope[] | undefined) ?? [];
      const known = new Set(current.map((s) => s.value));
      const missing = scopes.filter((value) => !known.has(value));
      if (missing.length === 0) return [];
      const next = [...current, ...managementApiScopeEntries(missing)];
      await repos.resourceServers.replace({ ...record, document: { ...record.document, scopes: next }, updatedAt: nowIso() });
      return missing;
    });
    // The system API is cached per tenant: only a whole-tenant invalidation drops it.
    if (added.length > 0) await this.invalidate(tenantId);
    return added;
  }

  async delete(tenantId: string, idOrIdentifier: string): Promise<void> {
    const api = await this.get(tenantId, idOrIdentifier);
    if (api.is_system) throw invalid('System resource servers cannot be deleted.', 'operation_not_supported');
    await this.storage.transaction(async (repos) => {
      await repos.resourceServers.delete(tenantId, api.id);
      await repos.clientGrants.deleteForAudience(tenantId, api.identifier);
      await removeApiPermissions(repos, tenantId, api.identifier);
    });
    await this.invalidate(tenantId, api.identifier);
    // Its grants went in the same transaction: every cached grant of the tenant goes.
    await invalidateClientGrants(this.bus, tenantId);
  }

  /**
   * After a committed write: the API cached under `identifier`, or (none) every cached API of the
   * tenant, the system API included (it is cached per tenant, so only this form drops it).
   */
  invalidate(tenantId: string, identifier?: string): Promise<void> {
    return this.bus.publish(identifier === undefined ? { tenantId, kind: RESOURCE_SERVER_KIND } : { tenantId, kind: RESOURCE_SERVER_KIND, key: identifier });
  }
}

/** Applies Auth0's defaults and rules to a create body. Exported for the system API bootstrap. */
export function buildResourceServer(input: CreateResourceServerInput & { is_system?: boolean }): ResourceServer {
  const tokenLifetime = input.token_lifetime ?? DEFAULT_TOKEN_LIFETIME;
  const signingAlg = input.signing_alg ?? 'RS256';
  const { token_encryption: tokenEncryption, ...fields } = input;
  const api: ResourceServer = {
    ...fields,
    id: newResourceServerId(),
    name: input.name ?? input.identifier,
    identifier: input.identifier,
    is_system: input.is_system === true,
    scopes: input.scopes ?? [],
    signing_alg: signingAlg,
    token_lifetime: tokenLifetime,
    token_lifetime_for_web: input.token_lifetime_for_web ?? Math.min(7200, tokenLifetime),
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
  // Stored as given when null (Auth0 answers the null back); checked and thumbprinted when set.
  if (tokenEncryption !== undefined) api.token_encryption = tokenEncryption === null ? null : checkedTokenEncryption(tokenEncryption);
  checkResourceServer(api);
  return api;
}

/** Cross-field rules, on create and on every update. */
function checkResourceServer(api: ResourceServer): void {
  if (api.identifier.length < 1 || api.identifier.length > 600) throw invalid('Payload validation error: identifier must be 1 to 600 characters long.');
  if (/[<>]/.test(api.name)) throw invalid("Payload validation error: 'name' must not contain '<' or '>'.");
  if (api.token_lifetime > MAX_TOKEN_LIFETIME) throw invalid(`Payload validation error: token_lifetime must be at most ${MAX_TOKEN_LIFETIME}.`);
  if (api.token_lifetime_for_web > api.token_lifetime) throw invalid('Payload validation error: token_lifetime_for_web must not exceed token_lifetime.');
  if (api.signing_alg === 'HS256' && api.signing_secret !== undefined && api.signing_secret.length < 16) {
    throw invalid('Payload validation error: signing_secret must be at least 16 characters long.');
  }
  if (api.token_dialect.endsWith('_authz') && !api.enforce_policies) {
    throw invalid(`Payload validation error: token_dialect ${api.token_dialect} adds RBAC permissions to tokens and needs enforce_policies to be true.`);
  }
  checkScopes(api.scopes, api.is_system);
  checkRegisteredDetailsTypes(api.authorization_details ?? []);
  checkProofOfPossession(api.proof_of_possession);
}

/** A rich authorization type is registered once (its shape: the Management API schema). */
function checkRegisteredDetailsTypes(entries: Array<{ type: string }>): void {
  const seen = new Set<string>();
  for (const { type } of entries) {
    if (seen.has(type)) throw invalid(`Payload validation error: duplicate type '${type}' in authorization_details.`);
    seen.add(type);
  }
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
