/**
 * Users of a tenant's connections: creation (with the connection's password policy, or an imported
 * bcrypt hash), search, update (metadata merged, password re-checked and rehashed), deletion, and
 * what a login flow needs: find a user by email or username, check a password, record the login.
 * A user's `identities[]` are rows of their own (user_identities), written and deleted in the same
 * transaction as the user and read in one query per page of users.
 */
import type { Repositories, Storage } from '../../storage/storage.js';
import type { ConnectionRecord } from '../../storage/repositories/connections.js';
import { isUniqueViolation, type UserRecord } from '../../storage/repositories/users.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { nowIso } from '../clock.js';
import type { ConnectionDocument } from '../connections/connection.js';
import { removeUsersElsewhere } from '../connections/connection-service.js';
import type { LoginStrategy, UserIdentifiers } from '../connections/strategies/login-strategy.js';
import { isStrategyKind, passwordlessOf, registeredStrategy } from '../connections/strategies/registry.js';
import { PASSWORD_ERRORS, passwordProblem, passwordRulesOf, type PersonalInfo } from './password-policy.js';
import { bcryptCostOf, hashPassword, isBcryptHash, MAX_IMPORTED_BCRYPT_COST, needsRehash, verifyPassword } from './passwords.js';
import { parseUserQuery, parseUserSort } from './user-search.js';
import {
  defaultPicture,
  mergeMetadata,
  metadataProblem,
  newUserId,
  primaryIdentityOf,
  toUser,
  type User,
  type UserDocument,
} from './user.js';

export interface CustomPasswordHash {
  algorithm: string;
  hash: { value: string; encoding?: string };
  [field: string]: unknown;
}

export interface CreateUserInput {
  connection: string;
  email?: string;
  phone_number?: string;
  username?: string;
  password?: string;
  /** Import: an existing bcrypt hash (`$2a$`/`$2b$`), as in Auth0's bulk user import. */
  password_hash?: string;
  /** Import: Auth0's custom password hash object; only its bcrypt form is supported. */
  custom_password_hash?: CustomPasswordHash;
  user_id?: string;
  email_verified?: boolean;
  phone_verified?: boolean;
  verify_email?: boolean;
  blocked?: boolean;
  given_name?: string;
  family_name?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
}

export interface UpdateUserInput {
  connection?: string;
  client_id?: string;
  email?: string | null;
  phone_number?: string | null;
  username?: string | null;
  password?: string | null;
  email_verified?: boolean;
  phone_verified?: boolean;
  verify_email?: boolean;
  verify_phone_number?: boolean;
  blocked?: boolean;
  given_name?: string | null;
  family_name?: string | null;
  name?: string | null;
  nickname?: string | null;
  picture?: string | null;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
}

export interface UserListQuery {
  q?: string;
  sort?: string;
  /** Search engine v1's connection filter; applied as `identities.connection`. */
  connection?: string;
}

/** What a login flow works with: the user, and the secrets it must never show. */
export interface LoginUser {
  user: User;
  tenantId: string;
  passwordHash: string | null;
  blocked: boolean;
}

const userNotFound = () => notFound('The user does not exist.', 'inexistent_user');
const connectionMissing = () => invalid('The connection does not exist.', 'inexistent_connection');
const userExists = () => conflict('The user already exists.', 'auth0_idp_error');
const payload = (message: string) => invalid(`Payload validation error: ${message}.`);

export class UserService {
  constructor(private readonly storage: Storage) {}

  async get(tenantId: string, userId: string): Promise<User> {
    const user = await this.find(tenantId, userId);
    if (!user) throw userNotFound();
    return user;
  }

  /** The user, or undefined when there is none (a ticket may outlive its user). */
  async find(tenantId: string, userId: string): Promise<User | undefined> {
    const repos = this.storage.repos;
    const [record, identities] = await Promise.all([repos.users.findById(tenantId, userId), repos.userIdentities.listForUser(tenantId, userId)]);
    return record ? toUser(record, identities) : undefined;
  }

  /**
   * A page of users. The total counts every matching user of the tenant (with a million users, a
   * count of the whole tenant), so it is computed only when asked for (`withTotal`, include_totals).
   */
  async list(tenantId: string, query: UserListQuery, page: { offset: number; limit: number }, { withTotal = true }: { withTotal?: boolean } = {}): Promise<{ items: User[]; total: number | undefined }> {
    let condition = parseUserQuery(query.q);
    const sort = parseUserSort(query.sort);
    if (query.connection !== undefined) {
      const byConnection = { kind: 'text', field: 'connection', pattern: query.connection } as const;
      condition = condition ? { kind: 'and', items: [condition, byConnection] } : byConnection;
    }
    const repo = this.storage.repos.users;
    const [records, total] = await Promise.all([repo.search(tenantId, condition, sort, page), withTotal ? repo.count(tenantId, condition) : undefined]);
    return { items: await withIdentities(this.storage.repos, tenantId, records), total };
  }

