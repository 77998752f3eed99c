/**
 * Password change tickets, as Auth0's `POST /api/v2/tickets/password-change` makes them: a one-time
 * link to the hosted reset page (`/u/reset-password?ticket=...`, the page a reset email links to),
 * for a database user named by `user_id`, or by `email` and `connection_id`. The link lives
 * `ttl_sec` seconds (0 or absent: Auth0's five days) and obeys the reset rules of
 * password-reset.ts: used once, and void once the user's address or password changes.
 *
 * The dashboard's "Send password reset email" mails such a link (`emailPasswordChangeLink`), the
 * way the hosted "Forgot password?" request does, through the tenant's email delivery.
 */
import type { Services } from '../services.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { User } from '../users/user.js';
import type { Client } from '../clients/client.js';
import type { Audit } from '../../http/audit.js';
import { invalid, notFound } from '../errors.js';
import { resetEmail } from './reset-email.js';
import { resetTicketFor, type PasswordResetTicket } from './password-reset.js';

/** Auth0's default lifetime of a password change ticket: 432000 seconds (five days). */
export const PASSWORD_CHANGE_TICKET_TTL_SECONDS = 432_000;

export const RESET_PAGE_PATH = '/u/reset-password';

export interface PasswordChangeTarget {
  user_id?: string;
  email?: string;
  connection_id?: string;
  client_id?: string;
}

/**
 * The database user a ticket is for: by `user_id`, or by `email` within the database connection
 * `connection_id` (Auth0: one or the other). Other users have no password to change here.
 */
export async function passwordChangeTarget(services: Services, tenant: Tenant, input: PasswordChangeTarget): Promise<{ user: User & { email: string }; connection: string; client: Client | null }> {
  if (input.user_id !== undefined && (input.email !== undefined || input.connection_id !== undefined)) {
    throw invalid('Send user_id, or email with connection_id, not both.');
  }
  let user: User | undefined;
  let connection: string | undefined;
  if (input.user_id !== undefined) {
    user = await services.users.get(tenant.id, input.user_id);
    const primary = user.identities[0];
    const db = primary ? await services.connections.findByName(tenant.id, primary.connection) : undefined;
    if (!db || db.strategy !== 'auth0') throw invalid('The user does not log in with a database connection: there is no password to change.');
    connection = db.name;
  } else {
    if (input.email === undefined || input.connection_id === undefined) throw invalid('Send user_id, or email with connection_id.');
    const db = await services.connections.get(tenant.id, input.connection_id);
    if (db.strategy !== 'auth0') throw invalid('connection_id must name a database connection.');
    const login = await services.users.findForLogin(tenant.id, db.name, input.email.trim().toLowerCase());
    if (!login) throw notFound('The user does not exist.', 'inexistent_user');
    user = login.user;
    connection = db.name;
  }
  if (!user.email) throw invalid('The user does not have an email address.');
  let client: Client | null = null;
  if (input.client_id !== undefined) {
    client = await services.clients.find(tenant.id, tenant.name, input.client_id);
    if (!client) throw notFound('The client does not exist', 'inexistent_client');
  }
  return { user: user as User & { email: string }, connection, client };
}

export interface PasswordChangeTicketRequest {
  user: User & { email: string };
  connection: string;
  /** `{issuer}`: the host the link points at. */
  issuer: string;
  clientId?: string;
  resultUrl?: string;
  /** 0 or absent: the default lifetime. */
  ttlSec?: number;
  markEmailAsVerified?: boolean;
  includeEmailInRedirect?: boolean;
}

/** Stores a ticket for the user's current address and returns the link that uses it. */
export async function createPasswordChangeTicket(services: Services, tenant: Tenant, request: PasswordChangeTicketRequest): Promise<string> {
  if (request.resultUrl !== undefined && !isWebUrl(request.resultUrl)) throw invalid('result_url must be an http or https URL.');
  const ticket: PasswordResetTicket = {
    ...resetTicketFor(request.user, request.connection, request.clientId),
    ...(request.resultUrl ? { resultUrl: request.resultUrl } : {}),
    ...(request.includeEmailInRedirect ? { includeEmailInRedirect: true } : {}),
    ...(request.markEmailAsVerified ? { markEmailAsVerified: true } : {}),
  };
  const secret = await services.ttl.put(tenant.id, 'password_reset', ticket, request.ttlSec || PASSWORD_CHANGE_TICKET_TTL_SECONDS);
  return `${request.issuer}${RESET_PAGE_PATH.slice(1)}?ticket=${encodeURIComponent(secret)}`;
}

/**
 * Emails a fresh password change link (default lifetime) to the user (`scpr`), or logs `fcpr` and
 * throws. For an administrator's "send a reset email": the caller knows the user, so unlike the
 * public request there is nothing to hide about whether the account exists.
 */
export async function emailPasswordChangeLink(
  services: Services,
  tenant: Tenant,
  request: { user: User & { email: string }; connection: string; issuer: string; audit: Audit },
): Promise<void> {
  const { user, audit } = request;
  const log = { userId: user.user_id, details: { connection: request.connection, email: user.email } };
  try {
    const link = await createPasswordChangeTicket(services, tenant, { user, connection: request.connection, issuer: request.issuer });
    const tenantName = tenant.settings.friendly_name ?? tenant.name;
    const ttlMinutes = PASSWORD_CHANGE_TICKET_TTL_SECONDS / 60;
    await services.email.send(tenant.id, { to: user.email, ...resetEmail({ tenantName, link, ttlMinutes }) });
  } catch (error) {
    audit('fcpr', { description: `could not send the email: ${error instanceof Error ? error.message : String(error)}`, ...log });
    throw error;
  }
  audit('scpr', { description: 'Password reset email sent', ...log });
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
