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
import { CustomSigningKeysRepository } from './repositories/custom-signing-keys.js';
import { ClientsRepository } from './repositories/clients.js';
import { ClientCredentialsRepository } from './repositories/client-credentials.js';
import { ClientAssertionJtisRepository } from './repositories/client-assertion-jtis.js';
import { ResourceServersRepository } from './repositories/resource-servers.js';
import { ClientGrantsRepository } from './repositories/client-grants.js';
import { LogsRepository } from './repositories/logs.js';
import { CacheInvalidationsRepository } from './repositories/cache-invalidations.js';
import { ConnectionsRepository } from './repositories/connections.js';
import { UsersRepository } from './repositories/users.js';
import { UserIdentitiesRepository } from './repositories/user-identities.js';
import { RolesRepository } from './repositories/roles.js';
import { TtlEntriesRepository } from './repositories/ttl-entries.js';
import { SessionsRepository } from './repositories/sessions.js';
import { RefreshTokensRepository } from './repositories/refresh-tokens.js';
import { UserGrantsRepository } from './repositories/user-grants.js';
import { DevOutboxRepository } from './repositories/dev-outbox.js';
import { AttackProtectionRepository } from './repositories/attack-protection.js';
import { PasswordlessCodesRepository } from './repositories/passwordless-codes.js';
import { ExpiredRowsRepository } from './repositories/expired-rows.js';
import { DashboardMembershipsRepository } from './repositories/dashboard-memberships.js';
import { DashboardInvitationsRepository } from './repositories/dashboard-invitations.js';
import { DashboardSessionsRepository } from './repositories/dashboard-sessions.js';
import { DashboardAccountsRepository } from './repositories/dashboard-accounts.js';
import { StatsRepository } from './repositories/stats.js';

export interface Repositories {
  tenants: TenantsRepository;
  signingKeys: SigningKeysRepository;
  customSigningKeys: CustomSigningKeysRepository;
  clients: ClientsRepository;
  clientCredentials: ClientCredentialsRepository;
  clientAssertionJtis: ClientAssertionJtisRepository;
  resourceServers: ResourceServersRepository;
  clientGrants: ClientGrantsRepository;
  logs: LogsRepository;
  cacheInvalidations: CacheInvalidationsRepository;
  connections: ConnectionsRepository;
  users: UsersRepository;
  userIdentities: UserIdentitiesRepository;
  roles: RolesRepository;
  ttlEntries: TtlEntriesRepository;
  sessions: SessionsRepository;
  refreshTokens: RefreshTokensRepository;
  userGrants: UserGrantsRepository;
  devOutbox: DevOutboxRepository;
  attackProtection: AttackProtectionRepository;
  passwordlessCodes: PasswordlessCodesRepository;
  expiredRows: ExpiredRowsRepository;
  dashboardMemberships: DashboardMembershipsRepository;
  dashboardInvitations: DashboardInvitationsRepository;
  dashboardSessions: DashboardSessionsRepository;
  dashboardAccounts: DashboardAccountsRepository;
  stats: StatsRepository;
}

function repositoriesOver(db: Kysely<Database>, dialect: SqlDialect, box: SecretBox | undefined): Repositories {
  return {
    tenants: new TenantsRepository(db),
    signingKeys: new SigningKeysRepository(db, box),
    customSigningKeys: new CustomSigningKeysRepository(db),
    clients: new ClientsRepository(db, box),
    clientCredentials: new ClientCredentialsRepository(db),
    clientAssertionJtis: new ClientAssertionJtisRepository(db),
    resourceServers: new ResourceServersRepository(db, box),
    clientGrants: new ClientGrantsRepository(db),
    logs: new LogsRepository(db),
    cacheInvalidations: new CacheInvalidationsRepository(db),
    connections: new ConnectionsRepository(db),
    users: new UsersRepository(db, dialect),
    userIdentities: new UserIdentitiesRepository(db),
    roles: new RolesRepository(db),
    ttlEntries: new TtlEntriesRepository(db),
    sessions: new SessionsRepository(db),
    refreshTokens: new RefreshTokensRepository(db),
    userGrants: new UserGrantsRepository(db),
    devOutbox: new DevOutboxRepository(db),
    attackProtection: new AttackProtectionRepository(db),
    passwordlessCodes: new PasswordlessCodesRepository(db),
    expiredRows: new ExpiredRowsRepository(db),
    dashboardMemberships: new DashboardMembershipsRepository(db),
    dashboardInvitations: new DashboardInvitationsRepository(db),
    dashboardSessions: new DashboardSessionsRepository(db),
    dashboardAccounts: new DashboardAccountsRepository(db),
    stats: new StatsRepository(db),
  };
}

/** How often a PostgreSQL transaction that lost a serialization conflict is run again before the error stands. */
const SERIALIZATION_ATTEMPTS = 8;

/** PostgreSQL's serialization_failure and deadlock_detected: the transaction may simply be run again. */
function isSerializationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
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

  /**
   * Runs `work` all or nothing. Both dialects give the isolation of one writer at a time, so a
   * read-modify-write (a PATCH merging into a stored document) never loses a concurrent change:
   * SQLite by taking the write lock up front, PostgreSQL by SERIALIZABLE isolation, retrying work
   * that lost a conflict. `work` may therefore run more than once: it must only touch the database.
   */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') return this.sqliteTransaction(work);
    return this.postgresTransaction(work);
  }

  private async postgresTransaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db
          .transaction()
          .setIsolationLevel('serializable')
          .execute((trx) => work(repositoriesOver(trx, 'postgres', this.box)));
      } catch (error) {
        if (attempt >= SERIALIZATION_ATTEMPTS || !isSerializationFailure(error)) throw error;
        // A random pause, growing with each attempt, so the transactions that collided do not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
      }
    }
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
