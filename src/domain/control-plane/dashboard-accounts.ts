/**
 * Dashboard accounts: admin-tenant users who may sign in to the dashboard (docs/plans/dashboard.md
 * §3). The first one is a platform owner, created from the one-time setup link the server prints at
 * start (or from TESSERA_ADMIN_EMAIL/TESSERA_ADMIN_PASSWORD), and becomes Admin of every tenant.
 */
import type { Storage } from '../../storage/storage.js';
import type { DashboardAccountRecord, DashboardPreferences, DashboardTheme } from '../../storage/repositories/dashboard-accounts.js';
import type { UserService } from '../users/user-service.js';
import type { User } from '../users/user.js';
import type { TtlStore } from '../oidc/ttl-store.js';
import type { Clock } from '../clock.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { ControlPlaneService } from './control-plane-service.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { DASHBOARD_CONNECTION } from './admin-tenant.js';
import { passwordProblem, passwordRulesOf } from '../users/password-policy.js';
import { isBreachedPassword } from '../attack-protection/breached-passwords.js';

/** A setup link lives a day; a restart issues a new one, which replaces it. */
export const SETUP_TOKEN_TTL_SECONDS = 24 * 3600;
const SETUP_KEY_DOCUMENT = { purpose: 'first-administrator' };
export const DASHBOARD_THEMES: readonly DashboardTheme[] = ['light', 'dark', 'system'];

export interface DashboardAccount {
  user_id: string;
  email: string;
  name: string;
  picture?: string;
  is_owner: boolean;
  preferences: { theme: DashboardTheme };
}

export interface NewAccount {
  email: string;
  password: string;
  name?: string;
}

export class DashboardAccountService {
  constructor(
    private readonly storage: Storage,
    private readonly users: UserService,
    private readonly tenants: TenantService,
    private readonly controlPlane: ControlPlaneService,
    private readonly ttl: TtlStore,
    private readonly clock: Clock,
  ) {}

  /** True once a first administrator exists: the setup link is then refused. */
  async exist(): Promise<boolean> {
    return this.storage.repos.dashboardAccounts.exists();
  }

  /** A new one-time setup link token (the previous one stops working), or undefined when an account exists. */
  async issueSetupToken(): Promise<string | undefined> {
    if (await this.exist()) return undefined;
    const admin = await this.controlPlane.adminTenant();
    await this.ttl.deleteAll(admin.id, 'dashboard_setup');
    return this.ttl.put(admin.id, 'dashboard_setup', SETUP_KEY_DOCUMENT, SETUP_TOKEN_TTL_SECONDS);
  }

  /** Redeems the setup link once and creates the first administrator with it. */
  async setUp(token: string, account: NewAccount): Promise<DashboardAccount> {
    if (await this.exist()) throw conflict('The dashboard is already set up: sign in instead.', 'already_set_up');
    checkNewAccount(account);
    const admin = await this.controlPlane.adminTenant();
    // A password the connection would refuse must not spend the one-time link.
    await this.checkPassword(admin.id, account);
    const redemption = await this.ttl.consume(admin.id, 'dashboard_setup', token);
    if (redemption.status !== 'ok') throw notFound('This setup link is invalid, used or expired. Restart the server, or run `tessera admin setup-link`, for a new one.', 'invalid_setup_token');
    return this.createOwner(account);
  }

  /**
   * A platform owner: an admin-tenant user (email verified: whoever set it up holds the link or the
   * environment) and an Admin of every customer tenant. Used by the setup link, TESSERA_ADMIN_EMAIL
   * and the CLI alike, so they cannot differ.
   */
  async createOwner(account: NewAccount): Promise<DashboardAccount> {
    const admin = await this.controlPlane.adminTenant();
    await this.checkPassword(admin.id, account);
    const owner = await this.createAccount(account, true);
    for (const tenant of await this.tenants.list()) await this.controlPlane.setRoles(tenant.id, owner.user_id, ['admin']);
    return owner;
  }

  /** A dashboard account that is no owner (an accepted invitation); its memberships come separately. */
  createMember(account: NewAccount): Promise<DashboardAccount> {
    return this.createAccount(account, false);
  }

