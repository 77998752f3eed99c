/**
 * `tessera admin …`: the dashboard's recovery commands for whoever runs the server.
 * - `setup-link`: a fresh one-time link to create the first administrator (the previous one stops working).
 * - `reset-password EMAIL`: a one-time link (1 hour) to choose a new password for a dashboard account,
 *   for installations without email delivery.
 */
import type { Config } from '../config/config.js';
import { withRuntime } from './tenants-command.js';
import { DASHBOARD_CONNECTION, ensureAdminTenant } from '../domain/control-plane/admin-tenant.js';
import { DASHBOARD_CLIENT_ID } from '../domain/control-plane/dashboard-tokens.js';
import { RESET_TICKET_TTL_SECONDS, resetTicketFor } from '../domain/password-reset/password-reset.js';
import { notFound } from '../domain/errors.js';
import { setupLinkMessage } from './dashboard-setup.js';

export type AdminSubcommand = { sub: 'setup-link' } | { sub: 'reset-password'; email: string };

export async function adminCommand(config: Config, command: AdminSubcommand): Promise<void> {
  await withRuntime(config, async (services) => {
    const admin = await ensureAdminTenant(services);
    if (command.sub === 'setup-link') {
      console.log(await setupLinkMessage(services));
      return;
    }
    const login = await services.users.findForLogin(admin.id, DASHBOARD_CONNECTION, command.email);
    const account = login ? await services.dashboardAccounts.find(login.user.user_id) : undefined;
    if (!login?.user.email || !account) throw notFound(`No dashboard account has the email ${command.email}.`, 'account_not_found');
    const ticket = resetTicketFor({ user_id: login.user.user_id, email: login.user.email }, DASHBOARD_CONNECTION, DASHBOARD_CLIENT_ID);
    const secret = await services.ttl.put(admin.id, 'password_reset', ticket, RESET_TICKET_TTL_SECONDS);
    console.log(`Password reset for ${login.user.email}: ${services.controlPlane.adminOrigin()}/u/reset-password?ticket=${encodeURIComponent(secret)} (one use, expires in 1 h)`);
  });
}
