/**
 * Connections: creation with Auth0's defaults, update (name and strategy are immutable), deletion
 * (with the connection's users), and the applications each connection is enabled for. Also the
 * hooks other services call inside their own transactions: the default database connection of a
 * new tenant, a new application's connections, a deleted application, the default directory.
 *
 * Logins read connections on every request (by name, and the ones enabled for an application), so
 * those reads are cached per tenant, like clients. Every write here publishes a tenant-wide
 * `connection` invalidation after it commits; the application-side writes to the enabled-clients
 * link (a new application getting every connection, a deleted one leaving them) happen inside the
 * client service's transactions, which publish `client`, so the caches depend on that kind too.
 * Tenant deletion publishes `tenant`, which every cache honours.
 */
import type { Repositories, Storage } from '../../storage/storage.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import type { ConnectionFilter, ConnectionRecord } from '../../storage/repositories/connections.js';
import { isUniqueViolation } from '../../storage/repositories/users.js';
import { CLIENT_KIND } from '../clients/client.js';
import { conflict, invalid, notFound } from '../errors.js';
import { nowIso } from '../clock.js';
import {
  DEFAULT_DATABASE_CONNECTION,
  DIRECTORY_STRATEGIES,
  STRATEGIES,
  connectionEnabledFor,
  connectionNameProblem,
  newConnectionId,
  normalizeMetadata,
  toConnection,
  type Connection,
  type ConnectionDocument,
  type ConnectionOptions,
  type ConnectionUser,
  type Strategy,
} from './connection.js';
import { buildOptions } from './connection-options.js';
import type { OptionsContext } from './strategies/login-strategy.js';
import { ANY_SENDER, type SenderPolicy } from '../passwordless/sender.js';
import { databaseStrategy } from './strategies/database.js';

export interface CreateConnectionInput {
  name: string;
  strategy: Strategy;
  display_name?: string;
  options?: ConnectionOptions;
  enabled_clients?: string[];
  is_domain_connection?: boolean;
  show_as_button?: boolean;
  realms?: string[];
  metadata?: Record<string, string | null>;
}

export interface UpdateConnectionInput {
  display_name?: string;
  options?: ConnectionOptions | null;
  enabled_clients?: string[] | null;
  is_domain_connection?: boolean;
  show_as_button?: boolean;
  realms?: string[];
  metadata?: Record<string, string | null>;
}

export interface EnabledClientChange {
  client_id: string;
  status: boolean;
}

const notFoundError = () => notFound('The connection does not exist', 'inexistent_connection');

/** The invalidation kind of the connection caches; only this service publishes it. */
const CONNECTION_KIND = 'connection';
/** The connections a login page may offer, loaded at most this many per tenant (Lock's script showed as many). */
const MAX_LOGIN_CONNECTIONS = 1_000;

export class ConnectionService {
  /** By name; cached misses too, so unknown realms do not reach the database. */
  private readonly byName: EntityCache<Connection>;
  /** The tenant's connections in creation order, for "which connections does this application offer". */
  private readonly all: EntityCache<readonly Connection[]>;

