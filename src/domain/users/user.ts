/** The user object as the Management API shows it, and the rules on metadata and usernames. */
import { createHash, randomBytes } from 'node:crypto';
import type { UserRecord } from '../../storage/repositories/users.js';
import type { UserIdentityRecord } from '../../storage/repositories/user-identities.js';

/**
 * One way the user logs in: an account at an identity provider, through a connection. Today every
 * user has exactly one, in the connection they were created in; account linking (not implemented
 * yet) will add others, the user's own (primary) identity staying first.
 */
export interface UserIdentity {
  connection: string;
  user_id: string;
  provider: string;
  isSocial: boolean;
  /** The profile the provider gave for a linked (secondary) identity; never on the primary one. */
  profileData?: Record<string, unknown>;
}

export interface User {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  username?: string;
  phone_number?: string;
  phone_verified?: boolean;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  identities: UserIdentity[];
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  blocked?: boolean;
  created_at: string;
  updated_at: string;
  last_login?: string;
  last_ip?: string;
  last_password_reset?: string;
  logins_count: number;
}

/** Profile fields kept in the record's JSON document rather than in columns. */
export interface UserDocument {
  picture?: string;
  phone_verified?: boolean;
  last_ip?: string;
  last_password_reset?: string;
}

/** `{provider}|` + 24 hex characters, like Auth0's ids. */
export const newUserId = (provider: string): string => `${provider}|${randomBytes(12).toString('hex')}`;

/** The id inside the provider (`auth0|abc` → `abc`). */
export const providerUserId = (userId: string): string => userId.slice(userId.indexOf('|') + 1);

/** Every user id starts with its provider (strategies/: the strategy's `identityProvider`). */
export const providerOf = (userId: string): string => userId.slice(0, userId.indexOf('|'));

/** The user's own identity, as a new user gets it: in its connection, at the provider its id names. */
export function primaryIdentityOf(record: UserRecord, isSocial: boolean): UserIdentityRecord {
  return {
    tenantId: record.tenantId,
    userId: record.userId,
    connectionId: record.connectionId,
    connection: record.connection,
    provider: providerOf(record.userId),
    providerUserId: providerUserId(record.userId),
    isSocial,
    profileData: null,
    createdAt: record.createdAt,
  };
}

export function toIdentity(record: UserIdentityRecord): UserIdentity {
  const identity: UserIdentity = { connection: record.connection, user_id: record.providerUserId, provider: record.provider, isSocial: record.isSocial };
  if (record.profileData !== null) identity.profileData = record.profileData;
  return identity;
}

/** The user as the Management API shows it, with its identities (user_identities rows, in their stored order). */
export function toUser(record: UserRecord, identities: readonly UserIdentityRecord[]): User {
  const document = record.document as UserDocument;
  const user: User = {
    user_id: record.userId,
    identities: identities.map(toIdentity),
    app_metadata: record.appMetadata,
    user_metadata: record.userMetadata,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    logins_count: record.loginsCount,
  };
  if (record.email !== null) {
    user.email = record.email;
    user.email_verified = record.emailVerified;
  }
  if (record.username !== null) user.username = record.username;
  if (record.phoneNumber !== null) {
    user.phone_number = record.phoneNumber;
    user.phone_verified = document.phone_verified ?? false;
  }
  if (record.name !== null) user.name = record.name;
  if (record.nickname !== null) user.nickname = record.nickname;
  if (record.givenName !== null) user.given_name = record.givenName;
  if (record.familyName !== null) user.family_name = record.familyName;
  if (document.picture !== undefined) user.picture = document.picture;
  if (record.blocked !== null) user.blocked = record.blocked;
  if (record.lastLogin !== null) user.last_login = record.lastLogin;
  if (document.last_ip !== undefined) user.last_ip = document.last_ip;
  if (document.last_password_reset !== undefined) user.last_password_reset = document.last_password_reset;
  return user;
}

/** Auth0's default avatar: the Gravatar of the email, with a generic fallback image. */
export function defaultPicture(email: string | null): string {
  const digest = createHash('md5')
    .update((email ?? '').trim().toLowerCase())
    .digest('hex');
  return `https://s.gravatar.com/avatar/${digest}?s=480&r=pg&d=mp`;
}

/** Top-level `app_metadata` names Auth0 reserves for its own use. */
const RESERVED_APP_METADATA = new Set([
  '__tenant', '_id', 'blocked', 'clientID', 'created_at', 'email_verified', 'email', 'globalClientID', 'global_client_id',
  'identities', 'lastIP', 'lastLogin', 'loginsCount', 'metadata', 'multifactor_last_modified', 'multifactor', 'updated_at', 'user_id',
]);

/** A problem with a metadata object's field names, or undefined. */
export function metadataProblem(field: 'app_metadata' | 'user_metadata', metadata: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(metadata)) {
    if (key.includes('.') || key.startsWith('$')) return `${field}.${key}: metadata field names must not contain "." or start with "$"`;
    if (field === 'app_metadata' && RESERVED_APP_METADATA.has(key)) return `${field}.${key} is a reserved field name`;
  }
  return undefined;
}

/**
 * Auth0's PATCH semantics for metadata: top-level keys are merged into the stored object, a key
 * set to null is removed, and an empty object clears the metadata.
 */
export function mergeMetadata(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(patch).length === 0) return {};
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Default username length limits of a database connection (docs: username length). */
export const DEFAULT_USERNAME_LENGTH = { min: 1, max: 15 };
/** Characters Auth0 allows in usernames: letters, digits and _ + - . ! # $ ' ^ ` ~ @ */
const USERNAME = /^[A-Za-z0-9_+\-.!#$'^`~@]+$/;

export function usernameProblem(username: string, options: Record<string, unknown>): string | undefined {
  const validation = (options.validation as { username?: { min?: number; max?: number } | null } | null | undefined)?.username;
  const min = validation?.min ?? DEFAULT_USERNAME_LENGTH.min;
  const max = validation?.max ?? DEFAULT_USERNAME_LENGTH.max;
  if (username.length < min) return `'username' is too short (${username.length} chars), minimum ${min}`;
  if (username.length > max) return `'username' is too long (${username.length} chars), maximum ${max}`;
  if (!USERNAME.test(username)) return "'username' may only contain letters, digits and _ + - . ! # $ ' ^ ` ~ @";
  return undefined;
}
