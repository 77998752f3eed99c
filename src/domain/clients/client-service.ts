/**
 * Applications: creation and update with Auth0's defaults and rules, secret rotation, cached
 * lookup for the token endpoint, listing and deletion (which also removes the application's grants).
 */
import type { Storage, Repositories } from '../../storage/storage.js';
import type { ClientRecord } from '../../storage/repositories/clients.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import { invalid, notFound } from '../errors.js';
import { newClientId, newClientSecret } from '../ids.js';
import { nowIso } from '../clock.js';
import { CLIENT_KIND, DEFAULT_REFRESH_TOKEN, defaultGrantTypes, isPublicAppType, toClient, toRecordParts, type AppType, type Client, type RefreshTokenSettings } from './client.js';
import { checkClient } from './client-rules.js';
import { removeClientFromConnections } from '../connections/connection-service.js';
import { invalidateClientGrants } from '../client-grants/client-grant-service.js';
import { UNSUPPORTED_CLIENT_SETTINGS, refuseUnsupportedSettings } from '../unsupported-settings.js';
import { checkComplianceLevelCredentials } from './compliance-levels.js';
import { CREDENTIAL_METHODS, checkAssociations, normalizeSignedRequestObject, reconcileAuthenticationMethods } from './authentication-methods.js';
import { insertCredential } from './client-credential-service.js';
import type { CredentialInput } from './credential-material.js';
import { systemClock, type Clock } from '../clock.js';
import { checkAliasesAgainst, realmOwners, type RealmOwners } from './client-aliases.js';

/** A create or PATCH body after schema validation: Auth0 client fields. */
export interface ClientInput {
  [field: string]: unknown;
  name?: string;
  app_type?: AppType;
  client_id?: string;
  client_secret?: string;
  grant_types?: string[];
  token_endpoint_auth_method?: Client['token_endpoint_auth_method'];
  /** On create, credentials may be given whole (created and associated); on update, by id only. */
  client_authentication_methods?: Partial<Record<string, { credentials: Array<{ id: string } | CredentialInput> }>> | null;
  /** JAR: on create, credentials given whole (created and associated); on update, by id only. */
  signed_request_object?: { required?: boolean; credentials?: Array<{ id: string } | CredentialInput> } | null;
  jwt_configuration?: JwtConfigurationInput;
  refresh_token?: Partial<RefreshTokenSettings> | null;
}

/**
 * `RS512` passes the request schema so that refuseUnsupportedSettings() answers it with the values
 * Tessera accepts; it never reaches a stored client.
 */
export type JwtConfigurationInput = Partial<Omit<Client['jwt_configuration'], 'alg'>> & { alg?: Client['jwt_configuration']['alg'] | 'RS512' };

export interface ClientFilter {
  appTypes?: string[];
  isFirstParty?: boolean;
  isGlobal?: boolean;
}

export interface CreateOptions {
  isSystem?: boolean;
  /**
   * Runs inside the creating transaction, e.g. to enable the tenant's connections for the new
   * application when `flags.enable_client_connections` is on.
   */
  afterInsert?: (repos: Repositories, client: Client) => Promise<void>;
}

