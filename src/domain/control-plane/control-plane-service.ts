/**
 * The control plane above tenants: who may manage which tenant from the dashboard, with which roles,
 * and the tokens that carry that right to a tenant's Management API (docs/plans/dashboard.md §1).
 *
 * Dashboard accounts are users of the admin tenant. A membership (tenant, account) holds role ids;
 * its grant id is new at every change, and dashboard tokens carry it, so a role change or a removal
 * makes the person's earlier tokens for that tenant fail at their next request, and ends their
 * dashboard sessions (Auth0: "forcibly logs them out and terminates their session").
 */
import type { Storage } from '../../storage/storage.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import type { MembershipRecord } from '../../storage/repositories/dashboard-memberships.js';
import type { SigningKeyService } from '../keys/signing-key-service.js';
import type { EnvironmentTag, Tenant, TenantService } from '../tenants/tenant-service.js';
import { secondsAt, type Clock } from '../clock.js';
import { conflict, invalid, notFound } from '../errors.js';
import { randomAlphanumeric } from '../ids.js';
import { DASHBOARD_ROLE_IDS, isDashboardRoleId, scopesOfRoles, type DashboardRoleId } from './dashboard-roles.js';
import { DASHBOARD_TOKEN_LIFETIME_SECONDS, mintDashboardToken } from './dashboard-tokens.js';

/** Kind of the membership cache's invalidations; published by this service only. */
const MEMBERSHIP_KIND = 'dashboard-membership';

/** The dashboard sessions this service needs to ask about and to end (domain/control-plane/dashboard-sessions.ts). */
export interface DashboardSessionGate {
  /** True when the dashboard session `sessionId` belongs to `userId` and is neither revoked nor expired. */
  isActive(sessionId: string, userId: string): Promise<boolean>;
  /** Ends every dashboard session of the account (but `exceptId`, when given). */
  revokeAllForUser(userId: string, exceptId?: string): Promise<void>;
  /** Ends one dashboard session of the account; false when it has none by that id (or it was already ended). */
  revoke(userId: string, sessionId: string): Promise<boolean>;
}

export interface Membership {
  tenantId: string;
  userId: string;
  roles: DashboardRoleId[];
  grantId: string;
  createdAt: string;
  updatedAt: string;
}

export type DashboardAccess = { ok: true; roles: DashboardRoleId[]; scopes: Set<string> } | { ok: false; reason: 'membership' | 'session' };

export interface TenantToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  management_api: string;
}

const newGrantId = (): string => `dgr_${randomAlphanumeric(24)}`;

const toMembership = (record: MembershipRecord): Membership => ({ ...record, roles: record.roles.filter(isDashboardRoleId) });

