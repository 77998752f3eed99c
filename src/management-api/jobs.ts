/**
 * `POST /api/v2/jobs/verification-email` (`update:users`): emails the user a verification link.
 * Auth0 queues the email and answers a `pending` job; here it is sent before the answer, so the
 * job comes back `completed` (or the request fails with the reason). Jobs are not stored: there
 * is no `GET /api/v2/jobs/{id}`.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { sendVerificationEmail } from '../domain/email-verification/email-verification.js';
import { verificationTarget } from '../domain/email-verification/target.js';
import { randomAlphanumeric } from '../domain/ids.js';
import { VerificationIdentity } from './tickets.js';
import { OneOf } from './schema.js';
import { anyOf } from './scopes.js';

const VerificationEmailBody = Type.Object(
  {
    user_id: Type.String({ minLength: 1, maxLength: 300 }),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    identity: Type.Optional(VerificationIdentity),
  },
  { additionalProperties: false },
);

/** The job as Auth0 describes it; sent before the answer, so always `completed`. */
const JobResponse = Type.Object({ type: OneOf(['verification_email'] as const), status: OneOf(['completed'] as const), created_at: Type.String(), id: Type.String() });

export const jobRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/jobs/verification-email', { config: anyOf('update:users'), schema: { body: VerificationEmailBody, response: { 201: JobResponse } } }, async (request, reply) => {
    const body = request.body;
    const { user, client } = await verificationTarget(services, request.tenant, body);
    const createdAt = new Date().toISOString();
    await sendVerificationEmail(services, request.tenant, { user, issuer: request.issuer, audit: request.audit, ...(client ? { clientId: client.client_id, clientName: client.name } : {}) });
    return reply.code(201).send({ type: 'verification_email', status: 'completed', created_at: createdAt, id: `job_${randomAlphanumeric(16)}` });
  });
};
