/**
 * Attack protection (Auth0's brute-force protection, suspicious IP throttling and breached password
 * detection): per-tenant settings (cached, invalidated over the bus), the checks every login and
 * signup surface runs, the counters those checks keep in the database (shared by all instances),
 * the emails they send and the log events they write (`limit_wc`, `limit_mu`, `pwd_leak`,
 * `signup_pwd_leak`, `reset_pwd_leak`, `ublkdu`) through the `Audit` of the request they serve,
 * each with the normalized address the counters use (`normalizeIp`) as its `ip`.
 *
 * Brute-force protection counts consecutive failed logins per identifier (and per IP in mode
 * `count_per_identifier_and_ip`). The pair is blocked while the count is at least `max_attempts`
 * (so raising the threshold releases blocks, as on Auth0) and for at most 30 days; a successful
 * login, the unblock link, a password reset or the Management API clears the count.
 * Suspicious IP throttling keeps a token bucket per IP and stage: each failed login (pre-login)
 * or signup attempt (pre-user-registration) takes a token; an empty bucket refuses further attempts.
 */
import type { Storage } from '../../storage/storage.js';
import { UNSUPPORTED_BREACHED_PASSWORD_SETTINGS, refuseUnsupportedSettings } from '../unsupported-settings.js';
import type { CounterKey } from '../../storage/repositories/attack-protection.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import type { EmailSender } from '../delivery/email.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { User } from '../users/user.js';
import { TtlStore } from '../oidc/ttl-store.js';
import { isoAt, nowIso, systemClock, type Clock } from '../clock.js';
import { RESET_TICKET_TTL_SECONDS, resetTicketFor } from '../password-reset/password-reset.js';
import { IpAllowlist, normalizeIp } from './ip-allowlist.js';
import { addressBucket } from './address-bucket.js';
import { isBreachedPassword } from './breached-passwords.js';
import { isEmpty, takeableUntil, type BucketLimits } from './token-bucket.js';
import { applyFeaturePatch, resolveSettings, type AttackProtectionFeature, type AttackProtectionSettings, type BreachedStageShield } from './settings.js';
import type { Audit } from '../../http/audit.js';
import { blockedAccountEmail, breachedPasswordAdminEmail, breachedPasswordEmail, throttledIpEmail, type Email } from './notifications.js';
import type { BackgroundTasks } from '../background-tasks.js';

/** The invalidation kind of the settings cache; only this service publishes it. */
const SETTINGS_KIND = 'attack-protection';
/** Auth0 releases a brute-force block after 30 days at the latest. */
export const BLOCK_LIFETIME_MS = 30 * 24 * 3600 * 1000;
/** An attempt admitted longer ago than this without an outcome was lost (a crash): it no longer holds a place. */
const PENDING_ATTEMPT_LIFETIME_MS = 60 * 1000;
/** The unblock link in the blocked-account email: one use, a week. */
export const UNBLOCK_TICKET_TTL_SECONDS = 7 * 24 * 3600;
/** Breached password emails go out at most once an hour per user (and per IP to administrators), as on Auth0. */
const NOTICE_LIMITS: BucketLimits = { maxAttempts: 1, rateMs: 3600 * 1000 };

export type ThrottleStage = 'pre-login' | 'pre-user-registration';

interface CachedSettings {
  settings: AttackProtectionSettings;
  bruteForceAllowlist: IpAllowlist;
  throttlingAllowlist: IpAllowlist;
}

/** Who is trying to log in, where from (see `AttemptContext` in domain/authentication). */
export interface ProtectedAttempt {
  tenant: Tenant;
  /** Connection name. */
  connection: string;
  identifier: string;
  ip: string;
  clientId: string;
  /** Records this service's events for the request; each names the normalized `ip` (normalizeIp) itself. */
  audit: Audit;
  /** `{issuer}` of the request: the host links in emails point at. */
  issuer?: string;
  /** The connection's `options.brute_force_protection`: false turns brute-force protection off for it. */
  connectionBruteForce?: boolean;
}