export class ClientService {
  private readonly cache: EntityCache<Client>;
  /**
   * Per tenant, realm → owning applications (`/wsfed?wtrealm=` is anonymous and frequent): built
   * from ids and aliases only, dropped on any application change on every instance (the cache bus).
   */
  private readonly realms: EntityCache<RealmOwners>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    /** Decides whether a credential given inline has already expired. */
    private readonly clock: Clock = systemClock,
  ) {
    this.cache = new EntityCache<Client>(CLIENT_KIND, bus);
    this.realms = new EntityCache<RealmOwners>(CLIENT_KIND, bus, { perTenant: true, max: 5_000 });
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

  async list(tenantId: string, tenantName: string, filter: ClientFilter, page: { offset: number; limit: number }): Promise<{ items: Client[]; total: number }> {
    // Without a filter on a document field, the page and the total come from the database (index
    // clients_tenant_created), so a page costs the same with ten thousand applications as with ten.
    if (filter.isFirstParty === undefined && filter.isGlobal === undefined) {
      const repo = this.storage.repos.clients;
      const [records, total] = await Promise.all([repo.page(tenantId, filter.appTypes, page), repo.count(tenantId, filter.appTypes)]);
      return { items: records.map((r) => toClient(r, tenantName)), total };
    }
    // Filters on document fields are applied in memory over the tenant's applications, which are few
    // (Auth0 caps them per tenant); the total and the page are then exact.
    const all = (await this.storage.repos.clients.listAll(tenantId)).map((r) => toClient(r, tenantName));
    const matching = all.filter(
      (c) =>
        (!filter.appTypes || (c.app_type !== undefined && filter.appTypes.includes(c.app_type))) &&
        (filter.isFirstParty === undefined || c.is_first_party === filter.isFirstParty) &&
        (filter.isGlobal === undefined || c.global === filter.isGlobal),
    );
    return { items: matching.slice(page.offset, page.offset + page.limit), total: matching.length };
  }

  /** The tenant's third-party applications (`is_first_party: false`), counted on an index: Dynamic Client Registration's cap. */
  countThirdParty(tenantId: string): Promise<number> {
    return this.storage.repos.clients.countThirdParty(tenantId);
  }

  /** Every WS-Fed realm of the tenant's applications (`urn:{client_id}` and the aliases) and who owns it; cached per tenant. */
  async realmOwners(tenantId: string): Promise<RealmOwners> {
    return (await this.realms.get(tenantId, 'realms', async () => realmOwners(await this.storage.repos.clients.listRealms(tenantId))))!;
  }

  async create(tenantId: string, tenantName: string, input: ClientInput, options: CreateOptions = {}): Promise<Client> {
    refuseUnsupportedSettings(UNSUPPORTED_CLIENT_SETTINGS, input);
    const { client_authentication_methods: inlineMethods, signed_request_object: inlineJar, ...fields } = input;
    const client = buildClient(tenantName, fields as ClientInput);
    if (inlineMethods) {
      // The credentials are created in the transaction below; the rules are checked there, with their ids.
      if (fields.token_endpoint_auth_method !== undefined && fields.token_endpoint_auth_method !== null) reconcileAuthenticationMethods({ ...client, client_authentication_methods: { private_key_jwt: { credentials: [] } } }, input);
      client.token_endpoint_auth_method = null;
    } else {
      reconcileAuthenticationMethods(client, input);
    }
    // With inline credentials the methods are known now (their ids only in the transaction): the rules
    // that read which methods are configured (a compliance level's) judge them as they will be stored.
    checkClient({
      ...client,
      ...(inlineMethods ? { client_authentication_methods: Object.fromEntries(Object.keys(inlineMethods).map((method) => [method, { credentials: [] }])) } : {}),
      ...(inlineJar ? { signed_request_object: { required: inlineJar.required ?? false, credentials: (inlineJar.credentials ?? []).map(() => ({ id: '' })) } } : {}),
    });
    const now = nowIso();
    await this.storage.transaction(async (repos) => {
      if (await repos.clients.findById(tenantId, client.client_id)) throw invalid('Payload validation error: a client with this client_id already exists.', 'client_exists');
      checkAliasesAgainst(client, realmOwners(await repos.clients.listRealms(tenantId)), { created: true });
      const stored: Client = { ...client };
      const record: ClientRecord = { tenantId, ...toRecordParts(stored), isSystem: options.isSystem ?? false, createdAt: now, updatedAt: now };
      await repos.clients.insert(record);
      if (inlineMethods) {
        // Auth0 creates the credentials given whole and associates them in the same request.
        const methods: NonNullable<Client['client_authentication_methods']> = {};
        for (const method of CREDENTIAL_METHODS) {
          const given = inlineMethods[method];
          if (!given) continue;
          const ids: Array<{ id: string }> = [];
          for (const credential of given.credentials) {
            if ('id' in credential) throw invalid(`Payload validation error: client_authentication_methods.${method}.credentials of a new client must be given whole (credential_type, pem...), not by id.`);
            ids.push({ id: (await insertCredential(repos, tenantId, client.client_id, credential, this.clock.now())).id });
          }
          methods[method] = { credentials: ids };
        }
        stored.client_authentication_methods = methods;
        reconcileAuthenticationMethods(stored, input);
      }
      if (inlineJar) {
        // As private_key_jwt's: the request-object credentials of a new client are given whole.
        const ids: Array<{ id: string }> = [];
        for (const credential of inlineJar.credentials ?? []) {
          if ('id' in credential) throw invalid('Payload validation error: signed_request_object.credentials of a new client must be given whole (credential_type, pem...), not by id.');
          ids.push({ id: (await insertCredential(repos, tenantId, client.client_id, credential, this.clock.now())).id });
        }
        stored.signed_request_object = { required: inlineJar.required ?? false, credentials: ids };
        normalizeSignedRequestObject(stored);
      }
      if (inlineMethods || inlineJar) {
        const credentials = await repos.clientCredentials.listForClient(tenantId, client.client_id);
        checkAssociations(stored, credentials);
        checkComplianceLevelCredentials(stored, credentials);
        await repos.clients.replace({ ...record, ...toRecordParts(stored) });
      }
      await options.afterInsert?.(repos, stored);
      client.client_authentication_methods = stored.client_authentication_methods;
      client.signed_request_object = stored.signed_request_object;
    });
    if (!client.client_authentication_methods) delete client.client_authentication_methods;
    if (!client.signed_request_object) delete client.signed_request_object;
    await this.invalidate(tenantId, client.client_id);
    return client;
  }

  /** PATCH semantics: given top-level fields replace the stored ones; nested objects are merged one level deep. */
  async update(tenantId: string, tenantName: string, clientId: string, patch: ClientInput): Promise<Client> {
    refuseUnsupportedSettings(UNSUPPORTED_CLIENT_SETTINGS, patch);
    const updated = await this.storage.transaction(async (repos) => {
      const record = await repos.clients.findById(tenantId, clientId);
      if (!record) throw notFound('The client does not exist', 'inexistent_client');
      const client = applyPatch(toClient(record, tenantName), patch);
      reconcileAuthenticationMethods(client, patch);
      normalizeSignedRequestObject(client);
      checkClient(client);
      // Only when the aliases change: an application whose stored aliases predate the rule can still be turned off.
      if (patch.client_aliases !== undefined) checkAliasesAgainst(client, realmOwners(await repos.clients.listRealms(tenantId)), { created: false });
      const credentials = await repos.clientCredentials.listForClient(tenantId, clientId);
      checkAssociations(client, credentials);
      checkComplianceLevelCredentials(client, credentials);
      await repos.clients.replace({ ...record, ...toRecordParts(client), updatedAt: nowIso() });
      return client;
    });
    await this.invalidate(tenantId, clientId);
    return updated;
  }

  async rotateSecret(tenantId: string, tenantName: string, clientId: string): Promise<Client> {
    return this.update(tenantId, tenantName, clientId, { client_secret: newClientSecret() });
  }

  async delete(tenantId: string, clientId: string): Promise<void> {
    const deleted = await this.storage.transaction(async (repos) => {
      const removed = await repos.clients.delete(tenantId, clientId);
      if (removed) await repos.clientGrants.deleteForClient(tenantId, clientId);
      // Its credentials go with it (the foreign key cascades too; this says so where it is read).
      if (removed) await repos.clientCredentials.deleteForClient(tenantId, clientId);
      if (removed) {
        await removeClientFromConnections(repos, tenantId, clientId);
        // Nothing issued to a deleted application stays usable: users' consent and refresh tokens go too.
        await repos.userGrants.deleteWhere(tenantId, { clientId });
        await repos.refreshTokens.revokeWhere(tenantId, { clientId }, nowIso());
      }
      return removed;
    });
    if (!deleted) throw notFound('The client does not exist', 'inexistent_client');
    await this.invalidate(tenantId, clientId);
    // Its grants went in the same transaction: every cached grant of the tenant goes.
    await invalidateClientGrants(this.bus, tenantId);
  }

  /** After a committed write: the application's cached copy, and the per-tenant caches that depend on applications. */
  private invalidate(tenantId: string, clientId: string): Promise<void> {
    return this.bus.publish({ tenantId, kind: CLIENT_KIND, key: clientId });
  }
}