  /** `GET /users-by-email`: every user with this email, in any connection (case-insensitive). */
  async listByEmail(tenantId: string, email: string): Promise<User[]> {
    return withIdentities(this.storage.repos, tenantId, await this.storage.repos.users.findByEmail(tenantId, email.toLowerCase()));
  }

  async create(tenantId: string, input: CreateUserInput): Promise<User> {
    const connection = await this.storage.repos.connections.findByName(tenantId, input.connection);
    if (!connection) throw connectionMissing();
    const strategy = registeredStrategy(connection.strategy);
    const options = optionsOf(connection);
    checkMetadata(input);

    const email = input.email?.toLowerCase() ?? null;
    const username = input.username ?? null;
    const phoneNumber = input.phone_number ?? null;
    checkIdentifiers(strategy, options, { email, username, phoneNumber }, 'create');

    const passwordHash = await this.initialPasswordHash(tenantId, strategy, options, input);
    const now = nowIso();
    const document: UserDocument = { picture: input.picture ?? defaultPicture(email) };
    if (input.phone_verified !== undefined) document.phone_verified = input.phone_verified;
    const identifier = email ?? phoneNumber ?? username ?? '';
    const record: UserRecord = {
      tenantId,
      userId: input.user_id !== undefined ? `${strategy.identityProvider}|${input.user_id}` : newUserId(strategy.identityProvider),
      connectionId: connection.id,
      connection: connection.name,
      email,
      username,
      phoneNumber,
      // Auth0's defaults: the email (or phone) as name, its local part as nickname.
      name: input.name ?? identifier,
      nickname: input.nickname ?? identifier.split('@')[0] ?? identifier,
      givenName: input.given_name ?? null,
      familyName: input.family_name ?? null,
      emailVerified: input.email_verified ?? false,
      blocked: input.blocked ?? null,
      passwordHash,
      passwordHistory: [],
      appMetadata: input.app_metadata ?? {},
      userMetadata: input.user_metadata ?? {},
      document: { ...document },
      loginsCount: 0,
      lastLogin: null,
      createdAt: now,
      updatedAt: now,
    };
    const identity = primaryIdentityOf(record, strategy.isSocial);

    await this.storage
      .transaction(async (repos) => {
        // The connection may have been deleted while the password was being hashed.
        if (!(await repos.connections.findById(tenantId, connection.id))) throw connectionMissing();
        if (await repos.users.findById(tenantId, record.userId)) throw userExists();
        if (await findDuplicate(repos, tenantId, connection.id, { email, username, phoneNumber })) throw userExists();
        await repos.users.insert(record);
        await repos.userIdentities.insert(identity);
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? userExists() : error;
      });
    return toUser(record, [identity]);
  }

  async update(tenantId: string, userId: string, patch: UpdateUserInput): Promise<User> {
    const current = await this.storage.repos.users.findById(tenantId, userId);
    if (!current) throw userNotFound();
    const connection = await this.storage.repos.connections.findById(tenantId, current.connectionId);
    if (!connection) throw userNotFound();
    const strategy = registeredStrategy(connection.strategy);
    const options = optionsOf(connection);

    // Our users have one identity; naming another connection is naming an identity they lack.
    if (patch.connection !== undefined && patch.connection !== connection.name) {
      throw payload(`the user has no identity in connection "${patch.connection}"`);
    }
    if (patch.password !== undefined && patch.email !== undefined) throw invalid('Cannot update password and email simultaneously');
    checkMetadata(patch);

    // Rules and the (slow) hashing run on the record as read; the write re-applies the patch to
    // the record as it is inside the transaction, so concurrent updates are not lost.
    const preview = applyPatch(current, patch, nowIso());
    checkIdentifiers(strategy, options, identifiersOf(preview), 'update', patch);
    let newHash: string | undefined;
    if (patch.password !== undefined) {
      if (!strategy.holdsPasswords) throw payload('password can only be set for users of database connections');
      if (patch.password === null) throw payload("'password' cannot be removed");
      newHash = await this.changedPasswordHash(tenantId, current, options, patch.password, personalInfoOf(preview));
    }

    const { next, identities } = await this.storage
      .transaction(async (repos) => {
        const fresh = await repos.users.findById(tenantId, userId);
        if (!fresh) throw userNotFound();
        const next = applyPatch(fresh, patch, nowIso());
        checkIdentifiers(strategy, options, identifiersOf(next), 'update', patch);
        if (newHash !== undefined) {
          const historySize = passwordRulesOf(options).history?.size ?? 0;
          next.passwordHistory = [fresh.passwordHash, ...fresh.passwordHistory].filter((h): h is string => !!h).slice(0, Math.max(0, historySize - 1));
          next.passwordHash = newHash;
          (next.document as UserDocument).last_password_reset = next.updatedAt;
        }
        if (next.email !== fresh.email && next.email !== null && (await repos.users.findInConnection(tenantId, next.connectionId, { email: next.email }))) {
          throw conflict('The specified new email already exists', 'auth0_idp_error');
        }
        if (next.username !== null && next.username.toLowerCase() !== fresh.username?.toLowerCase() && (await repos.users.findInConnection(tenantId, next.connectionId, { username: next.username }))) {
          throw conflict('The specified new username already exists', 'auth0_idp_error');
        }
        if (next.phoneNumber !== fresh.phoneNumber && next.phoneNumber !== null && (await repos.users.findInConnection(tenantId, next.connectionId, { phoneNumber: next.phoneNumber }))) {
          throw conflict('The specified new phone number already exists', 'auth0_idp_error');
        }
        await repos.users.update(next);
        return { next, identities: await repos.userIdentities.listForUser(tenantId, userId) };
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? userExists() : error;
      });
    return toUser(next, identities);
  }