/**
 * What `beginLogin` decided and took before the secret was checked, handed to `loginFailed` or
 * `loginSucceeded` afterwards. The attempt takes its place up front, so that concurrent guesses
 * cannot all pass a check that only reads the counters: it is admitted as in flight in the
 * brute-force counter only while completed failures plus attempts in flight stay under the
 * threshold, and it takes its suspicious-IP token. A correct secret gives the token back and
 * clears the counter; a wrong one turns its place into a failure.
 */
export interface LoginGate {
  refusal?: 'too_many_attempts' | 'suspicious_ip';
  /** The brute-force counter this attempt is in flight in, when brute-force protection counts it. */
  counter?: CounterKey;
  /** The suspicious-IP token this attempt took, when throttling counts it. */
  ipToken?: TakenToken;
}

/** A suspicious-IP token taken from a bucket: its key, the bucket's time after the take, and when it was taken. */
export interface TakenToken {
  key: string;
  tat: number;
  now: number;
}

/** Auth0's `{ identifier, ip, connection }` entries of `blocked_for`. */
export interface UserBlock {
  identifier: string;
  ip: string;
  connection: string;
}

/** What an unblock ticket (ttl kind `unblock_ticket`) stands for. */
export interface UnblockTicket {
  userId: string;
  connection: string;
  identifiers: string[];
  /** When the link was sent: it lifts the blocks that had begun by then, not a later one (absent on older links). */
  issuedAt?: string;
}

