/**
 * The storage facade: one Kysely database, the repositories over it, and transactions that hand
 * the same repositories bound to the transaction, so a domain service writes all-or-nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { SqlDialect } from './dialect.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { TenantsRepository } from './repositories/tenants.js';
import { SigningKeysRepository } from './repositories/signing-keys.js';
import { ClientsRepository } from './repositories/clients.js';
import { ResourceServersRepository } from './repositories/resource-servers.js';
import { ClientGrantsRepository } from './repositories/client-grants.js';
import { LogsRepository } from './repositories/logs.js';
import { CacheInvalidationsRepository } from './repositories/cache-invalidations.js';
import { ConnectionsRepository } from './repositories/connections.js';
import { UsersRepository } from './repositories/users.js';
import { RolesRepository } from './repositories/roles.js';
import { TtlEntriesRepository } from './repositories/ttl-entries.js';
import { SessionsRepository } from './repositories/sessions.js';
import { RefreshTokensRepository } from './repositories/refresh-tokens.js';
import { UserGrantsRepository } from './repositories/user-grants.js';
import { DevOutboxRepository } from './repositories/dev-outbox.js';
import { AttackProtectionRepository } from './repositories/attack-protection.js';
import { PasswordlessCodesRepository } from './repositories/passwordless-codes.js';

export interface Repositories {
  tenants: TenantsRepository;
  signingKeys: SigningKeysRepository;
  clients: ClientsRepository;
  resourceServers: ResourceServersRepository;
  clientGrants: ClientGrantsRepository;
  logs: LogsRepository;
  cacheInvalidations: CacheInvalidationsRepository;
  connections: ConnectionsRepository;
  users: UsersRepository;
  roles: RolesRepository;
  ttlEntries: TtlEntriesRepository;
  sessions: SessionsRepository;
  refreshTokens: RefreshTokensRepository;
  userGrants: UserGrantsRepository;
  devOutbox: DevOutboxRepository;
  attackProtection: AttackProtectionRepository;
  passwordlessCodes: PasswordlessCodesRepository;
}

function repositoriesOver(db: Kysely<Database>, dialect: SqlDialect, box: SecretBox | undefined): Repositories {
  return {
    tenants: new TenantsRepository(db),
    signingKeys: new SigningKeysRepository(db, box),
    clients: new ClientsRepository(db, box),
    resourceServers: new ResourceServersRepository(db),
    clientGrants: new ClientGrantsRepository(db),
    logs: new LogsRepository(db),
    cacheInvalidations: new CacheInvalidationsRepository(db),
    connections: new ConnectionsRepository(db),
    users: new UsersRepository(db, dialect),
    roles: new RolesRepository(db),
    ttlEntries: new TtlEntriesRepository(db),
    sessions: new SessionsRepository(db),
    refreshTokens: new RefreshTokensRepository(db),
    userGrants: new UserGrantsRepository(db),
    devOutbox: new DevOutboxRepository(db),
    attackProtection: new AttackProtectionRepository(db),
    passwordlessCodes: new PasswordlessCodesRepository(db),
  };
}

export class Storage {
  readonly repos: Repositories;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: SqlDialect,
    /** Encrypts secret columns at rest; without it, secrets can be read only if stored in clear and never written. */
    private readonly box?: SecretBox,
  ) {
    this.repos = repositoriesOver(db, dialect, box);
  }

  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') return this.sqliteTransaction(work);
    return this.db.transaction().execute((trx) => work(repositoriesOver(trx, this.dialect, this.box)));
  }

  /**
   * SQLite's default deferred transaction takes the write lock only at its first write; if another
   * process (a CLI command, a second server) writes meanwhile, the upgrade fails at once with
   * "database is locked" instead of waiting. BEGIN IMMEDIATE takes the lock up front, so the
   * busy timeout applies.
   */
  private sqliteTransaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await work(repositoriesOver(connection, 'sqlite', this.box));
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