  async delete(tenantId: string, userId: string): Promise<void> {
    await this.storage.transaction(async (repos) => {
      if (!(await repos.users.delete(tenantId, userId))) throw userNotFound();
      await repos.userIdentities.deleteForUser(tenantId, userId);
      await removeUsersElsewhere(repos, tenantId, [userId]);
    });
  }

  /** `DELETE /connections/{id}/users?email=`: removes a database connection's user by email. */
  async deleteByEmail(tenantId: string, connectionId: string, email: string): Promise<void> {
    await this.storage.transaction(async (repos) => {
      const connection = await repos.connections.findById(tenantId, connectionId);
      if (!connection) throw notFound('The connection does not exist', 'inexistent_connection');
      if (!isStrategyKind(connection.strategy, 'database')) throw invalid('Only users of database connections can be deleted by email.', 'operation_not_supported');
      const user = await repos.users.findInConnection(tenantId, connectionId, { email: email.toLowerCase() });
      if (!user) throw userNotFound();
      await repos.users.delete(tenantId, user.userId);
      await repos.userIdentities.deleteForUser(tenantId, user.userId);
      await removeUsersElsewhere(repos, tenantId, [user.userId]);
    });
  }

  // --- for login flows ------------------------------------------------------------------------

  /**
   * The user of database connection `connectionName` whose email (or, when the connection uses
   * usernames, username) is `identifier`; undefined when there is none.
   */
  async findForLogin(tenantId: string, connectionName: string, identifier: string): Promise<LoginUser | undefined> {
    const repos = this.storage.repos;
    const connection = await repos.connections.findByName(tenantId, connectionName);
    if (!connection || !isStrategyKind(connection.strategy, 'database')) return undefined;
    let record = identifier.includes('@') ? await repos.users.findInConnection(tenantId, connection.id, { email: identifier.toLowerCase() }) : undefined;
    if (!record && optionsOf(connection).requires_username === true) record = await repos.users.findInConnection(tenantId, connection.id, { username: identifier });
    if (!record) return undefined;
    return { user: toUser(record, await repos.userIdentities.listForUser(tenantId, record.userId)), tenantId, passwordHash: record.passwordHash, blocked: record.blocked === true };
  }

  /** The user of a passwordless (`email`/`sms`) connection with this normalized email or phone number. */
  async findPasswordlessUser(tenantId: string, connection: { id: string; strategy: string }, identifier: string): Promise<LoginUser | undefined> {
    const field = passwordlessOf(connection.strategy)?.identifierField;
    if (field === undefined) return undefined;
    const by = field === 'phone_number' ? { phoneNumber: identifier } : { email: identifier.toLowerCase() };
    const repos = this.storage.repos;
    const record = await repos.users.findInConnection(tenantId, connection.id, by);
    if (!record) return undefined;
    return { user: toUser(record, await repos.userIdentities.listForUser(tenantId, record.userId)), tenantId, passwordHash: null, blocked: record.blocked === true };
  }

