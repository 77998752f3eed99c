/**
 * Password reset by email link: a request always gets the same answer (no account enumeration) and
 * its work happens off the request path, so neither the answer nor its timing says whether the
 * address has an account. Known addresses get a one-time ticket, valid for an hour, in a link to
 * the hosted reset page. Setting the new password follows the connection's policy, uses the ticket
 * up, and ends the user's sessions and refresh tokens: whoever knew the old password is logged out.
 */
import type { Services } from '../services.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { DomainError } from '../errors.js';
import { resetEmail } from './reset-email.js';
import { isoAt } from '../clock.js';
import type { Audit } from '../../http/audit.js';
import type { Connection } from '../connections/connection.js';

export const RESET_TICKET_TTL_SECONDS = 3600;

/** What a reset ticket stands for (`ttl` kind `password_reset`, keyed by the ticket's hash). */
export interface PasswordResetTicket {
  userId: string;
  connection: string;
  email: string;
  clientId?: string;
  /** When the link was issued: a password change after it ends the link (absent on links from before this field). */
  issuedAt?: string;
  /** Set each time the reset page is opened: only that browser may submit it, with this CSRF token. */
  browserHash?: string;
  csrf?: string;
  /** A Management API ticket's `result_url`: where the browser goes once the password is changed. */
  resultUrl?: string;
  includeEmailInRedirect?: boolean;
  /** A Management API ticket's `mark_email_as_verified`: the change also marks the address verified. */
  markEmailAsVerified?: boolean;
}

/** A new reset ticket for the user's current address. */
export function resetTicketFor(user: { user_id: string; email: string }, connection: string, clientId?: string): PasswordResetTicket {
  return { userId: user.user_id, connection, email: user.email, ...(clientId ? { clientId } : {}), issuedAt: new Date().toISOString() };
}

/**
 * The ticket behind a reset link while it still stands for the account: the user exists, still
 * has the address the link was sent to (whoever reads an old mailbox must not take over the
 * account), and has not had the password changed since the link was issued (a reset, or an
 * administrator's change, ends every older link).
 */
export async function liveResetTicket(services: Services, tenantId: string, secret: string): Promise<PasswordResetTicket | undefined> {
  const ticket = await services.ttl.get<PasswordResetTicket>(tenantId, 'password_reset', secret);
  if (!ticket) return undefined;
  const user = await services.users.find(tenantId, ticket.userId);
  if (!user?.email || user.email.toLowerCase() !== ticket.email.toLowerCase()) return undefined;
  if (ticket.issuedAt !== undefined && user.last_password_reset !== undefined && user.last_password_reset > ticket.issuedAt) return undefined;
  return ticket;
}

/**
 * Auth0 publishes no error for a self-service reset refused by the connection's
 * `disable_self_service_change_password` (its docs only say the "Forgot password" link is no longer
 * shown), so this wording is Tessera's own, in the Authentication API's `invalid_request` format.
 */
export const SELF_SERVICE_RESET_DISABLED = 'Self-service password change is disabled for this connection.';

/**
 * Whether users of the connection may start a password reset themselves (the login page's "Forgot
 * password?", `/dbconnections/change_password`, Lock's forgot-password screen): not when its
 * `disable_self_service_change_password` is true. An administrator's reset (a Management API ticket,
 * the reset email the Dashboard sends) is not self-service and stays possible, and a link already
 * issued still works: the option decides who may ask for a link, not what a link does.
 */
export const selfServiceResetAllowed = (connection: Pick<Connection, 'options'>): boolean => connection.options.disable_self_service_change_password !== true;

export interface ResetRequest {
  email: string;
  /** The database connection the user asked about (enabled for the application: the caller checked). */
  connection: Connection;
  clientId: string;
  clientName: string;
  /** `{issuer}`: the host the link in the email points at. */
  issuer: string;
  /** Records `scpr`/`fcpr` for the request (after the reply: the email is sent in the background). */
  audit: Audit;
}

/**
 * A user's own request for a reset link. Refused at once (`self_service_disabled`, logged `fcpr`)
 * when the connection does not allow self-service resets, which says nothing about the address;
 * otherwise the reset starts in the background and this returns at once (`started`). Failures are
 * logged (`fcpr`) and reported to `onError`, never to the requester.
 */
