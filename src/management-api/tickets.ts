/**
 * `POST /api/v2/tickets/password-change` (`create:user_tickets`): a one-time link to the hosted
 * reset page for a database user (domain/password-reset/password-change-ticket.ts), five days
 * unless `ttl_sec` says otherwise; `mark_email_as_verified` also verifies the address when the
 * password is changed, and `result_url` receives the browser afterwards.
 *
 * `POST /api/v2/tickets/email-verification` (`create:user_tickets`): a one-time link that marks the
 * user's email verified, answered as `{ ticket }` for the caller to deliver. `ttl_sec` 0 or absent
 * is Auth0's default of five days; `result_url` receives Auth0's `success` and `message` (and
 * `email` with `includeEmailInRedirect`) once the link is used, and cannot be combined with
 * `client_id`, as on Auth0.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { createVerificationTicket } from '../domain/email-verification/email-verification.js';
import { verificationTarget } from '../domain/email-verification/target.js';
import { invalid } from '../domain/errors.js';
import { createPasswordChangeTicket, passwordChangeTarget } from '../domain/password-reset/password-change-ticket.js';
import { anyOf } from './scopes.js';

/** Thirty days: longer-lived links are better replaced by a fresh one. */
const MAX_TTL_SECONDS = 2_592_000;

export const VerificationIdentity = Type.Object(
  { user_id: Type.String({ minLength: 1, maxLength: 255 }), provider: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

const EmailVerificationBody = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 300 }),
    result_url: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ttl_sec: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TTL_SECONDS })),
    includeEmailInRedirect: Type.Optional(Type.Boolean()),
    identity: Type.Optional(VerificationIdentity),
  },
  { additionalProperties: false },
);

/**
 * Auth0's password change ticket body: `user_id`, or `email` with `connection_id`. Auth0's
 * `organization_id`, `identity` and the deprecated `new_password` are not supported, and refused.
 */
const PasswordChangeBody = Type.Object(
  {
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    connection_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    result_url: Type.Optional(Type.String({ format: 'uri', maxLength: 2000 })),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ttl_sec: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TTL_SECONDS })),
    mark_email_as_verified: Type.Optional(Type.Boolean()),
    includeEmailInRedirect: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** The link to deliver to the user. */
const TicketResponse = Type.Object({ ticket: Type.String() });

export const ticketRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const schema = { body: EmailVerificationBody, response: { 201: TicketResponse } };
  app.post('/tickets/email-verification', { config: anyOf('create:user_tickets'), schema }, async (request, reply) => {
    const body = request.body;
    if (body.result_url !== undefined && body.client_id !== undefined) throw invalid('result_url cannot be specified together with client_id.');
    const { user, client } = await verificationTarget(services, request.tenant, body);
    const ticket = await createVerificationTicket(services, request.tenant, {
      user,
      issuer: request.issuer,
      ...(client ? { clientId: client.client_id } : {}),
      ...(body.result_url !== undefined ? { resultUrl: body.result_url } : {}),
      ...(body.ttl_sec !== undefined ? { ttlSec: body.ttl_sec } : {}),
      ...(body.includeEmailInRedirect !== undefined ? { includeEmailInRedirect: body.includeEmailInRedirect } : {}),
    });
    return reply.code(201).send({ ticket });
  });

  const passwordSchema = { body: PasswordChangeBody, response: { 201: TicketResponse } };
  app.post('/tickets/password-change', { config: anyOf('create:user_tickets'), schema: passwordSchema }, async (request, reply) => {
    const body = request.body;
    if (body.result_url !== undefined && body.client_id !== undefined) throw invalid('result_url cannot be specified together with client_id.');
    const { user, connection, client } = await passwordChangeTarget(services, request.tenant, body);
    const ticket = await createPasswordChangeTicket(services, request.tenant, {
      user,
      connection,
      issuer: request.issuer,
      ...(client ? { clientId: client.client_id } : {}),
      ...(body.result_url !== undefined ? { resultUrl: body.result_url } : {}),
      ...(body.ttl_sec !== undefined ? { ttlSec: body.ttl_sec } : {}),
      ...(body.mark_email_as_verified !== undefined ? { markEmailAsVerified: body.mark_email_as_verified } : {}),
      ...(body.includeEmailInRedirect !== undefined ? { includeEmailInRedirect: body.includeEmailInRedirect } : {}),
    });
    return reply.code(201).send({ ticket });
  });
};
