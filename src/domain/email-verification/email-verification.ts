/**
 * Email verification by link, as on Auth0: a one-time ticket (`ttl` kind `email_verification`,
 * five days unless a ticket asks for another lifetime) in a link to the hosted page
 * `/u/email-verification?ticket=...`, which marks the address verified. The link goes out by email
 * after a database sign-up, on `POST /api/v2/users` with `verify_email: true` and on
 * `POST /api/v2/jobs/verification-email`; `POST /api/v2/tickets/email-verification` hands the URL to
 * the caller instead. Logs: `svr`/`fvr` for sending, `sv`/`fv` for using the link.
 *
 * A ticket names the address it was issued for: if the user's email has changed since, using it
 * verifies nothing (it proves control of the old address, not of the new one).
 */
import type { Services } from '../services.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { User } from '../users/user.js';
import { invalid } from '../errors.js';
import { verificationEmail } from './verification-email.js';
import type { Audit } from '../../http/audit.js';

/** Auth0's default ticket lifetime: 432000 seconds (five days). */
export const VERIFICATION_TICKET_TTL_SECONDS = 432_000;

export const VERIFICATION_PATH = '/u/email-verification';

/** Auth0's result messages (the `message` parameter of the redirect, and the page's text). */
export const VERIFICATION_MESSAGES = {
  verified: 'Your email was verified. You can continue using the application.',
  usedOnce: 'This URL can be used only once',
  expired: 'Access expired.',
  noUser: 'User account does not exist or verification code is invalid.',
  alreadyVerified: 'This account is already verified.',
  notVerified: 'Your email address could not be verified.',
} as const;

/** What a verification ticket stands for. */
export interface EmailVerificationTicket {
  userId: string;
  email: string;
  clientId?: string;
  /** Where to send the browser once the ticket is used (`success`, `message` added). */
  resultUrl?: string;
  includeEmailInRedirect?: boolean;
}

export interface TicketRequest {
  user: User;
  /** `{issuer}`: the host the link points at. */
  issuer: string;
  clientId?: string;
  resultUrl?: string;
  /** 0 or absent: the default lifetime. */
  ttlSec?: number;
  includeEmailInRedirect?: boolean;
}

/** Creates a ticket for the user's current address and returns the link that uses it. */
export async function createVerificationTicket(services: Services, tenant: Tenant, request: TicketRequest): Promise<string> {
  const { user } = request;
  if (!user.email) throw invalid('The user does not have an email address.');
  if (request.resultUrl !== undefined && !isWebUrl(request.resultUrl)) throw invalid('result_url must be an http or https URL.');
  const ticket: EmailVerificationTicket = {
    userId: user.user_id,
    email: user.email,
    ...(request.clientId ? { clientId: request.clientId } : {}),
    ...(request.resultUrl ? { resultUrl: request.resultUrl } : {}),
    ...(request.includeEmailInRedirect ? { includeEmailInRedirect: true } : {}),
  };
  const secret = await services.ttl.put(tenant.id, 'email_verification', ticket, request.ttlSec || VERIFICATION_TICKET_TTL_SECONDS);
  return `${request.issuer}${VERIFICATION_PATH.slice(1)}?ticket=${encodeURIComponent(secret)}`;
}

export interface SendRequest {
  user: User;
  issuer: string;
  /** Records `svr`/`fvr` for the request, also when the email goes out after the reply. */
  audit: Audit;
  clientId?: string;
  clientName?: string;
}