export function requestPasswordReset(services: Services, tenant: Tenant, request: ResetRequest, onError: (error: unknown) => void): 'started' | 'self_service_disabled' {
  if (!selfServiceResetAllowed(request.connection)) {
    request.audit('fcpr', { description: SELF_SERVICE_RESET_DISABLED, ...resetLogFields(request) });
    return 'self_service_disabled';
  }
  services.background.run(() => sendResetLink(services, tenant, request), onError);
  return 'started';
}

const resetLogFields = (request: ResetRequest) => ({ clientId: request.clientId, clientName: request.clientName, details: { connection: request.connection.name, email: request.email } });

async function sendResetLink(services: Services, tenant: Tenant, request: ResetRequest): Promise<void> {
  const { audit } = request;
  const log = resetLogFields(request);
  const login = await services.users.findForLogin(tenant.id, request.connection.name, request.email);
  if (!login || !login.user.email) {
    audit('fcpr', { description: 'user does not exist', ...log });
    return;
  }
  const ticket = resetTicketFor({ user_id: login.user.user_id, email: login.user.email }, request.connection.name, request.clientId);
  const secret = await services.ttl.put(tenant.id, 'password_reset', ticket, RESET_TICKET_TTL_SECONDS);
  const link = `${request.issuer}u/reset-password?ticket=${encodeURIComponent(secret)}`;
  const tenantName = tenant.settings.friendly_name ?? tenant.name;
  try {
    await services.email.send(tenant.id, { to: login.user.email, ...resetEmail({ tenantName, link, ttlMinutes: RESET_TICKET_TTL_SECONDS / 60 }) });
  } catch (error) {
    audit('fcpr', { description: `could not send the email: ${error instanceof Error ? error.message : String(error)}`, userId: login.user.user_id, ...log });
    throw error;
  }
  audit('scpr', { description: 'Password reset email sent', userId: login.user.user_id, ...log });
}

/** A ticket's `result_url` after a successful change, with Auth0's `success` and `message` (and `email` when asked). */
export function resetResultRedirect(ticket: PasswordResetTicket): string | undefined {
  if (!ticket.resultUrl) return undefined;
  const url = new URL(ticket.resultUrl);
  if (ticket.includeEmailInRedirect) url.searchParams.set('email', ticket.email);
  url.searchParams.set('success', 'true');
  url.searchParams.set('message', 'You can now login to the application with the new password.');
  return url.toString();
}

export type ResetOutcome = { status: 'ok'; ticket: PasswordResetTicket } | { status: 'invalid_ticket' } | { status: 'rejected'; message: string };

/**
 * Sets the new password of the ticket's user. A password the policy refuses leaves the ticket
 * usable, so the user can try another one; success uses it up.
 */
export async function resetPassword(services: Services, tenant: Tenant, secret: string, password: string, audit: Audit): Promise<ResetOutcome> {
  const ticket = await liveResetTicket(services, tenant.id, secret);
  if (!ticket) return { status: 'invalid_ticket' };
  const log = { userId: ticket.userId, ...(ticket.clientId ? { clientId: ticket.clientId } : {}), details: { connection: ticket.connection, email: ticket.email } };
  try {
    await services.users.update(tenant.id, ticket.userId, { password, ...(ticket.markEmailAsVerified ? { email_verified: true } : {}) });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    audit('fcp', { description: error.message, ...log });
    if (error.kind === 'not_found') return { status: 'invalid_ticket' };
    return { status: 'rejected', message: error.message };
  }
  // The password is checked before the ticket is used up, so a refused password costs nothing. Two
  // simultaneous submissions from the ticket's own browser could therefore both set a password;
  // that is the same person, and the later one wins.
  await services.ttl.consume(tenant.id, 'password_reset', secret);
  const at = isoAt(services.clock);
  await services.storage.transaction(async (repos) => {
    await repos.sessions.revokeForUser(tenant.id, ticket.userId, at);
    await repos.refreshTokens.revokeWhere(tenant.id, { userId: ticket.userId }, at);
  });
  audit('scp', { description: 'Password changed', ...log });
  return { status: 'ok', ticket };
}
