/**
 * Client grants: which application may get tokens for which API, with which scopes.
 * At most one grant per (client, API, subject type). The token endpoint reads them through a cache.
 */
import type { Repositories, Storage } from '../../storage/storage.js';
import type { ClientGrantFilter, ClientGrantRecord, GrantSubjectType } from '../../storage/repositories/client-grants.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import { conflict, invalid, notFound } from '../errors.js';
import { newClientGrantId } from '../ids.js';
import { nowIso } from '../clock.js';

/** The invalidation kind of the client-grant cache; only this module publishes it. */
export const CLIENT_GRANT_KIND = 'client-grant';

export interface ClientGrant {
  [field: string]: unknown;
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
  subject_type: GrantSubjectType;
  allow_all_scopes?: boolean;
  is_system?: boolean;
}

export interface CreateClientGrantInput {
  client_id: string;
  audience: string;
  scope: string[];
  subject_type?: GrantSubjectType;
  allow_all_scopes?: boolean;
  organization_usage?: 'deny' | 'allow' | 'require';
  allow_any_organization?: boolean;
  authorization_details_types?: string[];
}

export interface UpdateClientGrantInput {
  scope?: string[] | null;
  allow_all_scopes?: boolean | null;
  organization_usage?: 'deny' | 'allow' | 'require' | null;
  allow_any_organization?: boolean | null;
  authorization_details_types?: string[];
}

/** A grant may only name scopes its API defines (the system API's scopes are the Management API's). */
async function checkScopesDefined(repos: Repositories, tenantId: string, audience: string, scopes: string[]): Promise<void> {
  const api = await repos.resourceServers.findByIdentifier(tenantId, audience);
  if (!api) throw notFound('Resource server not found', 'inexistent_resource_server');
  const defined = new Set(((api.document.scopes as Array<{ value: string }> | undefined) ?? []).map((s) => s.value));
  const unknown = scopes.filter((s) => !defined.has(s));
  if (unknown.length) throw invalid(`Payload validation error: scope(s) not defined on the API ${audience}: ${unknown.join(', ')}.`);
}

/**
 * `authorization_details_types` (rich authorization requests, domain/oidc/authorization-details.ts):
 * only on a user grant ("can only be specified for user access flows"), and only types the API
 * registers, as scopes.
 */
async function checkDetailsTypes(repos: Repositories, tenantId: string, audience: string, subjectType: GrantSubjectType, types: string[] | undefined): Promise<void> {
  if (types === undefined || types.length === 0) return;
  if (subjectType !== 'user') throw invalid('Payload validation error: authorization_details_types can only be set on a client grant with subject_type user.');
  const api = await repos.resourceServers.findByIdentifier(tenantId, audience);
  if (!api) throw notFound('Resource server not found', 'inexistent_resource_server');
  const registered = new Set(((api.document.authorization_details as Array<{ type: string }> | null | undefined) ?? []).map((entry) => entry.type));
  const unknown = types.filter((type) => !registered.has(type));
  if (unknown.length) throw invalid(`Payload validation error: authorization_details_types not registered on the API ${audience}: ${unknown.join(', ')}.`);
}

const toGrant = (record: ClientGrantRecord): ClientGrant => ({
  ...record.document,
  id: record.id,
  client_id: record.clientId,
  audience: record.audience,
  scope: (record.document.scope as string[] | undefined) ?? [],
  subject_type: record.subjectType,
});

/** Space-separated: subject types and client ids never contain spaces, and the audience comes last. */
const cacheKey = (clientId: string, audience: string, subjectType: GrantSubjectType) => `${subjectType} ${clientId} ${audience}`;

/**
 * The stored identifier of the API an audience names (undefined: no such API). Grants are kept
 * under it, so every alias of the Management API (another host, a port) finds the same grants.
 */
export type AudienceResolver = (tenantId: string, audience: string) => Promise<string | undefined>;