  private readonly optionsContext: OptionsContext;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    senderPolicy: SenderPolicy = ANY_SENDER,
  ) {
    this.optionsContext = { senderPolicy };
    const options = { perTenant: true, dependsOn: [CLIENT_KIND] } as const;
    this.byName = new EntityCache<Connection>(CONNECTION_KIND, bus, options);
    this.all = new EntityCache<readonly Connection[]>(CONNECTION_KIND, bus, { ...options, max: 1_000 });
  }

  async get(tenantId: string, id: string): Promise<Connection> {
    const record = await this.storage.repos.connections.findById(tenantId, id);
    if (!record) throw notFoundError();
    return this.withClients(this.storage.repos, tenantId, record);
  }

  /**
   * The connection named `name`, or undefined. Cached: every login names its connection. The object
   * is shared by every caller and frozen; copy it before changing anything.
   */
  async findByName(tenantId: string, name: string): Promise<Connection | undefined> {
    const connection = await this.byName.get(tenantId, name, async () => {
      const record = await this.storage.repos.connections.findByName(tenantId, name);
      return record ? deepFreeze(await this.withClients(this.storage.repos, tenantId, record)) : undefined;
    });
    return connection ?? undefined;
  }

  /**
   * Whether `client` may act for `user` through the connection the user logged in with (a session's
   * connection) or, without one, the user's own (primary) identity's: the rule a login through
   * `client` obeys (connectionEnabledFor), kept by the flows that reach a user without a login form —
   * an SSO session reused at `/authorize`, a CIBA request and its approval and poll. A connection
   * deleted since counts as not enabled.
   */
  async enabledForUser(tenantId: string, client: ConnectionUser, user: { identities: ReadonlyArray<{ connection: string }> }, connectionName?: string): Promise<boolean> {
    const name = connectionName || user.identities[0]?.connection;
    if (!name) return false;
    const connection = await this.findByName(tenantId, name);
    return connection !== undefined && connectionEnabledFor(connection, client);
  }

  /**
   * The connections of the given strategies enabled for the application, in creation order (login
   * pages offer the first). Cached like findByName; the objects are frozen.
   */
  async enabledFor(tenantId: string, client: ConnectionUser, strategies: readonly Strategy[]): Promise<Connection[]> {
    const all = await this.all.get(tenantId, 'all', async () => {
      const records = await this.storage.repos.connections.list(tenantId, { strategies: [...STRATEGIES] }, { offset: 0, limit: MAX_LOGIN_CONNECTIONS });
      return deepFreeze(await this.manyWithClients(tenantId, records));
    });
    return (all ?? []).filter((c) => strategies.includes(c.strategy) && connectionEnabledFor(c, client));
  }

  async list(tenantId: string, filter: ConnectionFilter, page: { offset: number; limit: number }): Promise<{ items: Connection[]; total: number }> {
    const repo = this.storage.repos.connections;
    const [records, total] = await Promise.all([repo.list(tenantId, filter, page), repo.count(tenantId, filter)]);
    return { items: await this.manyWithClients(tenantId, records), total };
  }

  /** Checkpoint pagination (`from`/`take`): `next` is present while more connections follow. */
  async listFrom(tenantId: string, filter: ConnectionFilter, from: string | undefined, take: number): Promise<{ items: Connection[]; next?: string }> {
    const after = from === undefined ? undefined : decodeCursor(from);
    // One extra row tells whether another page follows without a count query.
    const records = await this.storage.repos.connections.listAfter(tenantId, filter, after, take + 1);
    const page = records.slice(0, take);
    const items = await this.manyWithClients(tenantId, page);
    const last = page[page.length - 1];
    return records.length > take && last ? { items, next: encodeCursor(last) } : { items };
  }

  async create(tenantId: string, input: CreateConnectionInput): Promise<Connection> {
    const problem = connectionNameProblem(input.name);
    if (problem) throw invalid(`Payload validation error: 'name' ${problem}.`);
    const document: ConnectionDocument = {
      display_name: input.display_name ?? input.name,
      options: buildOptions(input.strategy, input.name, input.options ?? {}, this.optionsContext),
      realms: realmsOf(input.name, input.realms),
      is_domain_connection: input.is_domain_connection ?? false,
      ...(input.show_as_button !== undefined ? { show_as_button: input.show_as_button } : {}),
      ...(input.metadata !== undefined ? { metadata: metadataOf(input.metadata) } : {}),
    };
    const now = nowIso();
    const record: ConnectionRecord = { tenantId, id: newConnectionId(), name: input.name, strategy: input.strategy, document: { ...document }, createdAt: now, updatedAt: now };
    const created = await this.storage
      .transaction(async (repos) => {
        if (await repos.connections.findByName(tenantId, input.name)) throw nameTaken();
        const clients = unique(input.enabled_clients ?? []);
        await checkClientsExist(repos, tenantId, clients);
        await repos.connections.insert(record);
        await repos.connections.enableClients(tenantId, record.id, clients, now);
        return this.withClients(repos, tenantId, record);
      })
      .catch((error: unknown) => {
        // Two creations with one name racing past the check: the unique constraint decides.
        throw isUniqueViolation(error) ? nameTaken() : error;
      });
    await this.invalidate(tenantId);
    return created;
  }

  async update(tenantId: string, id: string, patch: UpdateConnectionInput): Promise<Connection> {
    const connection = await this.storage.transaction(async (repos) => {
      const record = await repos.connections.findById(tenantId, id);
      if (!record) throw notFoundError();
      const document = { ...(record.document as unknown as ConnectionDocument) };
      if (patch.display_name !== undefined) document.display_name = patch.display_name;
      // Auth0 replaces `options` whole; unspecified options fall back to their defaults.
      if (patch.options !== undefined) document.options = buildOptions(record.strategy as Strategy, record.name, patch.options ?? {}, this.optionsContext);
      if (patch.is_domain_connection !== undefined) document.is_domain_connection = patch.is_domain_connection;
      if (patch.show_as_button !== undefined) document.show_as_button = patch.show_as_button;
      if (patch.realms !== undefined) document.realms = realmsOf(record.name, patch.realms);
      if (patch.metadata !== undefined) document.metadata = metadataOf(patch.metadata);
      const now = nowIso();
      const updated: ConnectionRecord = { ...record, document: { ...document }, updatedAt: now };
      await repos.connections.replace(updated);
      if (patch.enabled_clients !== undefined) {
        const clients = unique(patch.enabled_clients ?? []);
        await checkClientsExist(repos, tenantId, clients);
        await repos.connections.disableAllClients(tenantId, id);
        await repos.connections.enableClients(tenantId, id, clients, now);
      }
      return this.withClients(repos, tenantId, updated);
    });
    await this.invalidate(tenantId);
    return connection;
  }

  /** Deletes the connection, its users (with their identities) and its enabled-client entries. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.storage.transaction(async (repos) => {
      const record = await repos.connections.findById(tenantId, id);
      if (!record) throw notFoundError();
      await repos.userIdentities.deleteForConnection(tenantId, id);
      const userIds = await repos.users.deleteForConnection(tenantId, id);
      await removeUsersElsewhere(repos, tenantId, userIds);
      await repos.connections.delete(tenantId, id);
    });
    await this.invalidate(tenantId);
  }

  /** `GET /connections/{id}/clients`: checkpoint pages of `{ client_id }`. */
  async enabledClients(tenantId: string, id: string, from: string | undefined, take: number): Promise<{ clients: Array<{ client_id: string }>; next?: string }> {
    if (!(await this.storage.repos.connections.findById(tenantId, id))) throw notFoundError();
    const after = from === undefined ? undefined : decodeClientCursor(from);
    const ids = await this.storage.repos.connections.enabledClientsAfter(tenantId, id, after, take + 1);
    const page = ids.slice(0, take);
    const clients = page.map((client_id) => ({ client_id }));
    const last = page[page.length - 1];
    return ids.length > take && last ? { clients, next: Buffer.from(last).toString('base64url') } : { clients };
  }

  /** `PATCH /connections/{id}/clients`: enables (`status: true`) or disables each listed application. */
  async updateEnabledClients(tenantId: string, id: string, changes: EnabledClientChange[]): Promise<void> {
    const statuses = new Map<string, boolean>();
    for (const change of changes) statuses.set(change.client_id, change.status);
    const enable = [...statuses].filter(([, status]) => status).map(([clientId]) => clientId);
    const disable = [...statuses].filter(([, status]) => !status).map(([clientId]) => clientId);
    await this.storage.transaction(async (repos) => {
      if (!(await repos.connections.findById(tenantId, id))) throw notFoundError();
      await checkClientsExist(repos, tenantId, enable);
      await repos.connections.enableClients(tenantId, id, enable, nowIso());
      await repos.connections.disableClients(tenantId, id, disable);
    });
    await this.invalidate(tenantId);
  }

  /** After a committed write: the tenant's cached connections (and cached misses by name) go. */
  private async invalidate(tenantId: string): Promise<void> {
    await this.bus.publish({ tenantId, kind: CONNECTION_KIND });
  }

  private async withClients(repos: Repositories, tenantId: string, record: ConnectionRecord): Promise<Connection> {
    const clients = await repos.connections.enabledClients(tenantId, [record.id]);
    return toConnection(record, clients.get(record.id) ?? []);
  }

  private async manyWithClients(tenantId: string, records: ConnectionRecord[]): Promise<Connection[]> {
    const clients = await this.storage.repos.connections.enabledClients(tenantId, records.map((r) => r.id));
    return records.map((r) => toConnection(r, clients.get(r.id) ?? []));
  }
}

