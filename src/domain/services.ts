/** The domain services wired together once per process. */
import type { Storage } from '../storage/storage.js';
import { BackgroundTasks } from './background-tasks.js';
import type { InvalidationBus } from '../storage/cache/invalidation-bus.js';
import { SigningKeyService } from './keys/signing-key-service.js';
import { TenantService } from './tenants/tenant-service.js';
import { PublicOrigin } from './tenants/public-origin.js';
import { CustomDomainService } from './tenants/custom-domains.js';
import { dnsTxtResolver, type TxtResolver } from './tenants/dns-txt.js';
import type { PublicUrlConfig } from '../config/config.js';
import { ClientService } from './clients/client-service.js';
import { ClientCredentialService } from './clients/client-credential-service.js';
import { ResourceServerService } from './resource-servers/resource-server-service.js';
import { ClientGrantService } from './client-grants/client-grant-service.js';
import { LogService } from './logs/log-service.js';
import { SessionService } from './sessions/session-service.js';
import { TtlStore } from './oidc/ttl-store.js';
import { InteractionService } from './interactions/interaction-service.js';
import { ConnectionService } from './connections/connection-service.js';
import { UserService } from './users/user-service.js';
import { LogSearchService } from './logs/log-search.js';
import { RoleService } from './roles/role-service.js';
import { UserAuthorizationService } from './roles/user-authorization-service.js';
import { userDirectory } from './roles/user-directory.js';
import { ConsentService } from './consent/consent-service.js';
import { createEmailSender, createSmsSender, type EmailSender } from './delivery/index.js';
import { RefreshTokenService } from './tokens/refresh-token-service.js';
import { AttackProtectionService } from './attack-protection/attack-protection-service.js';
import type { SmsSender, TwilioConfig } from './delivery/sms.js';
import { PasswordlessService } from './passwordless/passwordless-service.js';
import { systemClock, type Clock } from './clock.js';
import { ControlPlaneService } from './control-plane/control-plane-service.js';
import { DashboardSessionService } from './control-plane/dashboard-sessions.js';
import { DashboardAccountService } from './control-plane/dashboard-accounts.js';
import { InvitationService } from './control-plane/invitations.js';
import { StatsService } from './stats/stats-service.js';
import { senderPolicyOf } from './passwordless/sender.js';

export interface Services {
  /** The time that decides protocol outcomes (expiry, blocks, token times); see clock.ts. */
  clock: Clock;
  storage: Storage;
  bus: InvalidationBus;
  keys: SigningKeyService;
  tenants: TenantService;
  /** A tenant's custom domains: creation, DNS verification, settings (only ready ones serve the tenant). */
  customDomains: CustomDomainService;
  clients: ClientService;
  /** Application credentials (public keys, certificates) and their cached, parsed form for client authentication. */
  clientCredentials: ClientCredentialService;
  resourceServers: ResourceServerService;
  clientGrants: ClientGrantService;
  logs: LogService;
  sessions: SessionService;
  ttl: TtlStore;
  /** Protocol requests waiting for the user on the hosted pages (login, consent). */
  interactions: InteractionService;
  connections: ConnectionService;
  users: UserService;
  logSearch: LogSearchService;
  roles: RoleService;
  userAuthorization: UserAuthorizationService;
  consent: ConsentService;
  /** Outgoing email: SMTP, or the dev outbox when no SMTP server is configured. */
  email: EmailSender;
  refreshTokens: RefreshTokenService;
  /** Brute-force protection, suspicious IP throttling, breached password detection. */
  attackProtection: AttackProtectionService;
  /** Outgoing text messages: a Twilio-compatible API, or the dev outbox when none is configured. */
  sms: SmsSender;
  /** Passwordless codes and magic links (email and sms connections). */
  passwordless: PasswordlessService;
  /** Work started for a request and not waited for (emails, prunes): failures reported, awaited at shutdown. */
  background: BackgroundTasks;
  /** Dashboard sessions (the control API's cookie sessions of dashboard accounts). */
  dashboardSessions: DashboardSessionService;
  /** Tenant memberships of dashboard accounts, and the dashboard tokens they allow. */
  controlPlane: ControlPlaneService;
  /** Dashboard accounts (admin-tenant users): the first administrator's setup, profiles, preferences. */
  dashboardAccounts: DashboardAccountService;
  /** HMAC key of the dashboard session's CSRF tokens (a subkey, never the master key). */
  dashboardCsrfKey: Uint8Array;
  /** Invitations to manage a tenant, sent through that tenant's email delivery. */
  invitations: InvitationService;
  /** Activity statistics: the daily rows the background aggregator writes, active users, live totals. */
  stats: StatsService;
}