  /**
   * After a correct passwordless code: the user with this email or phone number, marked verified
   * (the code proved control of it), or a new verified user when sign-ups are allowed; undefined
   * when there is none and sign-ups are disabled.
   */
  async findOrCreatePasswordless(tenantId: string, connection: { id: string; name: string; strategy: string }, identifier: string, opts: { allowSignup: boolean }): Promise<LoginUser | undefined> {
    const passwordless = passwordlessOf(connection.strategy);
    if (!passwordless) return undefined;
    const { identifierField, verifiedField } = passwordless;
    const existing = await this.findPasswordlessUser(tenantId, connection, identifier);
    if (existing) {
      if (existing.user[verifiedField] === true) return existing;
      const user = await this.update(tenantId, existing.user.user_id, { [verifiedField]: true });
      return { ...existing, user };
    }
    if (!opts.allowSignup) return undefined;
    try {
      await this.create(tenantId, { connection: connection.name, [identifierField]: identifier, [verifiedField]: true });
    } catch (error) {
      // Two first logins at once: the other one created the user, which is the one we want.
      if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
    }
    return this.findPasswordlessUser(tenantId, connection, identifier);
  }

  /**
   * True when `password` is the user's password. Takes the same time whether or not the user
   * exists (a dummy hash is verified), so timing does not reveal accounts.
   */
  async checkPassword(tenantId: string, login: LoginUser | undefined, password: string): Promise<boolean> {
    return verifyPassword(tenantId, password, login?.passwordHash ?? null);
  }

  /** Counts a successful login (`logins_count`, `last_login`, `last_ip`); rehashes an imported weak hash. */
  async recordLogin(login: LoginUser, details: { ip?: string; password?: string } = {}): Promise<void> {
    const rehashed = details.password !== undefined && login.passwordHash && needsRehash(login.passwordHash) ? await hashPassword(login.tenantId, details.password) : undefined;
    await this.storage.transaction(async (repos) => {
      const record = await repos.users.findById(login.tenantId, login.user.user_id);
      if (!record) return;
      const document: UserDocument = { ...(record.document as UserDocument) };
      if (details.ip !== undefined) document.last_ip = details.ip;
      await repos.users.recordLogin(login.tenantId, record.userId, nowIso(), { ...document });
      if (rehashed && record.passwordHash === login.passwordHash) await repos.users.update({ ...record, document: { ...document }, passwordHash: rehashed });
    });
  }

  // --- passwords ------------------------------------------------------------------------------

  private async initialPasswordHash(tenantId: string, strategy: LoginStrategy, options: Record<string, unknown>, input: CreateUserInput): Promise<string | null> {
    const sources = [input.password, input.password_hash, input.custom_password_hash].filter((v) => v !== undefined).length;
    if (!strategy.holdsPasswords) {
      if (sources > 0) throw payload('passwords are only supported for database connections');
      return null;
    }
    if (sources === 0) throw payload("'Missing required property: password'");
    if (sources > 1) throw payload('give only one of password, password_hash and custom_password_hash');
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password, passwordRulesOf(options), personalInfoOf(input));
      if (problem) throw invalid(problem);
      return hashPassword(tenantId, input.password);
    }
    return importedHash(input);
  }

  /** The hash of a new password that follows the connection's rules, history included. */
  private async changedPasswordHash(tenantId: string, current: UserRecord, options: Record<string, unknown>, password: string, personal: PersonalInfo): Promise<string> {
    const rules = passwordRulesOf(options);
    const problem = passwordProblem(password, rules, personal);
    if (problem) throw invalid(problem);
    if (rules.history) {
      // The current password counts as the most recent one.
      const previous = [current.passwordHash, ...current.passwordHistory].filter((h): h is string => !!h).slice(0, rules.history.size);
      for (const earlier of previous) if (await verifyPassword(tenantId, password, earlier)) throw invalid(PASSWORD_ERRORS.reused);
    }
    return hashPassword(tenantId, password);
  }
}

// --- rules ------------------------------------------------------------------------------------------

const optionsOf = (connection: ConnectionRecord): Record<string, unknown> => (connection.document as unknown as ConnectionDocument).options ?? {};

