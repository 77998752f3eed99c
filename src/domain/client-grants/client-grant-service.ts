/**
 * Client grants: which application may get tokens for which API, with which scopes.
 * At most one grant per (client, API, subject type). The token endpoint reads them through a cache.
 */
import type { Storage } from '../../storage/storage.js';
import type { ClientGrantFilter, ClientGrantRecord, GrantSubjectType } from '../../storage/repositories/client-grants.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import { conflict, invalid, notFound } from '../errors.js';
import { newClientGrantId } from '../ids.js';
import { nowIso } from '../clock.js';

const KIND = 'client-grant';

export interface ClientGrant {
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
}

const toGrant = (record: ClientGrantRecord): ClientGrant => ({
  id: record.id,
  client_id: record.clientId,
  audience: record.audience,
  scope: (record.document.scope as string[] | undefined) ?? [],
  subject_type: record.subjectType,
  ...(record.document.allow_all_scopes !== undefined ? { allow_all_scopes: record.document.allow_all_scopes as boolean } : {}),
});

/** Space-separated: subject types and client ids never contain spaces, and the audience comes last. */
const cacheKey = (clientId: string, audience: string, subjectType: GrantSubjectType) => `${subjectType} ${clientId} ${audience}`;

export class ClientGrantService {
  private readonly cache: EntityCache<ClientGrant>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
  ) {
    this.cache = new EntityCache<ClientGrant>(KIND, bus);
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

  async list(tenantId: string, filter: ClientGrantFilter, page: { offset: number; limit: number }): Promise<{ items: ClientGrant[]; total: number }> {
    const repo = this.storage.repos.clientGrants;
    const [records, total] = await Promise.all([repo.list(tenantId, filter, page), repo.count(tenantId, filter)]);
    return { items: records.map(toGrant), total };
  }

  async create(tenantId: string, input: CreateClientGrantInput): Promise<ClientGrant> {
    const subjectType = input.subject_type ?? 'client';
    const grant = await this.storage.transaction(async (repos) => {
      if (!(await repos.clients.findById(tenantId, input.client_id))) throw notFound('Client not found', 'inexistent_client');
      const api = await repos.resourceServers.findByIdentifier(tenantId, input.audience);
      if (!api) throw notFound('Resource server not found', 'inexistent_resource_server');
      const defined = new Set(((api.document.scopes as Array<{ value: string }> | undefined) ?? []).map((s) => s.value));
      const unknown = input.scope.filter((s) => !defined.has(s));
      if (unknown.length) throw invalid(`Payload validation error: scope(s) not defined on the API: ${unknown.join(', ')}.`);
      if (await repos.clientGrants.findFor(tenantId, input.client_id, input.audience, subjectType)) {
        throw conflict('A client grant for this client, audience and subject type already exists.', 'client_grant_conflict');
      }
      const record: ClientGrantRecord = {
        tenantId,
        id: newClientGrantId(),
        clientId: input.client_id,
        audience: input.audience,
        subjectType,
        document: { scope: [...new Set(input.scope)], ...(input.allow_all_scopes !== undefined ? { allow_all_scopes: input.allow_all_scopes } : {}) },
        createdAt: nowIso(),
      };
      await repos.clientGrants.insert(record);
      return toGrant(record);
    });
    await this.bus.publish({ tenantId, kind: KIND, key: cacheKey(grant.client_id, grant.audience, grant.subject_type) });
    return grant;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const grant = await this.get(tenantId, id);
    await this.storage.transaction((repos) => repos.clientGrants.delete(tenantId, id));
    await this.bus.publish({ tenantId, kind: KIND, key: cacheKey(grant.client_id, grant.audience, grant.subject_type) });
  }
}
