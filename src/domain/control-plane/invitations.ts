/**
 * Tenant member invitations (docs/plans/dashboard.md §2): an Admin invites an email address with
 * roles; the invitation travels by email through the tenant's own delivery (SMTP, or that tenant's
 * dev outbox), as a one-time link whose ticket sits in the URL fragment (never in logs or Referer).
 * Accepting it adds the membership to the signed-in account with that address, or creates the
 * account. Tickets are 256-bit, stored hashed, expire after 7 days; a new invitation for the same
 * address replaces the pending one. Used, revoked, expired and unknown tickets all answer the same.
 */
import type { Storage } from '../../storage/storage.js';
import type { InvitationRecord } from '../../storage/repositories/dashboard-invitations.js';
import { isUniqueViolation } from '../../storage/repositories/users.js';
import type { EmailSender } from '../delivery/index.js';
import type { UserService } from '../users/user-service.js';
import type { Clock } from '../clock.js';
import type { Tenant, TenantService } from '../tenants/tenant-service.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { hashSecret, newSecret } from '../secrets.js';
import { randomAlphanumeric } from '../ids.js';
import { escapeText } from '../password-reset/reset-email.js';
import type { ControlPlaneService } from './control-plane-service.js';
import type { DashboardAccount, DashboardAccountService } from './dashboard-accounts.js';
import { DASHBOARD_ROLE_IDS, dashboardRole, isDashboardRoleId, type DashboardRoleId } from './dashboard-roles.js';

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export interface Invitation {
  id: string;
  email: string;
  roles: DashboardRoleId[];
  invited_by: string;
  created_at: string;
  expires_at: string;
}

export interface InvitationPreview {
  tenant: string;
  email: string;
  roles: DashboardRoleId[];
  inviter: string;
  account_exists: boolean;
}

const gone = () => notFound('This invitation is invalid, used, revoked or expired. Ask for a new one.', 'invitation_not_found');

const toInvitation = (record: InvitationRecord): Invitation => ({
  id: record.id,
  email: record.email,
  roles: record.roles.filter(isDashboardRoleId),
  invited_by: record.invitedBy,
  created_at: record.createdAt,
  expires_at: record.expiresAt,
});

export class InvitationService {
  constructor(
    private readonly storage: Storage,
    private readonly email: EmailSender,
    private readonly users: UserService,
    private readonly tenants: TenantService,
    private readonly controlPlane: ControlPlaneService,
    private readonly accounts: DashboardAccountService,
    private readonly clock: Clock,
  ) {}

  /** Invites `email` to `tenant` with `roles`, and sends the link. The ticket is returned to no one. */
  async invite(tenant: Tenant, inviterId: string, email: string, roles: readonly string[]): Promise<Invitation> {
    const address = email.trim().toLowerCase();
    if (!EMAIL.test(address)) throw invalid('email must be an email address.', 'invalid_email');
    if (roles.length === 0 || !roles.every(isDashboardRoleId)) throw invalid(`roles must name one or more of ${DASHBOARD_ROLE_IDS.join(', ')}.`, 'invalid_role');
    const admin = await this.controlPlane.adminTenant();
    for (const user of await this.users.listByEmail(admin.id, address)) {
      if (await this.controlPlane.membership(tenant.id, user.user_id)) throw conflict(`${address} is already a member of this tenant.`, 'already_member');
    }
    const now = this.clock.now();
    const ticket = newSecret();
    const record: InvitationRecord = {
      id: `inv_${randomAlphanumeric(20)}`,
      tenantId: tenant.id,
      email: address,
      roles: [...new Set(roles)],
      invitedBy: inviterId,
      ticketHash: hashSecret(ticket),
      expiresAt: new Date(now + INVITATION_TTL_MS).toISOString(),
      acceptedAt: null,
      revokedAt: null,
      createdAt: new Date(now).toISOString(),
    };
    const replacePending = () =>
      this.storage.transaction(async (repos) => {
        await repos.dashboardInvitations.revokePendingFor(tenant.id, address, record.createdAt);
        await repos.dashboardInvitations.insert(record);
      });
    // A concurrent invitation of the same address committed first (one pending per address:
    // migration 017): again, now that it can be seen and revoked; a few times at most.
    for (let attempt = 1; ; attempt++) {
      try {
        await replacePending();
        break;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (attempt === 3) throw conflict(`Another invitation of ${address} is being sent; try again.`, 'invitation_conflict');
      }
    }
    const inviter = await this.accounts.find(inviterId);
    const link = `${this.controlPlane.adminOrigin()}/invitations/accept#ticket=${ticket}`;
    await this.email.send(tenant.id, { to: address, ...invitationEmail({ tenant: tenant.name, inviter: inviter?.email ?? 'An administrator', roles: record.roles.filter(isDashboardRoleId), link }) });
    return toInvitation(record);
  }

  /** The invitations the tenant sent in the last `windowMs`, and when the oldest of them was sent (epoch ms). */
  async sentWithin(tenantId: string, windowMs: number): Promise<{ count: number; oldestAt: number | null }> {
    const since = new Date(this.clock.now() - windowMs).toISOString();
    const { count, oldest } = await this.storage.repos.dashboardInvitations.countCreatedSince(tenantId, since);
    return { count, oldestAt: oldest ? Date.parse(oldest) : null };
  }

