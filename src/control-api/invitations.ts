/**
 * Invitations to manage a tenant: Admins list, send and revoke them; the person invited looks one
 * up and accepts it from the link's fragment (`/invitations/accept#ticket=…`, sent in a POST body,
 * never in a URL the server sees). Lookup and accept are public and limited per address.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ControlApiOptions } from './index.js';
import { sessionOf } from './index.js';
import { managesTenant } from '../domain/control-plane/dashboard-roles.js';
import { ManagementApiError } from '../http/errors.js';
import { countAttempt } from './attempt-limits.js';
import { setSessionCookie } from './session.js';
import { ErrorResponse, NoContent, RoleId, TenantParams } from './schemas.js';

/** Invitations one account may send a minute (each is an email). */
const INVITATIONS_PER_MINUTE = 20;
const INVITATIONS_PER_HOUR_PER_TENANT = 20;
const HOUR_MS = 60 * 60_000;

const InvitationResponse = Type.Object({
  id: Type.String(),
  email: Type.String(),
  roles: Type.Array(RoleId),
  invited_by: Type.String(),
  created_at: Type.String(),
  expires_at: Type.String(),
});
const InviteBody = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), roles: Type.Array(RoleId, { minItems: 1, maxItems: 6, uniqueItems: true }) }, { additionalProperties: false });
const InvitationParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }), id: Type.String({ minLength: 1, maxLength: 64 }) });
const TicketBody = Type.Object({ ticket: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
const AcceptBody = Type.Object(
  {
    ticket: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const PreviewResponse = Type.Object({ tenant: Type.String(), email: Type.String(), roles: Type.Array(RoleId), inviter: Type.String(), account_exists: Type.Boolean() });
const AcceptResponse = Type.Object({ tenant: Type.String(), created_account: Type.Boolean() });

export const invitationRoutes: FastifyPluginAsync<ControlApiOptions> = async (fastify, { services, limiter }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  async function adminTenant(userId: string, name: string) {
    const found = await services.controlPlane.memberTenant(userId, name);
    if (!managesTenant(found.membership.roles)) throw new ManagementApiError(403, 'Only an Admin of this tenant can do this.', 'insufficient_role');
    return found.tenant;
  }

  app.get('/tenants/:name/invitations', { schema: { params: TenantParams, response: { 200: Type.Array(InvitationResponse), 403: ErrorResponse, 404: ErrorResponse } } }, async (request) => {
    const tenant = await adminTenant(sessionOf(request).userId, request.params.name);
    return services.invitations.listPending(tenant.id);
  });

  app.post('/tenants/:name/invitations', { schema: { params: TenantParams, body: InviteBody, response: { 201: InvitationResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse } } }, async (request, reply) => {
    const session = sessionOf(request);
    const tenant = await adminTenant(session.userId, request.params.name);
    // Each invitation is an email sent on the platform's behalf: bounded per account.
    await countAttempt(limiter, request, 'invite', INVITATIONS_PER_MINUTE, session.userId);
    // And per tenant, whoever its Admins are: a tenant's email delivery is not a mailing service.
    // Counted from the invitations actually sent (refused ones cost nothing), on any instance.
    const sent = await services.invitations.sentWithin(tenant.id, HOUR_MS);
    if (sent.count >= INVITATIONS_PER_HOUR_PER_TENANT) {
      const retryAfter = Math.max(1, Math.ceil(((sent.oldestAt ?? Date.now()) + HOUR_MS - Date.now()) / 1000));
      throw new ManagementApiError(429, `This tenant has sent ${INVITATIONS_PER_HOUR_PER_TENANT} invitations in the last hour; try again later.`, 'too_many_requests', { 'retry-after': String(retryAfter) });
    }
    return reply.code(201).send(await services.invitations.invite(tenant, session.userId, request.body.email, request.body.roles));
  });

  app.delete('/tenants/:name/invitations/:id', { schema: { params: InvitationParams, response: { 204: NoContent, 403: ErrorResponse, 404: ErrorResponse } } }, async (request, reply) => {
    const tenant = await adminTenant(sessionOf(request).userId, request.params.name);
    await services.invitations.revoke(tenant.id, request.params.id);
    return reply.code(204).send();
  });

  app.post('/invitations/lookup', { config: { dashboard: 'public' }, schema: { body: TicketBody, response: { 200: PreviewResponse, 404: ErrorResponse, 429: ErrorResponse } } }, async (request) => {
    await countAttempt(limiter, request, 'invitations');
    return services.invitations.lookup(request.body.ticket);
  });

  app.post('/invitations/accept', { config: { dashboard: 'public' }, schema: { body: AcceptBody, response: { 200: AcceptResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse } } }, async (request, reply) => {
    await countAttempt(limiter, request, 'invitations');
    const { ticket, name, password } = request.body;
    const signedIn = request.dashboardSession;
    const { tenant, account, created } = await services.invitations.accept(ticket, {
      ...(signedIn ? { accountId: signedIn.userId } : {}),
      ...(name ? { name } : {}),
      ...(password ? { password } : {}),
    });
    if (created) {
      const { cookieValue, session } = await services.dashboardSessions.create({ userId: account.user_id, ssoSid: null, userAgent: request.headers['user-agent'] ?? '', ip: request.ip });
      setSessionCookie(request, reply, cookieValue);
      // The audit of this request names the account it created.
      request.dashboardSession = session;
    }
    return { tenant: tenant.name, created_account: created };
  });
};