export class ClientGrantService {
  private readonly cache: EntityCache<ClientGrant>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    private readonly resolveAudience: AudienceResolver,
  ) {
    this.cache = new EntityCache<ClientGrant>(CLIENT_GRANT_KIND, bus);
  }

  /** Cached: read on every client-credentials token request. */
  async findFor(tenantId: string, clientId: string, audience: string, subjectType: GrantSubjectType): Promise<ClientGrant | null> {
    return this.cache.get(tenantId, cacheKey(clientId, audience, subjectType), async () => {
      const record = await this.storage.repos.clientGrants.findFor(tenantId, clientId, audience, subjectType);
      return record ? toGrant(record) : undefined;
    });
  }

  async get(tenantId: string, id: string): Promise<ClientGrant> {
    const record = await this.storage.repos.clientGrants.findById(tenantId, id);
    if (!record) throw notFound('The grant does not exist.', 'inexistent_client_grant');
    return toGrant(record);
  }

  /** Every grant matching the filter, in a stable order (creation, then id); the routes paginate. */
  async list(tenantId: string, filter: ClientGrantFilter): Promise<ClientGrant[]> {
    if (filter.audience !== undefined) filter = { ...filter, audience: (await this.resolveAudience(tenantId, filter.audience)) ?? filter.audience };
    return (await this.storage.repos.clientGrants.listAll(tenantId, filter)).map(toGrant);
  }

  async create(tenantId: string, requested: CreateClientGrantInput): Promise<ClientGrant> {
    const input = { ...requested, audience: (await this.resolveAudience(tenantId, requested.audience)) ?? requested.audience };
    const subjectType = input.subject_type ?? 'client';
    const grant = await this.storage.transaction(async (repos) => {
      if (!(await repos.clients.findById(tenantId, input.client_id))) throw notFound('Client not found', 'inexistent_client');
      await checkScopesDefined(repos, tenantId, input.audience, input.scope);
      await checkDetailsTypes(repos, tenantId, input.audience, subjectType, input.authorization_details_types);
      if (await repos.clientGrants.findFor(tenantId, input.client_id, input.audience, subjectType)) {
        throw conflict('A client grant for this client, audience and subject type already exists.', 'client_grant_conflict');
      }
      const record: ClientGrantRecord = {
        tenantId,
        id: newClientGrantId(),
        clientId: input.client_id,
        audience: input.audience,
        subjectType,
        document: { ...withoutKeys(input, ['client_id', 'audience', 'subject_type']), scope: [...new Set(input.scope)] },
        createdAt: nowIso(),
      };
      await repos.clientGrants.insert(record);
      return toGrant(record);
    });
    await this.invalidate(tenantId, grant);
    return grant;
  }

  /** PATCH: scope, allow_all_scopes, organization_usage, allow_any_organization, authorization_details_types. */
  async update(tenantId: string, id: string, patch: UpdateClientGrantInput): Promise<ClientGrant> {
    const grant = await this.storage.transaction(async (repos) => {
      const record = await repos.clientGrants.findById(tenantId, id);
      if (!record) throw notFound('The client grant does not exist.', 'inexistent_client_grant');
      const document = { ...record.document };
      for (const [field, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        if (value === null) delete document[field];
        else document[field] = field === 'scope' ? [...new Set(value as string[])] : value;
      }
      if (patch.scope) await checkScopesDefined(repos, tenantId, record.audience, patch.scope);
      if (patch.authorization_details_types) await checkDetailsTypes(repos, tenantId, record.audience, record.subjectType, patch.authorization_details_types);
      await repos.clientGrants.replaceDocument(tenantId, id, document);
      return toGrant({ ...record, document });
    });
    await this.invalidate(tenantId, grant);
    return grant;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const grant = await this.get(tenantId, id);
    await this.storage.transaction((repos) => repos.clientGrants.delete(tenantId, id));
    await this.invalidate(tenantId, grant);
  }

  /** After a committed write: drops the cached grant, or (no grant) every cached grant of the tenant. */
  invalidate(tenantId: string, grant?: Pick<ClientGrant, 'client_id' | 'audience' | 'subject_type'>): Promise<void> {
    return invalidateClientGrants(this.bus, tenantId, grant);
  }
}

/**
 * Publishes the client-grant invalidation. Also for services that delete grants inside their own
 * transactions (an application's, an API's) and cannot reach a ClientGrantService (which is built
 * after them): they call this after their commit rather than publishing the kind by hand.
 */
export function invalidateClientGrants(bus: InvalidationBus, tenantId: string, grant?: Pick<ClientGrant, 'client_id' | 'audience' | 'subject_type'>): Promise<void> {
  return bus.publish(grant ? { tenantId, kind: CLIENT_GRANT_KIND, key: cacheKey(grant.client_id, grant.audience, grant.subject_type) } : { tenantId, kind: CLIENT_GRANT_KIND });
}

const withoutKeys = (value: object, keys: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([key, v]) => !keys.includes(key) && v !== undefined));