export class AttackProtectionService {
  private readonly cache: EntityCache<CachedSettings>;
  private readonly ttl: TtlStore;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    private readonly deps: { email: EmailSender; background: BackgroundTasks },
    /** Decides blocks and their lifetime, IP token buckets, notice throttling and unblock links. */
    private readonly clock: Clock = systemClock,
  ) {
    this.cache = new EntityCache<CachedSettings>(SETTINGS_KIND, bus, { max: 10_000 });
    this.ttl = new TtlStore(storage, clock);
  }

  // --- settings -----------------------------------------------------------------------------------

  async settings(tenantId: string): Promise<AttackProtectionSettings> {
    return (await this.cached(tenantId)).settings;
  }

  private async cached(tenantId: string): Promise<CachedSettings> {
    const hit = this.cache.peek(tenantId, 'self');
    if (hit) return hit;
    const loaded = await this.cache.get(tenantId, 'self', async () => {
      const settings = resolveSettings(await this.storage.repos.attackProtection.findSettings(tenantId));
      return {
        settings,
        bruteForceAllowlist: new IpAllowlist(settings.brute_force_protection.allowlist),
        throttlingAllowlist: new IpAllowlist(settings.suspicious_ip_throttling.allowlist),
      };
    });
    return loaded!;
  }

  /** PATCH semantics of `/api/v2/attack-protection/*`; returns the feature's new settings. */
  async update<F extends AttackProtectionFeature>(tenantId: string, feature: F, patch: Record<string, unknown>): Promise<AttackProtectionSettings[F]> {
    if (feature === 'breached_password_detection') refuseUnsupportedSettings(UNSUPPORTED_BREACHED_PASSWORD_SETTINGS, patch);
    const updated = await this.storage.transaction(async (repos) => {
      const stored = (await repos.attackProtection.findSettings<Partial<Record<AttackProtectionFeature, Record<string, unknown>>>>(tenantId)) ?? {};
      const next = applyFeaturePatch(resolveSettings(stored)[feature], patch);
      await repos.attackProtection.saveSettings(tenantId, { ...stored, [feature]: next }, nowIso());
      return next;
    });
    await this.invalidateSettings(tenantId);
    return updated;
  }

  /** After a committed settings write: the tenant's cached settings go, on every instance. */
  private invalidateSettings(tenantId: string): Promise<void> {
    return this.bus.publish({ tenantId, kind: SETTINGS_KIND });
  }

  // --- logins -------------------------------------------------------------------------------------

  /**
   * Before the secret is checked: takes this attempt's suspicious-IP token and admits it into the
   * brute-force counter, refusing it when the IP's bucket is empty, or when the identifier (for
   * this IP) has reached its threshold counting the attempts still in flight. Whatever it took is
   * given back if the attempt is refused here.
   */
  async beginLogin(attempt: ProtectedAttempt): Promise<LoginGate> {
    const { settings, bruteForceAllowlist, throttlingAllowlist } = await this.cached(attempt.tenant.id);
    const tenantId = attempt.tenant.id;
    const ip = normalizeIp(attempt.ip);
    const gate: LoginGate = {};

    const throttling = settings.suspicious_ip_throttling;
    if (throttling.enabled && !throttlingAllowlist.contains(ip)) {
      const token = await this.takeIpToken(tenantId, settings, 'pre-login', ip);
      if (token) gate.ipToken = token;
      else if (throttling.shields.includes('block')) return { refusal: 'suspicious_ip' };
    }

    if (this.bruteForceApplies(settings, attempt, bruteForceAllowlist, ip)) {
      const bruteForce = settings.brute_force_protection;
      const counter = this.counterKey(settings, attempt, ip);
      const now = this.clock.now();
      const admitted = await this.storage.repos.attackProtection.admitAttempt(tenantId, {
        ...counter,
        lastIp: ip,
        now: new Date(now).toISOString(),
        restartBefore: new Date(now - BLOCK_LIFETIME_MS).toISOString(),
        pendingSince: new Date(now - PENDING_ATTEMPT_LIFETIME_MS).toISOString(),
        ...(bruteForce.shields.includes('block') ? { limit: bruteForce.max_attempts } : {}),
      });
      if (!admitted) {
        // Blocked (or as many attempts in flight as a block would allow): this attempt never
        // reached the secret, so it is no IP failure either.
        await this.returnIpToken(attempt, settings, gate);
        return { refusal: 'too_many_attempts' };
      }
      gate.counter = counter;
    }
    return gate;
  }

  /**
   * A wrong secret: the attempt's place becomes a failure; the failure that takes the identifier to
   * the threshold blocks, logs and notifies, and the token that emptied the IP's bucket logs and
   * notifies. `user` is the account the identifier names, when there is one.
   */
  async loginFailed(attempt: ProtectedAttempt, gate: LoginGate, user: User | undefined): Promise<void> {
    const settings = await this.settings(attempt.tenant.id);
    const ip = normalizeIp(attempt.ip);
    if (gate.ipToken && isEmpty(gate.ipToken.tat, gate.ipToken.now, stageLimits(settings, 'pre-login'))) this.ipThrottled(attempt.audit, attempt.tenant, settings, 'pre-login', ip, attempt.clientId);
    if (gate.counter) {
      const failures = await this.storage.repos.attackProtection.settleFailure(attempt.tenant.id, gate.counter, { lastIp: ip, now: isoAt(this.clock) });
      // Exactly one failure takes the count to the threshold: that one blocks and tells.
      if (failures === settings.brute_force_protection.max_attempts) await this.accountBlocked(attempt, ip, failures, user);
    }
  }

  /** A correct secret: the identifier's consecutive failures start again from zero, and the IP gets its token back. */
  async loginSucceeded(attempt: ProtectedAttempt, gate: LoginGate): Promise<void> {
    const settings = await this.settings(attempt.tenant.id);
    await Promise.all([gate.counter ? this.storage.repos.attackProtection.settleSuccess(attempt.tenant.id, gate.counter) : undefined, this.returnIpToken(attempt, settings, gate)]);
  }

  /** Takes one of the IP's attempts at `stage` (its /64 for IPv6); undefined when none was left. */
  private async takeIpToken(tenantId: string, settings: AttackProtectionSettings, stage: ThrottleStage, ip: string): Promise<TakenToken | undefined> {
    const limits = stageLimits(settings, stage);
    const key = addressBucket(ip);
    const now = this.clock.now();
    const tat = await this.storage.repos.attackProtection.takeToken(tenantId, stage, key, { now, rateMs: limits.rateMs, takeableUntil: takeableUntil(now, limits) });
    return tat === undefined ? undefined : { key, tat, now };
  }

  private async returnIpToken(attempt: ProtectedAttempt, settings: AttackProtectionSettings, gate: LoginGate): Promise<void> {
    if (!gate.ipToken) return;
    await this.storage.repos.attackProtection.returnToken(attempt.tenant.id, 'pre-login', gate.ipToken.key, stageLimits(settings, 'pre-login').rateMs);
  }

  private async accountBlocked(attempt: ProtectedAttempt, ip: string, failures: number, user: User | undefined): Promise<void> {
    const { tenant } = attempt;
    const bruteForce = (await this.settings(tenant.id)).brute_force_protection;
    const blocking = bruteForce.shields.includes('block');
    const perIp = bruteForce.mode === 'count_per_identifier_and_ip';
    if (blocking) {
      attempt.audit('limit_wc', {
        description: `Blocked account: ${failures} consecutive failed login attempts${perIp ? ' from this IP address' : ''}`,
        clientId: attempt.clientId,
        ip,
        userName: attempt.identifier,
        ...(user ? { userId: user.user_id } : {}),
        details: { connection: attempt.connection, identifier: attempt.identifier, mode: bruteForce.mode, max_attempts: bruteForce.max_attempts },
      });
    }
    if (!bruteForce.shields.includes('user_notification') || !user?.email) return;
    let unblockLink: string | undefined;
    if (blocking) {
      const identifiers = [...new Set([identifierKey(attempt.identifier), ...identifiersOf(user)])];
      const ticket: UnblockTicket = { userId: user.user_id, connection: attempt.connection, identifiers, issuedAt: isoAt(this.clock) };
      const secret = await this.ttl.put(tenant.id, 'unblock_ticket', ticket, UNBLOCK_TICKET_TTL_SECONDS);
      unblockLink = `${issuerOf(attempt)}u/unblock?ticket=${encodeURIComponent(secret)}`;
    }
    const message = blockedAccountEmail({ tenantName: tenantName(tenant), attempts: failures, ip, perIp, ttlDays: UNBLOCK_TICKET_TTL_SECONDS / 86_400, ...(unblockLink ? { unblockLink } : {}) });
    this.send(tenant.id, user.email, message);
  }

  // --- suspicious IP throttling -------------------------------------------------------------------

  /** Before a signup: is this IP out of signup attempts? (A cheap early answer; `signupAttempted` decides.) */
  async signupThrottled(tenant: Tenant, ipAddress: string): Promise<boolean> {
    const { settings, throttlingAllowlist } = await this.cached(tenant.id);
    const ip = normalizeIp(ipAddress);
    const throttling = settings.suspicious_ip_throttling;
    if (!throttling.enabled || !throttling.shields.includes('block') || throttlingAllowlist.contains(ip)) return false;
    const tat = await this.storage.repos.attackProtection.findBucket(tenant.id, 'pre-user-registration', addressBucket(ip));
    return isEmpty(tat, this.clock.now(), stageLimits(settings, 'pre-user-registration'));
  }

  /**
   * A signup attempt (successful or not) takes one of the IP's signup attempts; true when there was
   * none left and throttling blocks, so the signup must be refused (concurrent attempts each take
   * their own token, atomically, so no more than the allowance get through).
   */
  async signupAttempted(tenant: Tenant, ipAddress: string, clientId: string, audit: Audit): Promise<boolean> {
    const { settings, throttlingAllowlist } = await this.cached(tenant.id);
    const ip = normalizeIp(ipAddress);
    const throttling = settings.suspicious_ip_throttling;
    if (!throttling.enabled || throttlingAllowlist.contains(ip)) return false;
    const token = await this.takeIpToken(tenant.id, settings, 'pre-user-registration', ip);
    if (!token) return throttling.shields.includes('block');
    if (isEmpty(token.tat, token.now, stageLimits(settings, 'pre-user-registration'))) this.ipThrottled(audit, tenant, settings, 'pre-user-registration', ip, clientId);
    return false;
  }

  /**
   * `GET /api/v2/anomaly/blocks/ips/{ip}`: true when suspicious IP throttling refuses this IP now,
   * at login or at signup (the same test `beginLogin` and `signupThrottled` make).
   */
  async ipBlocked(tenantId: string, ipAddress: string): Promise<boolean> {
    const { settings, throttlingAllowlist } = await this.cached(tenantId);
    const ip = normalizeIp(ipAddress);
    const throttling = settings.suspicious_ip_throttling;
    if (!throttling.enabled || !throttling.shields.includes('block') || throttlingAllowlist.contains(ip)) return false;
    const now = this.clock.now();
    const stages: ThrottleStage[] = ['pre-login', 'pre-user-registration'];
    const tats = await Promise.all(stages.map((stage) => this.storage.repos.attackProtection.findBucket(tenantId, stage, addressBucket(ip))));
    return stages.some((stage, i) => isEmpty(tats[i], now, stageLimits(settings, stage)));
  }

  /**
   * `DELETE /api/v2/anomaly/blocks/ips/{ip}`: the IP (for IPv6, its /64) gets its full allowance
   * back at both stages (a missing bucket is a full one). Auth0 has no log event for this; the
   * Management API's `sapi` records who did it.
   */
  async unblockIp(tenantId: string, ipAddress: string): Promise<void> {
    await this.storage.repos.attackProtection.deleteBuckets(tenantId, ['pre-login', 'pre-user-registration'] satisfies ThrottleStage[], addressBucket(normalizeIp(ipAddress)));
  }

  /** The attempt that emptied the IP's bucket tells, once per episode: a `limit_mu` log and the administrators' email. */
  private ipThrottled(audit: Audit, tenant: Tenant, settings: AttackProtectionSettings, stage: ThrottleStage, ip: string, clientId: string): void {
    const limits = stageLimits(settings, stage);
    const throttling = settings.suspicious_ip_throttling;
    const what = stage === 'pre-login' ? 'failed login attempts' : 'signup attempts';
    audit('limit_mu', {
      description: `Blocked IP address: too many ${what} (${limits.maxAttempts}) from this IP address`,
      clientId,
      ip,
      details: { stage, max_attempts: limits.maxAttempts, rate: limits.rateMs, blocking: throttling.shields.includes('block') },
    });
    if (throttling.shields.includes('admin_notification')) this.notifyAdmins(tenant, throttledIpEmail({ tenantName: tenantName(tenant), ip, stage, attempts: limits.maxAttempts }));
  }

  // --- breached passwords -------------------------------------------------------------------------

  /**
   * After a correct password: is it a breached one? Logs `pwd_leak`, notifies per the shields, and
   * answers whether the login must be refused (shield `block`). Administrators are always emailed
   * at once: digests (`admin_notification_frequency` daily, weekly, monthly) are refused by the
   * Management API, and a frequency stored before that refusal existed still gets the email.
   */
  async breachedLogin(attempt: ProtectedAttempt, user: User, password: string): Promise<'block' | 'allow'> {
    const settings = (await this.settings(attempt.tenant.id)).breached_password_detection;
    if (!settings.enabled || !isBreachedPassword(password)) return 'allow';
    const { tenant } = attempt;
    const ip = normalizeIp(attempt.ip);
    const blocked = settings.shields.includes('block');
    attempt.audit('pwd_leak', {
      description: blocked ? 'Login blocked: the password appears in a public data breach' : 'Login with a password that appears in a public data breach',
      clientId: attempt.clientId,
      userId: user.user_id,
      userName: user.email ?? attempt.identifier,
      ip,
      details: { connection: attempt.connection, blocked },
    });
    const notifyUser = settings.shields.includes('user_notification') && !!user.email;
    const notifyAdmins = settings.shields.includes('admin_notification');
    if ((notifyUser || notifyAdmins) && (await this.firstNoticeWithinHour(tenant.id, 'pwd_leak', user.user_id))) {
      if (notifyUser) {
        const secret = await this.ttl.put(tenant.id, 'password_reset', resetTicketFor({ user_id: user.user_id, email: user.email! }, attempt.connection, attempt.clientId), RESET_TICKET_TTL_SECONDS);
        const resetLink = `${issuerOf(attempt)}u/reset-password?ticket=${encodeURIComponent(secret)}`;
        this.send(tenant.id, user.email!, breachedPasswordEmail({ tenantName: tenantName(tenant), resetLink, ttlMinutes: RESET_TICKET_TTL_SECONDS / 60, blocked }));
      }
      if (notifyAdmins) this.notifyAdmins(tenant, breachedPasswordAdminEmail({ tenantName: tenantName(tenant), stage: 'login', account: user.email ?? attempt.identifier, ip, blocked }));
    }
    return blocked ? 'block' : 'allow';
  }

  /**
   * A new password at signup (`pre-user-registration`) or at a password change
   * (`pre-change-password`): true when it must be refused. Logs `signup_pwd_leak` / `reset_pwd_leak`.
   */
  async breachedNewPassword(
    tenant: Tenant,
    stage: 'pre-user-registration' | 'pre-change-password',
    input: { password: string; ip: string; audit: Audit; connection: string; account: string; clientId?: string; userId?: string },
  ): Promise<boolean> {
    const settings = (await this.settings(tenant.id)).breached_password_detection;
    if (!settings.enabled || !isBreachedPassword(input.password)) return false;
    const shields: BreachedStageShield[] = settings.stage[stage].shields;
    const blocked = shields.includes('block');
    const ip = normalizeIp(input.ip);
    const signup = stage === 'pre-user-registration';
    input.audit(signup ? 'signup_pwd_leak' : 'reset_pwd_leak', {
      description: `${signup ? 'Signup' : 'Password change'} ${blocked ? 'blocked' : 'allowed'}: the password appears in a public data breach`,
      ip,
      userName: input.account,
      ...(input.clientId ? { clientId: input.clientId } : {}),
      ...(input.userId ? { userId: input.userId } : {}),
      details: { connection: input.connection, blocked, stage },
    });
    if (shields.includes('admin_notification') && (await this.firstNoticeWithinHour(tenant.id, `${stage}:admin`, ip))) {
      this.notifyAdmins(tenant, breachedPasswordAdminEmail({ tenantName: tenantName(tenant), stage: signup ? 'signup' : 'password change', account: input.account, ip, blocked }));
    }
    return blocked;
  }

  // --- blocks (Management API, unblock link, password reset) --------------------------------------

  /** `blocked_for` of a user: its identifiers (email, username, phone) in its connection. */
  async blocksOfUser(tenantId: string, user: User, considerEnablement: boolean): Promise<UserBlock[]> {
    return this.blocks(tenantId, identifiersOf(user), connectionOf(user), considerEnablement);
  }

  /** `blocked_for` of an identifier, in any connection. */
  async blocksOfIdentifier(tenantId: string, identifier: string, considerEnablement: boolean): Promise<UserBlock[]> {
    return this.blocks(tenantId, [identifierKey(identifier)], undefined, considerEnablement);
  }

  private async blocks(tenantId: string, identifiers: string[], connection: string | undefined, considerEnablement: boolean): Promise<UserBlock[]> {
    const bruteForce = (await this.settings(tenantId)).brute_force_protection;
    if (considerEnablement && !(bruteForce.enabled && bruteForce.shields.includes('block'))) return [];
    const records = await this.storage.repos.attackProtection.listFailures(tenantId, {
      identifiers,
      ...(connection !== undefined ? { connection } : {}),
      minFailures: bruteForce.max_attempts,
      since: isoAt(this.clock, -BLOCK_LIFETIME_MS),
    });
    // The last address the failures came from (the counting key may be a whole IPv6 /64).
    return records.map((r) => ({ identifier: r.identifier, ip: r.lastIp, connection: r.connection }));
  }

  /** Clears every brute-force counter of the user's identifiers in its connection. */
  async unblockUser(tenantId: string, user: User): Promise<number> {
    return this.storage.repos.attackProtection.deleteFailures(tenantId, { identifiers: identifiersOf(user), connection: connectionOf(user) });
  }

  async unblockIdentifier(tenantId: string, identifier: string): Promise<number> {
    return this.storage.repos.attackProtection.deleteFailures(tenantId, { identifiers: [identifierKey(identifier)] });
  }

  /**
   * The user changed the password (hosted reset, Management API): failure counts start again and
   * blocks are lifted, as on Auth0. `ublkdu` only when a block was in force, not for mere failures.
   */
  async passwordChanged(tenant: Tenant, user: User, ip: string, audit: Audit): Promise<void> {
    const blocked = (await this.blocksOfUser(tenant.id, user, true)).length > 0;
    const released = await this.unblockUser(tenant.id, user);
    if (blocked && released > 0) {
      audit('ublkdu', { description: 'User block released: password changed', userId: user.user_id, ip: normalizeIp(ip), details: { connection: connectionOf(user) } });
    }
  }

  /** Redeems the link of the blocked-account email; false when it is unknown, used or expired. */
  async redeemUnblockTicket(tenant: Tenant, secret: string, ip: string, audit: Audit): Promise<boolean> {
    const redemption = await this.ttl.consume<UnblockTicket>(tenant.id, 'unblock_ticket', secret);
    if (redemption.status !== 'ok') return false;
    const ticket = redemption.document;
    // A link lives a week, longer than the block it was sent for may last: it lifts only counters
    // whose failures had begun when it was sent, not a block that started later.
    await this.storage.repos.attackProtection.deleteFailures(tenant.id, {
      identifiers: ticket.identifiers,
      connection: ticket.connection,
      ...(ticket.issuedAt ? { firstFailedBy: ticket.issuedAt } : {}),
    });
    audit('ublkdu', { description: 'User block released: unblock link', userId: ticket.userId, ip: normalizeIp(ip), details: { connection: ticket.connection } });
    return true;
  }

  /** The unblock ticket behind a link, without using it up (to show the confirmation page). */
  async unblockTicket(tenant: Tenant, secret: string): Promise<UnblockTicket | undefined> {
    return this.ttl.get<UnblockTicket>(tenant.id, 'unblock_ticket', secret);
  }

  // --- helpers ------------------------------------------------------------------------------------

  private bruteForceApplies(settings: AttackProtectionSettings, attempt: ProtectedAttempt, allowlist: IpAllowlist, ip: string): boolean {
    return settings.brute_force_protection.enabled && attempt.connectionBruteForce !== false && !allowlist.contains(ip);
  }

  /** The brute-force counter of an attempt: its identifier, and its address (for IPv6 the /64) in mode count_per_identifier_and_ip. */
  private counterKey(settings: AttackProtectionSettings, attempt: ProtectedAttempt, ip: string): CounterKey {
    const perIp = settings.brute_force_protection.mode === 'count_per_identifier_and_ip';
    return { connection: attempt.connection, identifier: identifierKey(attempt.identifier), ip: perIp ? addressBucket(ip) : '' };
  }

  /** True for the first call per (kind, key) within an hour: throttles repeated notifications. */
  private async firstNoticeWithinHour(tenantId: string, kind: string, key: string): Promise<boolean> {
    const now = this.clock.now();
    const tat = await this.storage.repos.attackProtection.takeToken(tenantId, `notice:${kind}`, key, { now, rateMs: NOTICE_LIMITS.rateMs, takeableUntil: takeableUntil(now, NOTICE_LIMITS) });
    return tat !== undefined;
  }

  /** Administrators are the tenant's `support_email`; without one, the log event is the notification. */
  private notifyAdmins(tenant: Tenant, message: Email): void {
    const to = tenant.settings.support_email;
    if (to) this.send(tenant.id, to, message);
  }

  /** Email goes out off the request path; a failure is reported, never thrown at the login. */
  private send(tenantId: string, to: string, message: Email): void {
    this.deps.background.run(() => this.deps.email.send(tenantId, { to, ...message }));
  }

}

/** Identifiers are counted case-insensitively: `Ada@Example.com` and `ada@example.com` are one account. */
export const identifierKey = (identifier: string): string => identifier.trim().toLowerCase();

function identifiersOf(user: User): string[] {
  return [...new Set([user.email, user.username, user.phone_number].filter((v): v is string => !!v).map(identifierKey))];
}

const connectionOf = (user: User): string => user.identities[0]?.connection ?? '';

function stageLimits(settings: AttackProtectionSettings, stage: ThrottleStage): BucketLimits {
  const { max_attempts, rate } = settings.suspicious_ip_throttling.stage[stage];
  return { maxAttempts: max_attempts, rateMs: rate };
}


const tenantName = (tenant: Tenant): string => tenant.settings.friendly_name ?? tenant.name;

const issuerOf = (attempt: ProtectedAttempt): string => attempt.issuer ?? `https://${attempt.tenant.domain}/`;