export class ControlPlaneService {
  private readonly memberships: EntityCache<Membership>;
  private adminTenantId: string | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    private readonly tenants: TenantService,
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
    private readonly sessions: DashboardSessionGate,
  ) {
    this.memberships = new EntityCache<Membership>(MEMBERSHIP_KIND, bus, { max: 50_000, valueBytes: 300, ttlMs: 5 * 60_000 });
  }

  /** `{scheme}://{admin host}{:port}`: where the dashboard runs (its cookies, CORS and CSP name it). */
  adminOrigin(): string {
    return this.tenants.publicOrigin.originFor(this.tenants.adminHost);
  }

  /** The issuer of dashboard tokens: the admin host's origin, as every tenant issuer is built. */
  adminIssuer(): string {
    return this.tenants.publicOrigin.issuerFor(this.tenants.adminHost);
  }

  /** Exact comparison: a token is a dashboard token only if it names exactly this issuer. */
  isAdminIssuer(iss: unknown): boolean {
    return typeof iss === 'string' && iss === this.adminIssuer();
  }

  /** The admin tenant's id (fixed once the admin tenant exists: it is never deleted). */
  async adminTenant(): Promise<Tenant> {
    const tenant = this.adminTenantId ? await this.tenants.getById(this.adminTenantId) : await this.tenants.findAdmin();
    if (!tenant) throw new Error('the admin tenant does not exist (ensureAdminTenant runs at start)');
    this.adminTenantId = tenant.id;
    return tenant;
  }

  async membership(tenantId: string, userId: string): Promise<Membership | null> {
    return this.memberships.get(tenantId, userId, async () => {
      const record = await this.storage.repos.dashboardMemberships.find(tenantId, userId);
      return record ? toMembership(record) : undefined;
    });
  }

  async listMembers(tenantId: string): Promise<Membership[]> {
    return (await this.storage.repos.dashboardMemberships.listForTenant(tenantId)).map(toMembership);
  }

  async membershipsOf(userId: string): Promise<Membership[]> {
    return (await this.storage.repos.dashboardMemberships.listForUser(userId)).map(toMembership);
  }

  /**
   * Gives an account these roles in a tenant (adds the membership, or replaces its roles). Changing
   * an existing membership ends the person's dashboard and admin-tenant sessions; adding one does not.
   * A tenant never loses its last Admin (409 `last_admin`). With `mustExist`, only an existing
   * membership changes (404 `member_not_found` otherwise).
   */
  async setRoles(tenantId: string, userId: string, roles: readonly string[], options: { mustExist?: boolean } = {}): Promise<Membership> {
    const checked = checkRoles(roles);
    const now = new Date(this.clock.now()).toISOString();
    const { membership, changed } = await this.storage.transaction(async (repos) => {
      const existing = await repos.dashboardMemberships.find(tenantId, userId);
      // A role change for someone removed meanwhile must not add them back.
      if (!existing && options.mustExist) throw notFound('The member does not exist.', 'member_not_found');
      if (existing && sameRoles(existing.roles, checked)) return { membership: toMembership(existing), changed: false };
      if (existing?.roles.includes('admin') && !checked.includes('admin')) await refuseLastAdmin(repos.dashboardMemberships, tenantId, userId);
      const record: MembershipRecord = { tenantId, userId, roles: checked, grantId: newGrantId(), createdAt: existing?.createdAt ?? now, updatedAt: now };
      await repos.dashboardMemberships.upsert(record);
      return { membership: toMembership(record), changed: existing !== undefined };
    });
    await this.invalidateMembership(tenantId, userId);
    if (changed) await this.endSessionsOf(userId);
    return membership;
  }

  /** Removes an account from a tenant and ends its sessions; the tenant's last Admin cannot be removed. */
  async removeMember(tenantId: string, userId: string): Promise<void> {
    await this.storage.transaction(async (repos) => {
      const existing = await repos.dashboardMemberships.find(tenantId, userId);
      if (!existing) throw notFound('The member does not exist.', 'member_not_found');
      if (existing.roles.includes('admin')) await refuseLastAdmin(repos.dashboardMemberships, tenantId, userId);
      await repos.dashboardMemberships.delete(tenantId, userId);
    });
    await this.invalidateMembership(tenantId, userId);
    await this.endSessionsOf(userId);
  }

  /**
   * Whether a dashboard token minted for (tenant, account, grant, session) still gives access:
   * the membership exists with that same grant id, and the dashboard session is live. The scopes
   * are the current roles', so a downgrade holds even against a token minted before it.
   */
  async dashboardAccess(tenantId: string, userId: string, grantId: unknown, sessionId: unknown): Promise<DashboardAccess> {
    if (typeof grantId !== 'string' || typeof sessionId !== 'string') return { ok: false, reason: 'membership' };
    const membership = await this.membership(tenantId, userId);
    if (!membership || membership.grantId !== grantId) return { ok: false, reason: 'membership' };
    if (!(await this.sessions.isActive(sessionId, userId))) return { ok: false, reason: 'session' };
    return { ok: true, roles: membership.roles, scopes: scopesOfRoles(membership.roles) };
  }

  /**
   * A customer tenant, created by a platform owner (or the CLI: no creator). The creator and every
   * owner become its Admins, so no tenant is ever left without one.
   */
  async createTenant(name: string, options: { environmentTag?: EnvironmentTag; creatorId?: string } = {}): Promise<Tenant> {
    const tenant = await this.tenants.create(name, options.environmentTag ? { environmentTag: options.environmentTag } : {});
    await this.addOwnersAsAdmins(tenant, options.creatorId);
    return tenant;
  }

  /** Every owner (and the creator, if any) is Admin of the tenant; existing memberships are left as they are. */
  async addOwnersAsAdmins(tenant: Tenant, creatorId?: string): Promise<void> {
    const owners = (await this.storage.repos.dashboardAccounts.listOwners()).map((o) => o.userId);
    for (const userId of new Set([...(creatorId ? [creatorId] : []), ...owners])) {
      if (!(await this.membership(tenant.id, userId))) await this.setRoles(tenant.id, userId, ['admin']);
    }
  }

  /** The tenants a person is a member of, with their roles there. */
  async tenantsOf(userId: string): Promise<Array<{ tenant: Tenant; roles: DashboardRoleId[] }>> {
    const result: Array<{ tenant: Tenant; roles: DashboardRoleId[] }> = [];
    for (const membership of await this.membershipsOf(userId)) {
      const tenant = await this.tenants.getById(membership.tenantId);
      if (tenant && tenant.kind === 'customer') result.push({ tenant, roles: membership.roles });
    }
    return result.sort((a, b) => a.tenant.name.localeCompare(b.tenant.name));
  }

  /** A tenant a person is a member of, by name; not found otherwise, so a non-member learns nothing. */
  async memberTenant(userId: string, name: string): Promise<{ tenant: Tenant; membership: Membership }> {
    const tenant = typeof name === 'string' && name.length <= 63 ? await this.tenants.findByName(name) : undefined;
    const membership = tenant && tenant.kind === 'customer' ? await this.membership(tenant.id, userId) : null;
    if (!tenant || !membership) throw notFound(`Tenant "${String(name).slice(0, 63)}" not found.`, 'inexistent_tenant');
    return { tenant, membership };
  }

  /** Deletes a tenant (tombstoned); its memberships go with it, so every dashboard token for it fails. */
  async deleteTenant(tenant: Tenant): Promise<void> {
    await this.tenants.delete(tenant.name);
    await this.storage.transaction(async (repos) => {
      await repos.dashboardMemberships.deleteForTenant(tenant.id);
      await repos.dashboardInvitations.deleteForTenant(tenant.id);
    });
    await this.invalidateMembership(tenant.id);
  }

  /** A Management API token of `tenant` for a member, during dashboard session `sessionId`. */
  async mintTenantToken(tenant: Tenant, userId: string, sessionId: string): Promise<TenantToken> {
    const membership = tenant.kind === 'customer' ? await this.membership(tenant.id, userId) : null;
    if (!membership) throw notFound(`Tenant "${tenant.name}" not found.`, 'inexistent_tenant');
    const admin = await this.adminTenant();
    const ring = await this.keys.keyRing(admin.id);
    const managementApi = this.tenants.publicOrigin.managementApiIdentifier(tenant.name);
    const scopes = [...scopesOfRoles(membership.roles)];
    const { token } = mintDashboardToken(ring, {
      issuer: this.adminIssuer(),
      accountId: userId,
      managementApi,
      tenantId: tenant.id,
      grantId: membership.grantId,
      sessionId,
      scopes,
      nowSeconds: secondsAt(this.clock),
    });
    return { access_token: token, token_type: 'Bearer', expires_in: DASHBOARD_TOKEN_LIFETIME_SECONDS, scope: scopes.join(' '), management_api: managementApi };
  }

  /**
   * Ends one dashboard session of the account and the admin tenant's login session it was started
   * from, so that signing in again on that device asks for the password. False when the account has
   * no such session.
   */
  async endDashboardSession(userId: string, sessionId: string): Promise<boolean> {
    const record = await this.storage.repos.dashboardSessions.findById(sessionId);
    if (!record || record.userId !== userId) return false;
    const revoked = await this.sessions.revoke(userId, sessionId);
    if (record.ssoSid) {
      const admin = await this.adminTenant();
      await this.storage.repos.sessions.revokeBySid(admin.id, record.ssoSid, new Date(this.clock.now()).toISOString());
    }
    return revoked;
  }

  /** Every session of the account but the dashboard session `keepId` (a password change). */
  async endOtherSessions(userId: string, keepId: string): Promise<void> {
    const keep = await this.storage.repos.dashboardSessions.findById(keepId);
    await this.sessions.revokeAllForUser(userId, keepId);
    const admin = await this.tenants.findAdmin();
    if (!admin) return;
    const at = new Date(this.clock.now()).toISOString();
    // The hosted-login sessions go too, except the one behind the session kept.
    const others = await this.storage.repos.sessions.listSidsForUser(admin.id, userId);
    for (const sid of others) if (sid !== keep?.ssoSid) await this.storage.repos.sessions.revokeBySid(admin.id, sid, at);
  }

  /** Dashboard sessions and the admin tenant's SSO sessions of the account. */
  private async endSessionsOf(userId: string): Promise<void> {
    await this.sessions.revokeAllForUser(userId);
    const admin = await this.tenants.findAdmin();
    if (admin) await this.storage.repos.sessions.revokeForUser(admin.id, userId, new Date(this.clock.now()).toISOString());
  }

  /** After a committed membership change: one member's cached membership, or every member's of the tenant. */
  private invalidateMembership(tenantId: string, userId?: string): Promise<void> {
    return this.bus.publish(userId === undefined ? { tenantId, kind: MEMBERSHIP_KIND } : { tenantId, kind: MEMBERSHIP_KIND, key: userId });
  }
}

function checkRoles(roles: readonly string[]): DashboardRoleId[] {
  if (!Array.isArray(roles) || roles.length === 0) throw invalid('roles must name at least one role.', 'invalid_role');
  const unique = [...new Set(roles)];
  for (const role of unique) if (!isDashboardRoleId(role)) throw invalid(`Unknown role "${String(role).slice(0, 64)}"; expected one of ${DASHBOARD_ROLE_IDS.join(', ')}.`, 'invalid_role');
  return unique as DashboardRoleId[];
}

const sameRoles = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((role) => b.includes(role));

async function refuseLastAdmin(repo: Storage['repos']['dashboardMemberships'], tenantId: string, userId: string): Promise<void> {
  if (!(await repo.hasOtherAdmin(tenantId, userId))) throw conflict('A tenant must keep at least one Admin.', 'last_admin');
}