// --- hooks for other services' transactions ------------------------------------------------------

/**
 * A new tenant's `Username-Password-Authentication` database connection (password policy `good`,
 * brute-force protection on), enabled for the applications the tenant already has.
 */
export async function createDefaultConnection(repos: Repositories, tenantId: string, now: string = nowIso()): Promise<void> {
  const name = DEFAULT_DATABASE_CONNECTION;
  const document: ConnectionDocument = {
    display_name: name,
    options: buildOptions(databaseStrategy.name, name, { passwordPolicy: 'good', brute_force_protection: true }, { senderPolicy: ANY_SENDER }),
    realms: [name],
    is_domain_connection: false,
  };
  const id = newConnectionId();
  await repos.connections.insert({ tenantId, id, name, strategy: databaseStrategy.name, document: { ...document }, createdAt: now, updatedAt: now });
  await repos.connections.enableForAllClients(tenantId, id, now);
}

/** Tenant flag `enable_client_connections`: a new application gets every existing connection. */
export async function enableAllConnectionsForClient(repos: Repositories, tenantId: string, clientId: string): Promise<void> {
  await repos.connections.enableAllForClient(tenantId, clientId, nowIso());
}

/** A deleted application leaves every connection's enabled clients. */
export async function removeClientFromConnections(repos: Repositories, tenantId: string, clientId: string): Promise<void> {
  await repos.connections.removeClient(tenantId, clientId);
}

