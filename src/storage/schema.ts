/**
 * Table shapes as Kysely sees them. Both dialects store the same types:
 * text for ids, ISO-8601 timestamps and JSON documents, integer 0/1 for booleans,
 * so one set of repositories serves SQLite and PostgreSQL alike.
 */
import type { Generated } from 'kysely';

export interface TenantsTable {
  id: string;
  name: string;
  settings: string; // JSON TenantSettings
  branding: string; // JSON Branding
  created_at: string;
  deleted_at: string | null; // tenants are tombstoned, never removed, so a name is never reused
  /** The bootstrap application (domain/bootstrap.ts); null until provisioning records it. Not writable through the Management API. */
  bootstrap_client_id: string | null;
  /** When that application's provisioning completed (credentials handed over); null until then. After it, start heals nothing. */
  bootstrap_provisioned_at: string | null;
  /** 'customer', or 'admin' for the one admin tenant (the control plane's, served on the admin host only). */
  kind: Generated<string>;
  /** Auth0's environment tag: 'development' | 'staging' | 'production'. */
  environment_tag: Generated<string>;
}

export interface TenantDomainsTable {
  domain: string;
  tenant_id: string;
  created_at: string;
  /** Auth0's `custom_domain_id` (migration 019; every row has one since). */
  id: string;
  /** 'pending_verification' | 'ready': only a ready domain serves its tenant. */
  status: string;
  type: string;
  /** The value the domain's TXT record must carry to be verified. */
  verification_token: string;
  custom_client_ip_header: string | null;
  tls_policy: string;
  /** JSON object of strings. */
  domain_metadata: string;
  verified_at: string | null;
}

export interface SigningKeysTable {
  tenant_id: string;
  kid: string;
  alg: string; // RS256 | ES256
  state: string; // next | current | previous | revoked
  private_key: string; // PKCS#8 PEM
  public_jwk: string; // JSON
  cert: string; // PEM self-signed certificate (x5c)
  created_at: string;
  current_since: string | null;
  current_until: string | null;
  revoked_at: string | null;
}

/** A tenant's customer-provided public signing keys (migration 019): published in its JWKS, never trusted by Tessera. */
export interface CustomSigningKeysTable {
  tenant_id: string;
  keys: string; // JSON array of public JWKs, in the order given
  updated_at: string;
}

export interface ClientsTable {
  tenant_id: string;
  client_id: string;
  client_secret: string | null;
  name: string;
  app_type: string | null;
  is_system: number;
  /** The document's `is_first_party` (1 unless false), for counting third-party applications (migration 026). */
  is_first_party: number;
  document: string; // JSON of the remaining client fields
  created_at: string;
  updated_at: string;
}

