/** The connection object as the Management API shows it, and the rules on its name and metadata. */
import type { ConnectionRecord } from '../../storage/repositories/connections.js';
import { randomAlphanumeric } from '../ids.js';
import { STRATEGY_NAMES, type StrategyName } from './strategies/registry.js';

/** Strategies this server stores users for (strategies/registry.ts): the database, and passwordless by email or SMS. */
export const STRATEGIES = STRATEGY_NAMES;
export type Strategy = StrategyName;

/**
 * Strategies Auth0 accepts as a tenant's `default_directory` (docs: tenant settings): every one
 * this server implements, and Auth0's enterprise directories, which it does not (yet).
 */
export const DIRECTORY_STRATEGIES: ReadonlySet<string> = new Set([...STRATEGY_NAMES, 'ad', 'auth0-adldap', 'waad', 'adfs']);

export const DEFAULT_DATABASE_CONNECTION = 'Username-Password-Authentication';

export type ConnectionOptions = Record<string, unknown>;

export interface Connection {
  id: string;
  name: string;
  display_name: string;
  strategy: Strategy;
  options: ConnectionOptions;
  enabled_clients: string[];
  realms: string[];
  is_domain_connection: boolean;
  show_as_button?: boolean;
  metadata?: Record<string, string>;
}

/** The application side of the rule below: which application, and who owns it. */
export interface ConnectionUser {
  client_id: string;
  is_first_party: boolean;
}

/**
 * Whether `client` may log users in through `connection`. A first-party application uses the
 * connections enabled for it; a third-party application only domain-level connections, which are
 * open to every third-party application whatever their enabled clients (Auth0: "Enable Third-Party
 * Applications", "Promote Connections to Domain Level").
 */
export function connectionEnabledFor(connection: Pick<Connection, 'enabled_clients' | 'is_domain_connection'>, client: ConnectionUser): boolean {
  return client.is_first_party ? connection.enabled_clients.includes(client.client_id) : connection.is_domain_connection === true;
}

/** What the `document` column holds. */
export type ConnectionDocument = Omit<Connection, 'id' | 'name' | 'strategy' | 'enabled_clients'>;

export const newConnectionId = (): string => `con_${randomAlphanumeric(16)}`;

/** Auth0: 1–128 characters, alphanumerics and `-`, starting and ending with an alphanumeric. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/;

export function connectionNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 128) return 'must be 1 to 128 characters long';
  if (!NAME.test(name)) return 'must start and end with an alphanumeric character and contain only alphanumeric characters and "-"';
  return undefined;
}

export const MAX_METADATA_KEYS = 10;
export const MAX_METADATA_LENGTH = 255;

/** Connection metadata: at most 10 string entries of at most 255 characters; null values drop a key. */
export function normalizeMetadata(metadata: Record<string, string | null>): Record<string, string> | string {
  const entries = Object.entries(metadata).filter((entry): entry is [string, string] => entry[1] !== null);
  if (entries.length > MAX_METADATA_KEYS) return `metadata must have at most ${MAX_METADATA_KEYS} properties`;
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > MAX_METADATA_LENGTH) return `metadata keys must be 1 to ${MAX_METADATA_LENGTH} characters long`;
    if (value.length > MAX_METADATA_LENGTH) return `metadata.${key} must be at most ${MAX_METADATA_LENGTH} characters long`;
  }
  return Object.fromEntries(entries);
}

export function toConnection(record: ConnectionRecord, enabledClients: string[]): Connection {
  const document = record.document as unknown as ConnectionDocument;
  return {
    id: record.id,
    options: document.options,
    strategy: record.strategy as Strategy,
    name: record.name,
    is_domain_connection: document.is_domain_connection,
    realms: document.realms,
    enabled_clients: enabledClients,
    display_name: document.display_name,
    ...(document.show_as_button !== undefined ? { show_as_button: document.show_as_button } : {}),
    ...(document.metadata !== undefined ? { metadata: document.metadata } : {}),
  };
}