function importedHash(input: CreateUserInput): string {
  let value: string;
  if (input.custom_password_hash !== undefined) {
    const { algorithm, hash } = input.custom_password_hash;
    if (algorithm !== 'bcrypt') throw payload(`custom_password_hash.algorithm "${algorithm}" is not supported: only bcrypt hashes can be imported`);
    if (hash.encoding !== undefined && hash.encoding !== 'utf8') throw payload('custom_password_hash.hash.encoding must be utf8 for bcrypt');
    value = hash.value;
  } else {
    value = input.password_hash!;
  }
  const field = input.custom_password_hash !== undefined ? 'custom_password_hash.hash.value' : 'password_hash';
  if (!isBcryptHash(value)) throw payload(`${field} must be a bcrypt hash ($2a$, $2b$ or $2y$, cost 04 to ${MAX_IMPORTED_BCRYPT_COST})`);
  // Each login verifies the hash at its own cost: 2^cost rounds, so a high cost is a denial of service.
  if (bcryptCostOf(value) > MAX_IMPORTED_BCRYPT_COST) {
    throw payload(`${field} has bcrypt cost ${bcryptCostOf(value)}; this server accepts costs 04 to ${MAX_IMPORTED_BCRYPT_COST} (rehash with a lower cost, or import the user without a password)`);
  }
  return value;
}

const identifiersOf = (record: UserRecord) => ({ email: record.email, username: record.username, phoneNumber: record.phoneNumber });

function personalInfoOf(source: CreateUserInput | UserRecord): PersonalInfo {
  if ('userId' in source) {
    return { email: source.email, username: source.username, name: source.name, nickname: source.nickname, given_name: source.givenName, family_name: source.familyName, user_metadata: source.userMetadata };
  }
  return { ...source };
}

function checkMetadata(input: { app_metadata?: Record<string, unknown>; user_metadata?: Record<string, unknown> }): void {
  for (const field of ['app_metadata', 'user_metadata'] as const) {
    const metadata = input[field];
    const problem = metadata && metadataProblem(field, metadata);
    if (problem) throw payload(problem);
  }
}

/** Which identifiers the connection's strategy needs and allows (username only where the connection asks for it). */
function checkIdentifiers(strategy: LoginStrategy, options: Record<string, unknown>, ids: UserIdentifiers, operation: 'create' | 'update', patch?: UpdateUserInput): void {
  const usernameGiven = operation === 'create' ? ids.username !== null : patch?.username !== undefined;
  strategy.checkUserIdentifiers(options, ids, { operation, usernameGiven });
}

/** Each user with its identities, read in one query for the whole page. */
async function withIdentities(repos: Repositories, tenantId: string, records: UserRecord[]): Promise<User[]> {
  const identities = await repos.userIdentities.listForUsers(tenantId, records.map((r) => r.userId));
  return records.map((record) => toUser(record, identities.get(record.userId) ?? []));
}

async function findDuplicate(
  repos: Repositories,
  tenantId: string,
  connectionId: string,
  ids: { email: string | null; username: string | null; phoneNumber: string | null },
): Promise<boolean> {
  if (ids.email !== null && (await repos.users.findInConnection(tenantId, connectionId, { email: ids.email }))) return true;
  if (ids.username !== null && (await repos.users.findInConnection(tenantId, connectionId, { username: ids.username }))) return true;
  if (ids.phoneNumber !== null && (await repos.users.findInConnection(tenantId, connectionId, { phoneNumber: ids.phoneNumber }))) return true;
  return false;
}

/** The record after a PATCH body (not yet checked against the connection's rules). */
function applyPatch(current: UserRecord, patch: UpdateUserInput, now: string): UserRecord {
  const next: UserRecord = { ...current, document: { ...current.document }, updatedAt: now };
  const document = next.document as UserDocument;
  if (patch.email !== undefined) {
    next.email = patch.email === null ? null : patch.email.toLowerCase();
    // A new address is unverified unless the same request says otherwise.
    if (next.email !== current.email && patch.email_verified === undefined) next.emailVerified = false;
  }
  if (patch.email_verified !== undefined) next.emailVerified = patch.email_verified;
  if (patch.username !== undefined) next.username = patch.username;
  if (patch.phone_number !== undefined) {
    next.phoneNumber = patch.phone_number;
    if (patch.phone_number !== current.phoneNumber && patch.phone_verified === undefined) document.phone_verified = false;
  }
  if (patch.phone_verified !== undefined) document.phone_verified = patch.phone_verified;
  if (patch.blocked !== undefined) next.blocked = patch.blocked;
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.nickname !== undefined) next.nickname = patch.nickname;
  if (patch.given_name !== undefined) next.givenName = patch.given_name;
  if (patch.family_name !== undefined) next.familyName = patch.family_name;
  if (patch.picture !== undefined) {
    if (patch.picture === null) delete document.picture;
    else document.picture = patch.picture;
  }
  if (patch.user_metadata !== undefined) next.userMetadata = mergeMetadata(current.userMetadata, patch.user_metadata);
  if (patch.app_metadata !== undefined) next.appMetadata = mergeMetadata(current.appMetadata, patch.app_metadata);
  return next;
}