/** An application's credential (migration 021): a public key or certificate it authenticates with. Public material only. */
export interface ClientCredentialsTable {
  tenant_id: string;
  id: string; // cred_ + random
  client_id: string;
  name: string;
  credential_type: string; // public_key | cert_subject_dn | x509_cert
  pem: string | null;
  kid: string | null;
  alg: string | null;
  subject_dn: string | null;
  thumbprint_sha256: string | null; // x5t#S256 of a certificate
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The `jti` of each accepted private_key_jwt assertion (SHA-256, base64url), kept until the assertion expires (migration 021). */
export interface ClientAssertionJtisTable {
  tenant_id: string;
  client_id: string;
  jti_hash: string;
  expires_at: string;
}

export interface ResourceServersTable {
  tenant_id: string;
  id: string;
  identifier: string;
  is_system: number;
  document: string;
  created_at: string;
  updated_at: string;
}

export interface ClientGrantsTable {
  tenant_id: string;
  id: string;
  client_id: string;
  audience: string;
  subject_type: string; // client | user
  document: string;
  created_at: string;
}

export interface LogsTable {
  tenant_id: string;
  seq: Generated<number>;
  log_id: string;
  date: string;
  type: string;
  client_id: string | null;
  client_name: string | null;
  user_id: string | null;
  user_name: string | null;
  ip: string | null;
  user_agent: string | null;
  description: string | null;
  document: string;
}

export interface CacheInvalidationsTable {
  seq: Generated<number>;
  tenant_id: string;
  kind: string;
  key: string | null;
  origin: string;
  created_at: string;
}

export interface RolesTable {
  tenant_id: string;
  id: string;
  name: string; // unique per tenant
  document: string; // JSON: description and any further Auth0 role fields
  created_at: string;
  updated_at: string;
}

/** RBAC grants: a permission is a scope (`permission_name`) of an API, named by its identifier. */
export interface RolePermissionsTable {
  tenant_id: string;
  role_id: string;
  resource_server_identifier: string;
  permission_name: string;
  created_at: string;
}

export interface UserRolesTable {
  tenant_id: string;
  user_id: string;
  role_id: string;
  created_at: string;
}

export interface UserPermissionsTable {
  tenant_id: string;
  user_id: string;
  resource_server_identifier: string;
  permission_name: string;
  created_at: string;
}

export interface ConnectionsTable {
  tenant_id: string;
  id: string;
  name: string; // unique per tenant, immutable
  strategy: string; // auth0 | email | sms
  document: string; // JSON: display_name, options, realms, metadata, flags
  created_at: string;
  updated_at: string;
}

/** Which applications a connection is enabled for. */
export interface ConnectionClientsTable {
  tenant_id: string;
  connection_id: string;
  client_id: string;
  created_at: string;
}

export interface UsersTable {
  tenant_id: string;
  user_id: string; // `{provider}|{id}`, e.g. auth0|65f…
  connection_id: string;
  connection: string; // the connection's (immutable) name
  email: string | null; // lowercased
  username: string | null;
  username_lower: string | null;
  phone_number: string | null;
  name: string | null;
  nickname: string | null;
  given_name: string | null;
  family_name: string | null;
  email_verified: number;
  blocked: number | null;
  password_hash: string | null; // bcrypt
  password_history: string | null; // JSON array of earlier bcrypt hashes
  app_metadata: string; // JSON
  user_metadata: string; // JSON
  document: string; // JSON of the remaining profile fields
  logins_count: number;
  last_login: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A user's identities (`identities[]`): accounts at identity providers, each through a connection.
 * One row per user today (the identity the user was created with); account linking will add rows
 * to the primary user. Unique per (tenant, connection, id at the provider).
 */
export interface UserIdentitiesTable {
  tenant_id: string;
  user_id: string; // the Tessera user the identity belongs to (`users.user_id`)
  connection_id: string;
  connection: string; // the connection's (immutable) name
  provider: string; // e.g. auth0, email, sms
  provider_user_id: string; // the id at the provider, `user_id` without `{provider}|` for our own
  is_social: number;
  profile_data: string | null; // JSON: the provider's profile, for linked identities
  created_at: string; // when the identity was attached to the user; identities[] lists them in this order
}

export interface DashboardAccountsTable {
  user_id: string; // an admin-tenant user
  is_owner: number; // 1: a platform owner (may create tenants; Admin of every new tenant)
  preferences: string; // JSON { theme }
  created_at: string;
  updated_at: string;
}

export interface DashboardMembershipsTable {
  tenant_id: string;
  user_id: string; // an admin-tenant user
  roles: string; // JSON array of role ids (domain/control-plane/dashboard-roles.ts)
  grant_id: string; // fresh at every change: dashboard tokens carry it
  created_at: string;
  updated_at: string;
}

export interface DashboardInvitationsTable {
  id: string;
  tenant_id: string;
  email: string; // lowercased
  roles: string; // JSON array of role ids
  invited_by: string;
  ticket_hash: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface DashboardSessionsTable {
  id: string; // public id, the `dsid` claim of dashboard tokens
  id_hash: string; // SHA-256 of the cookie value
  user_id: string;
  sso_sid: string | null;
  user_agent: string;
  ip: string;
  created_at: string;
  last_active_at: string;
  expires_at: string;
  idle_expires_at: string;
  revoked_at: string | null;
}

export interface TtlEntriesTable {
  tenant_id: string;
  kind: string;
  key_hash: string;
  document: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface SessionsTable {
  tenant_id: string;
  id_hash: string;
  sid: string;
  user_id: string;
  authenticated_at: string;
  last_interaction_at: string;
  expires_at: string;
  idle_expires_at: string;
  document: string;
  revoked_at: string | null;
}

export interface RefreshTokensTable {
  tenant_id: string;
  id: string;
  token_hash: string;
  family_id: string;
  client_id: string;
  user_id: string;
  code_hash: string | null;
  document: string;
  created_at: string;
  expires_at: string | null;
  idle_expires_at: string | null;
  last_used_at: string | null;
  rotated_at: string | null;
  revoked_at: string | null;
}

export interface UserGrantsTable {
  tenant_id: string;
  id: string;
  user_id: string;
  client_id: string;
  audience: string;
  scope: string;
  created_at: string;
  updated_at: string;
}

export interface DevOutboxTable {
  tenant_id: string;
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  created_at: string;
  /** `email` or `sms` (migration 010; defaults to `email`). */
  channel: Generated<string>;
  /** The From of an email when not the server's own sender, `Name <address>`; empty otherwise (migration 018). */
  sender: Generated<string>;
}

export interface PasswordlessCodesTable {
  tenant_id: string;
  connection_id: string;
  identifier: string;
  id: string;
  client_id: string;
  code_hash: string;
  failed_attempts: number;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface AttackProtectionSettingsTable {
  tenant_id: string;
  document: string; // JSON: the three attack protection features as patched (defaults fill the rest)
  updated_at: string;
}

/** Brute-force protection: consecutive failed logins per (connection, identifier, IP or ''). */
export interface LoginFailuresTable {
  tenant_id: string;
  connection: string;
  identifier: string;
  ip: string;
  failures: number;
  last_ip: string;
  first_failed_at: string;
  last_failed_at: string;
  /** Attempts admitted and not yet settled (see migration 011). */
  pending: number;
  pending_at: string | null;
}

/** Token buckets (suspicious IP throttling, notification throttles): one GCRA timestamp each. */
export interface RateBucketsTable {
  tenant_id: string;
  bucket: string;
  key: string;
  tat_ms: number | string; // bigint: PostgreSQL returns it as text
}

/** One tenant's activity on one closed UTC day (domain/stats/), recomputed in place by the aggregator. */
export interface StatsDailyTable {
  tenant_id: string;
  day: string; // YYYY-MM-DD (UTC)
  logins: number;
  signups: number;
  failed_logins: number;
  leaked_passwords: number;
  attack_protection: number;
  active_users: number;
  users_total: number;
  first_event_at: string | null; // the day's first counted event; null on a day without one
  created_at: string;
  updated_at: string;
}

/** The last aggregated day on which a user was active; only ever moves forward. */
export interface UserLastActiveTable {
  tenant_id: string;
  user_id: string;
  day: string; // YYYY-MM-DD (UTC)
}

export interface Database {
  tenants: TenantsTable;
  tenant_domains: TenantDomainsTable;
  signing_keys: SigningKeysTable;
  custom_signing_keys: CustomSigningKeysTable;
  client_credentials: ClientCredentialsTable;
  client_assertion_jtis: ClientAssertionJtisTable;
  clients: ClientsTable;
  resource_servers: ResourceServersTable;
  client_grants: ClientGrantsTable;
  logs: LogsTable;
  cache_invalidations: CacheInvalidationsTable;
  connections: ConnectionsTable;
  connection_clients: ConnectionClientsTable;
  users: UsersTable;
  user_identities: UserIdentitiesTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  user_roles: UserRolesTable;
  user_permissions: UserPermissionsTable;
  ttl_entries: TtlEntriesTable;
  dashboard_accounts: DashboardAccountsTable;
  dashboard_memberships: DashboardMembershipsTable;
  dashboard_invitations: DashboardInvitationsTable;
  dashboard_sessions: DashboardSessionsTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  user_grants: UserGrantsTable;
  dev_outbox: DevOutboxTable;
  attack_protection_settings: AttackProtectionSettingsTable;
  login_failures: LoginFailuresTable;
  rate_buckets: RateBucketsTable;
  passwordless_codes: PasswordlessCodesTable;
  stats_daily: StatsDailyTable;
  user_last_active: UserLastActiveTable;
}