/**
 * Tenant setting `default_directory`: the name of an existing connection whose strategy Auth0
 * allows there. An empty string clears the setting.
 */
export async function checkDefaultDirectory(repos: Repositories, tenantId: string, name: string): Promise<void> {
  if (name === '') return;
  const connection = await repos.connections.findByName(tenantId, name);
  if (!connection) throw invalid(`Payload validation error: default_directory: the connection "${name}" does not exist.`);
  if (!DIRECTORY_STRATEGIES.has(connection.strategy)) {
    throw invalid(
      `Payload validation error: default_directory: the connection "${name}" has strategy "${connection.strategy}"; allowed strategies are ${[...DIRECTORY_STRATEGIES].join(', ')}.`,
    );
  }
}

/**
 * Other aggregates that name users (role assignments, direct permissions) must not outlive them,
 * or a later user created with the same custom id would inherit them.
 */
export async function removeUsersElsewhere(repos: Repositories, tenantId: string, userIds: string[]): Promise<void> {
  const now = nowIso();
  for (const userId of userIds) {
    await repos.roles.removeUser(tenantId, userId);
    // A deleted user keeps no way in: consent, refresh tokens and login sessions go with them.
    await repos.userGrants.deleteWhere(tenantId, { userId });
    await repos.refreshTokens.revokeWhere(tenantId, { userId }, now);
    await repos.sessions.revokeForUser(tenantId, userId, now);
  }
}

// --- helpers --------------------------------------------------------------------------------------

const nameTaken = () => conflict('A connection with the same name already exists', 'connection_conflict');

const unique = (values: string[]): string[] => [...new Set(values)];

/** Cached values are shared between requests: a caller changing one would change it for everyone. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function realmsOf(name: string, realms: string[] | undefined): string[] {
  return realms && realms.length > 0 ? unique(realms) : [name];
}

function metadataOf(metadata: Record<string, string | null>): Record<string, string> {
  const result = normalizeMetadata(metadata);
  if (typeof result === 'string') throw invalid(`Payload validation error: ${result}.`);
  return result;
}

async function checkClientsExist(repos: Repositories, tenantId: string, clientIds: string[]): Promise<void> {
  if (clientIds.length === 0) return;
  const existing = await repos.connections.existingClientIds(tenantId, clientIds);
  const missing = clientIds.filter((id) => !existing.has(id));
  if (missing.length) throw invalid(`Payload validation error: enabled clients do not exist: ${missing.join(', ')}.`, 'invalid_body');
}

/** Checkpoint cursors are opaque to clients: the last row's creation time and id. */
function encodeCursor(record: ConnectionRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.id])).toString('base64url');
}

function decodeCursor(from: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(from, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through
  }
  throw invalid("Query validation error: 'from' is not a valid checkpoint.", 'invalid_query_string');
}

function decodeClientCursor(from: string): string {
  const clientId = Buffer.from(from, 'base64url').toString('utf8');
  if (!/^[\x21-\x7e]{1,64}$/.test(clientId)) throw invalid("Query validation error: 'from' is not a valid checkpoint.", 'invalid_query_string');
  return clientId;
}
