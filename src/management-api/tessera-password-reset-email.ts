/**
 * `POST /api/v2/tessera/users/{id}/password-reset-email` — a TESSERA EXTENSION, not part of Auth0's
 * Management API (Auth0's dashboard has this action on its own API). Emails the database user a
 * password change link, the one `POST /tickets/password-change` would answer with (five days, one
 * use), through the tenant's email delivery (SMTP, or the dev outbox); logged `scpr`/`fcpr`. Needs
 * `create:user_tickets`, the scope of making such a link. Answers 204 once the email is handed to
 * delivery, so a failure to send is the caller's to see.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { emailPasswordChangeLink, passwordChangeTarget } from '../domain/password-reset/password-change-ticket.js';
import { NoContent } from './schema.js';
import { UserId } from './roles.js';
import { anyOf } from './scopes.js';

const UserParams = Type.Object({ id: UserId });

export const tesseraPasswordResetEmailRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/tessera/users/:id/password-reset-email', { config: anyOf('create:user_tickets'), schema: { params: UserParams, response: { 204: NoContent } } }, async (request, reply) => {
    const { user, connection } = await passwordChangeTarget(services, request.tenant, { user_id: request.params.id });
    await emailPasswordChangeLink(services, request.tenant, { user, connection, issuer: request.issuer, audit: request.audit });
    return reply.code(204).send();
  });
};
