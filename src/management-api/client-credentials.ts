/**
 * `/api/v2/clients/{id}/credentials`: an application's public keys and certificates (issue 16;
 * Auth0's "Create / Get / Update / Delete a client credential"). Creating one does not enable it:
 * the application's `client_authentication_methods` does (PATCH /clients/{id}).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import { NoContent } from './schema.js';
import { CreateCredentialBody, CredentialResponse, UpdateCredentialBody } from './schemas/client-credentials.js';
import { anyOf } from './scopes.js';

const ClientParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const CredentialParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), credential_id: Type.String({ minLength: 1, maxLength: 64 }) });

export const clientCredentialRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const credentials = services.clientCredentials;

  app.get('/clients/:id/credentials', { config: anyOf('read:client_credentials'), schema: { params: ClientParams, response: { 200: Type.Array(CredentialResponse) } } }, async (request) =>
    credentials.list(request.tenant.id, request.params.id),
  );

  app.post(
    '/clients/:id/credentials',
    { config: anyOf('create:client_credentials'), schema: { params: ClientParams, body: CreateCredentialBody, response: { 201: CredentialResponse } } },
    async (request, reply) => reply.code(201).send(await credentials.create(request.tenant.id, request.params.id, request.body)),
  );

  app.get(
    '/clients/:id/credentials/:credential_id',
    { config: anyOf('read:client_credentials'), schema: { params: CredentialParams, response: { 200: CredentialResponse } } },
    async (request) => credentials.get(request.tenant.id, request.params.id, request.params.credential_id),
  );

  app.patch(
    '/clients/:id/credentials/:credential_id',
    { config: anyOf('update:client_credentials'), schema: { params: CredentialParams, body: UpdateCredentialBody, response: { 200: CredentialResponse } } },
    async (request) => credentials.updateExpiry(request.tenant.id, request.params.id, request.params.credential_id, request.body.expires_at),
  );

  app.delete(
    '/clients/:id/credentials/:credential_id',
    { config: anyOf('delete:client_credentials'), schema: { params: CredentialParams, response: { 204: NoContent } } },
    async (request, reply) => {
      await credentials.delete(request.tenant.id, request.tenant.name, request.params.id, request.params.credential_id);
      return reply.code(204).send();
    },
  );
};