export function createServices(opts: {
  storage: Storage;
  bus: InvalidationBus;
  baseDomain: string;
  /** Scheme and port of tenants' public URLs (config TESSERA_PUBLIC_URL). */
  publicUrl: PublicUrlConfig;
  defaultTenant: string;
  /** The admin tenant's host (config TESSERA_ADMIN_HOST); `manage.{baseDomain}` unless set. */
  adminHost?: string;
  onBackgroundError: (error: unknown) => void;
  /** HMAC key of stored passwordless codes, derived from the master encryption key (crypto/subkeys.ts). */
  passwordlessCodeKey: Uint8Array;
  /** HMAC key of the dashboard session's CSRF tokens, derived likewise. */
  dashboardCsrfKey: Uint8Array;
  smtp?: { url: string; from: string; allowedFromDomains: readonly string[] | '*' };
  twilio?: TwilioConfig;
  /** Store unsent messages in the development outbox (default); false in production: sends without a provider fail. */
  devOutbox?: boolean;
  /** Decides expiry, blocks and token times (clock.ts); the system clock unless a test sets its own. */
  clock?: Clock;
  /** DNS servers for custom domain verification (config TESSERA_DNS_SERVERS); the system's by default. */
  dnsServers?: string[];
  /** The TXT look-up itself, instead of DNS (unit tests). */
  txtResolver?: TxtResolver;
  /** Config TRUST_PROXY: whether proxies may name client addresses (a custom domain's client IP header needs it). */
  trustProxy?: boolean | string;
}): Services {
  const clock = opts.clock ?? systemClock;
  const keys = new SigningKeyService(opts.storage, opts.bus);
  const logs = new LogService(opts.storage, opts.onBackgroundError, clock);
  const background = new BackgroundTasks(opts.onBackgroundError);
  const ttl = new TtlStore(opts.storage, clock);
  const devOutbox = opts.devOutbox ?? true;
  const email = createEmailSender(opts.storage, opts.smtp, devOutbox);
  const sms = createSmsSender(opts.storage, opts.twilio, devOutbox);
  const tenants = new TenantService(opts.storage, opts.bus, keys, opts.baseDomain, opts.defaultTenant, new PublicOrigin(opts.publicUrl, opts.baseDomain), opts.adminHost);
  // The tenant service recognises the Management API's aliases; the API and grant services resolve them.
  const dashboardSessions = new DashboardSessionService(opts.storage, opts.bus, clock);
  const controlPlane = new ControlPlaneService(opts.storage, opts.bus, tenants, keys, clock, {
    isActive: async (sessionId, userId) => {
      const status = dashboardSessions.peekStatus(sessionId) ?? (await dashboardSessions.status(sessionId));
      return status?.active === true && status.userId === userId;
    },
    revokeAllForUser: async (userId, exceptId) => {
      await dashboardSessions.revokeAllForUser(userId, exceptId);
    },
    revoke: (userId, sessionId) => dashboardSessions.revoke(userId, sessionId),
  });
  const users = new UserService(opts.storage);
  const dashboardAccounts = new DashboardAccountService(opts.storage, users, tenants, controlPlane, ttl, clock);
  const resourceServers = new ResourceServerService(opts.storage, opts.bus, keys, (tenantId, url) => tenants.isManagementApiAlias(tenantId, url));
  return {
    clock,
    storage: opts.storage,
    bus: opts.bus,
    keys,
    tenants,
    customDomains: new CustomDomainService(opts.storage, tenants, opts.txtResolver ?? dnsTxtResolver(opts.dnsServers), (opts.trustProxy ?? false) !== false),
    clients: new ClientService(opts.storage, opts.bus, clock),
    clientCredentials: new ClientCredentialService(opts.storage, opts.bus, clock),
    resourceServers,
    clientGrants: new ClientGrantService(opts.storage, opts.bus, async (tenantId, audience) => (await resourceServers.findByAudience(tenantId, audience))?.identifier),
    logs,
    sessions: new SessionService(opts.storage, clock),
    ttl,
    interactions: new InteractionService(ttl, clock),
    connections: new ConnectionService(opts.storage, opts.bus, senderPolicyOf(opts.smtp)),
    users,
    logSearch: new LogSearchService(opts.storage),
    roles: new RoleService(opts.storage, userDirectory),
    userAuthorization: new UserAuthorizationService(opts.storage, userDirectory),
    consent: new ConsentService(opts.storage),
    email,
    refreshTokens: new RefreshTokenService(opts.storage, clock),
    attackProtection: new AttackProtectionService(opts.storage, opts.bus, { email, background }, clock),
    sms,
    passwordless: new PasswordlessService(opts.storage, email, sms, { codeKey: opts.passwordlessCodeKey, background, clock, senderPolicy: senderPolicyOf(opts.smtp) }),
    background,
    dashboardSessions,
    controlPlane,
    dashboardAccounts,
    invitations: new InvitationService(opts.storage, email, users, tenants, controlPlane, dashboardAccounts, clock),
    dashboardCsrfKey: opts.dashboardCsrfKey,
    stats: new StatsService(opts.storage, clock),
  };
}