/** Emails a fresh verification link to the user (`svr`), or logs `fvr` and throws. */
export async function sendVerificationEmail(services: Services, tenant: Tenant, request: SendRequest): Promise<void> {
  const { user } = request;
  const { audit } = request;
  const log = {
    userId: user.user_id,
    ...(request.clientId ? { clientId: request.clientId } : {}),
    ...(request.clientName ? { clientName: request.clientName } : {}),
    details: { email: user.email ?? null, connection: user.identities[0]?.connection },
  };
  try {
    const link = await createVerificationTicket(services, tenant, { user, issuer: request.issuer, ...(request.clientId ? { clientId: request.clientId } : {}) });
    const tenantName = tenant.settings.friendly_name ?? tenant.name;
    await services.email.send(tenant.id, { to: user.email!, ...verificationEmail({ tenantName, email: user.email!, link, ttlDays: VERIFICATION_TICKET_TTL_SECONDS / 86_400 }) });
  } catch (error) {
    audit('fvr', { description: `could not send the verification email: ${error instanceof Error ? error.message : String(error)}`, ...log });
    throw error;
  }
  audit('svr', { description: 'Verification email sent', ...log });
}

/**
 * Sends off the request path (sign-up answers at once, whatever the mail server does). A failure
 * is already logged `fvr` for the tenant; `onError` gets it for the server log.
 */
export function sendVerificationEmailInBackground(services: Services, tenant: Tenant, request: SendRequest, onError: (error: unknown) => void = () => {}): void {
  services.background.run(() => sendVerificationEmail(services, tenant, request), onError);
}

export type VerificationOutcome =
  | { status: 'verified'; ticket: EmailVerificationTicket }
  /** The ticket is known but gives nothing (used before, account gone or changed, already verified). */
  | { status: 'refused'; ticket: EmailVerificationTicket; message: string }
  /** Unknown: nothing is known about it, not even where to redirect. */
  | { status: 'invalid' };

/** Uses the ticket up and marks its address verified (`sv`), or says why not (`fv`). */
export async function verifyEmail(services: Services, tenant: Tenant, secret: string, audit: Audit): Promise<VerificationOutcome> {
  const redemption = await services.ttl.consume<EmailVerificationTicket>(tenant.id, 'email_verification', secret);
  const refuse = (ticket: EmailVerificationTicket, message: string): VerificationOutcome => {
    const log = { userId: ticket.userId, ...(ticket.clientId ? { clientId: ticket.clientId } : {}), details: { email: ticket.email } };
    audit('fv', { description: message, ...log });
    return { status: 'refused', ticket, message };
  };
  if (redemption.status === 'invalid') {
    // An expired ticket still says where to go: its result_url hears "Access expired.", as on Auth0.
    const expired = await services.ttl.getExpired<EmailVerificationTicket>(tenant.id, 'email_verification', secret);
    if (expired) return refuse(expired, VERIFICATION_MESSAGES.expired);
    audit('fv', { description: VERIFICATION_MESSAGES.expired });
    return { status: 'invalid' };
  }
  const ticket = redemption.document;
  const log = { userId: ticket.userId, ...(ticket.clientId ? { clientId: ticket.clientId } : {}), details: { email: ticket.email } };
  if (redemption.status === 'replayed') return refuse(ticket, VERIFICATION_MESSAGES.usedOnce);

  const user = await services.users.find(tenant.id, ticket.userId);
  if (!user) return refuse(ticket, VERIFICATION_MESSAGES.noUser);
  if (user.email !== ticket.email) return refuse(ticket, VERIFICATION_MESSAGES.notVerified);
  if (user.email_verified === true) return refuse(ticket, VERIFICATION_MESSAGES.alreadyVerified);
  // An administrator changing the address between the check above and this write could see the new
  // address marked verified; that needs both at the same instant, and is the administrator's own doing.
  await services.users.update(tenant.id, user.user_id, { email_verified: true });
  audit('sv', { description: 'Email verified', ...log });
  return { status: 'verified', ticket };
}

/** The `result_url` with Auth0's `success` and `message` (and `email` when the ticket asks for it). */
export function resultRedirect(ticket: EmailVerificationTicket, success: boolean, message: string): string | undefined {
  if (!ticket.resultUrl) return undefined;
  const url = new URL(ticket.resultUrl);
  if (ticket.includeEmailInRedirect) url.searchParams.set('email', ticket.email);
  url.searchParams.set('success', String(success));
  url.searchParams.set('message', message);
  return url.toString();
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