  private async createAccount(account: NewAccount, isOwner: boolean): Promise<DashboardAccount> {
    checkNewAccount(account);
    const admin = await this.controlPlane.adminTenant();
    const user = await this.users.create(admin.id, {
      connection: DASHBOARD_CONNECTION,
      email: account.email,
      password: account.password,
      email_verified: true,
      ...(account.name ? { name: account.name } : {}),
    });
    const now = new Date(this.clock.now()).toISOString();
    const record: DashboardAccountRecord = { userId: user.user_id, isOwner, preferences: { theme: 'system' }, createdAt: now, updatedAt: now };
    try {
      await this.storage.repos.dashboardAccounts.insert(record);
    } catch (error) {
      await this.users.delete(admin.id, user.user_id);
      throw error;
    }
    return this.view(user, record);
  }

  /** The account of an admin-tenant user, or undefined when that user is not a dashboard account. */
  async find(userId: string): Promise<DashboardAccount | undefined> {
    const record = await this.storage.repos.dashboardAccounts.find(userId);
    if (!record) return undefined;
    const admin = await this.controlPlane.adminTenant();
    const user = await this.users.find(admin.id, userId);
    return user && !user.blocked ? this.view(user, record) : undefined;
  }

  async update(userId: string, patch: { name?: string; preferences?: DashboardPreferences }): Promise<DashboardAccount> {
    const record = await this.storage.repos.dashboardAccounts.find(userId);
    if (!record) throw notFound('The account does not exist.', 'account_not_found');
    const admin = await this.controlPlane.adminTenant();
    if (patch.name !== undefined) await this.users.update(admin.id, userId, { name: patch.name });
    if (patch.preferences?.theme !== undefined) {
      if (!DASHBOARD_THEMES.includes(patch.preferences.theme)) throw invalid(`preferences.theme must be one of ${DASHBOARD_THEMES.join(', ')}.`);
      await this.storage.repos.dashboardAccounts.updatePreferences(userId, { ...record.preferences, theme: patch.preferences.theme }, new Date(this.clock.now()).toISOString());
    }
    const account = await this.find(userId);
    if (!account) throw notFound('The account does not exist.', 'account_not_found');
    return account;
  }

  /**
   * Changes the account's password after checking the current one (403 `wrong_password`), with the
   * connection's policy and the breach list; every other session of the account ends (dashboard and
   * hosted login), the one it was changed from stays.
   */
  async changePassword(userId: string, currentSessionId: string, current: string, next: string): Promise<void> {
    const admin = await this.controlPlane.adminTenant();
    const account = await this.find(userId);
    if (!account) throw notFound('The account does not exist.', 'account_not_found');
    const login = await this.users.findForLogin(admin.id, DASHBOARD_CONNECTION, account.email);
    if (!login || login.user.user_id !== userId || !(await this.users.checkPassword(admin.id, login, current))) {
      throw forbidden('The current password is wrong.', 'wrong_password');
    }
    await this.checkPassword(admin.id, { email: account.email, password: next, name: account.name });
    await this.users.update(admin.id, userId, { password: next });
    await this.controlPlane.endOtherSessions(userId, currentSessionId);
  }

  /** Owners: who may create tenants, and who becomes Admin of each new one. */
  async owners(): Promise<string[]> {
    return (await this.storage.repos.dashboardAccounts.listOwners()).map((o) => o.userId);
  }

  /** Refuses a password the accounts' connection would refuse, before anything is spent or written. */
  async checkPassword(adminId: string, account: NewAccount): Promise<void> {
    const connection = await this.storage.repos.connections.findByName(adminId, DASHBOARD_CONNECTION);
    const options = (connection?.document.options ?? {}) as Record<string, unknown>;
    const problem = passwordProblem(account.password, passwordRulesOf(options), { email: account.email, name: account.name ?? null });
    if (problem) throw invalid(problem);
    if (isBreachedPassword(account.password)) throw invalid('PasswordStrengthError: This password has appeared in a public data breach; choose another.');
  }

  private view(user: User, record: DashboardAccountRecord): DashboardAccount {
    return {
      user_id: user.user_id,
      email: user.email ?? '',
      name: user.name ?? user.email ?? '',
      ...(user.picture ? { picture: user.picture } : {}),
      is_owner: record.isOwner,
      preferences: { theme: record.preferences.theme ?? 'system' },
    };
  }
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

function checkNewAccount(account: NewAccount): void {
  if (typeof account.email !== 'string' || !EMAIL.test(account.email)) throw invalid('email must be an email address.', 'invalid_email');
  if (typeof account.password !== 'string' || account.password.length === 0) throw invalid('password is required.', 'invalid_password');
  if (account.name !== undefined && (typeof account.name !== 'string' || account.name.length > 300)) throw invalid('name must be a string of at most 300 characters.');
}