/** A new application: Auth0's defaults for its type, overridden by what the body gives. */
export function buildClient(tenantName: string, input: ClientInput): Client {
  const isPublic = isPublicAppType(input.app_type);
  // Credentials given inline are create()'s to store; the client records only their ids.
  const { jwt_configuration, refresh_token, client_authentication_methods: _methods, signed_request_object: _jar, ...rest } = input;
  const client: Client = {
    tenant: tenantName,
    client_id: newClientId(),
    // Every application has a secret (Auth0 shows one even for SPAs); only confidential ones may use it.
    client_secret: newClientSecret(),
    name: '',
    is_first_party: true,
    oidc_conformant: true,
    callbacks: [],
    allowed_origins: [],
    web_origins: [],
    allowed_logout_urls: [],
    client_aliases: [],
    allowed_clients: [],
    grant_types: defaultGrantTypes(input.app_type),
    token_endpoint_auth_method: isPublic ? 'none' : 'client_secret_post',
    client_metadata: {},
    custom_login_page_on: true,
    cross_origin_authentication: false,
    sso_disabled: false,
    is_token_endpoint_ip_header_trusted: false,
    global: false,
    ...withoutUndefined(rest),
    jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36_000, secret_encoded: false, ...supportedJwtConfiguration(jwt_configuration) },
    refresh_token: { ...DEFAULT_REFRESH_TOKEN, ...(refresh_token ?? {}) },
  };
  return client;
}

/** Narrows the input's `alg` to what a client may hold; create() has already refused the others (UNSUPPORTED_CLIENT_SETTINGS). */
function supportedJwtConfiguration(input: JwtConfigurationInput = {}): Partial<Client['jwt_configuration']> {
  const { alg, ...rest } = input;
  if (alg === 'RS512') throw invalid('Payload validation error: jwt_configuration.alg must be one of RS256, PS256, HS256.');
  return alg === undefined ? rest : { ...rest, alg };
}

function applyPatch(client: Client, patch: ClientInput): Client {
  const next: Client = { ...client };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null && field === 'refresh_token') next.refresh_token = { ...DEFAULT_REFRESH_TOKEN };
    // Null is a value here: the application authenticates with client_authentication_methods.
    else if (value === null && field === 'token_endpoint_auth_method') next.token_endpoint_auth_method = null;
    else if (value === null) delete next[field];
    else if (MERGED.has(field) && typeof value === 'object' && !Array.isArray(value)) next[field] = { ...((client[field] as object | undefined) ?? {}), ...value };
    else next[field] = value;
  }
  return next;
}

/** Nested settings a PATCH merges into (Auth0 updates e.g. `jwt_configuration.lifetime_in_seconds` alone). */
const MERGED = new Set(['jwt_configuration', 'refresh_token', 'mobile', 'addons', 'oidc_logout', 'native_social_login', 'signed_request_object']);

const withoutUndefined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