  async listPending(tenantId: string): Promise<Invitation[]> {
    return (await this.storage.repos.dashboardInvitations.listPending(tenantId, new Date(this.clock.now()).toISOString())).map(toInvitation);
  }

  async revoke(tenantId: string, id: string): Promise<void> {
    const revoked = await this.storage.transaction((repos) => repos.dashboardInvitations.revoke(tenantId, id, new Date(this.clock.now()).toISOString()));
    if (!revoked) throw notFound('The invitation does not exist or is no longer pending.', 'invitation_not_found');
  }

  /** What the accept page shows before anyone commits to anything. */
  async lookup(ticket: string): Promise<InvitationPreview> {
    const { record, tenant } = await this.pending(ticket);
    const admin = await this.controlPlane.adminTenant();
    const inviter = await this.accounts.find(record.invitedBy);
    const accounts = await this.users.listByEmail(admin.id, record.email);
    return { tenant: tenant.name, email: record.email, roles: record.roles.filter(isDashboardRoleId), inviter: inviter?.email ?? '', account_exists: accounts.length > 0 };
  }

  /**
   * Redeems the ticket once. Signed in: the account must have the invited address (403
   * `email_mismatch`). Not signed in: creates the account with `password` (the link proves the
   * address, so it is verified), unless one exists, which must sign in first (401 `login_required`).
   */
  async accept(ticket: string, by: { accountId?: string; name?: string; password?: string }): Promise<{ tenant: Tenant; account: DashboardAccount; created: boolean }> {
    const { record, tenant } = await this.pending(ticket);
    const admin = await this.controlPlane.adminTenant();
    let account: DashboardAccount | undefined;
    let created = false;
    if (by.accountId) {
      account = await this.accounts.find(by.accountId);
      if (!account || account.email.toLowerCase() !== record.email) throw forbidden('This invitation is for another email address: sign out and open the link again.', 'email_mismatch');
    } else {
      if ((await this.users.listByEmail(admin.id, record.email)).length > 0) {
        throw conflict('An account with this email address exists: sign in, then open the invitation link again.', 'login_required');
      }
      if (!by.password) throw invalid('password is required to create your account.', 'invalid_password');
      // Before the ticket is spent: a refused password leaves the invitation usable.
      await this.accounts.checkPassword(admin.id, { email: record.email, password: by.password, ...(by.name ? { name: by.name } : {}) });
    }
    const at = new Date(this.clock.now()).toISOString();
    if (!(await this.storage.transaction((repos) => repos.dashboardInvitations.accept(record.id, at)))) throw gone();
    if (!account) {
      try {
        account = await this.accounts.createMember({ email: record.email, password: by.password!, ...(by.name ? { name: by.name } : {}) });
      } catch (error) {
        // e.g. another invitation for this address created the account a moment ago: this one stays usable.
        await this.storage.transaction((repos) => repos.dashboardInvitations.unaccept(record.id, at));
        throw error;
      }
      created = true;
    }
    if (!(await this.controlPlane.membership(tenant.id, account.user_id))) await this.controlPlane.setRoles(tenant.id, account.user_id, record.roles);
    return { tenant, account, created };
  }

  private async pending(ticket: string): Promise<{ record: InvitationRecord; tenant: Tenant }> {
    if (typeof ticket !== 'string' || ticket.length < 20 || ticket.length > 200) throw gone();
    const record = await this.storage.repos.dashboardInvitations.findByTicketHash(hashSecret(ticket));
    if (!record || record.acceptedAt || record.revokedAt || Date.parse(record.expiresAt) <= this.clock.now()) throw gone();
    const tenant = await this.tenants.getById(record.tenantId);
    if (!tenant || tenant.kind !== 'customer') throw gone();
    return { record, tenant };
  }
}

function invitationEmail(input: { tenant: string; inviter: string; roles: DashboardRoleId[]; link: string }): { subject: string; text: string; html: string } {
  const roleNames = input.roles.map((id) => dashboardRole(id).name).join(', ');
  const subject = `You are invited to manage the ${input.tenant} tenant`;
  const text = [
    'Hello,',
    '',
    `${input.inviter} invited you to manage the tenant ${input.tenant} on Tessera as ${roleNames}. To accept, open this link:`,
    '',
    input.link,
    '',
    'The link works once and expires in 7 days. If you did not expect this, ignore this email.',
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1e212a">
<p>Hello,</p>
<p>${escapeText(input.inviter)} invited you to manage the tenant <strong>${escapeText(input.tenant)}</strong> on Tessera as ${escapeText(roleNames)}.</p>
<p><a href="${escapeText(input.link)}" style="display:inline-block;padding:10px 16px;background:#635dff;color:#fff;border-radius:4px;text-decoration:none">Accept the invitation</a></p>
<p>Or copy this link into your browser:<br><code style="word-break:break-all">${escapeText(input.link)}</code></p>
<p>The link works once and expires in 7 days. If you did not expect this, ignore this email.</p>
</body></html>`;
  return { subject, text, html };
}
