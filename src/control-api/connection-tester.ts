/**
 * `POST /tenants/{name}/connections/{id}/try`: the dashboard's "Try connection"
 * (domain/control-plane/connection-tester.ts). Members whose roles may change connections
 * (`update:connections`: Admin, Editor – Connections) get the `/authorize` URL of a login through
 * that connection for the tenant's public tester client; other members 403, non-members 404.
 *
 * The browser sends the PKCE challenge, state and nonce it generated and keeps the verifier, so the
 * code can only be redeemed by the page that started the try, and the server stores nothing per try.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ControlApiOptions } from './index.js';
import { sessionOf } from './index.js';
import { ManagementApiError } from '../http/errors.js';
import { scopesOfRoles } from '../domain/control-plane/dashboard-roles.js';
import { CONNECTION_TESTER_CLIENT_ID, tryConnection } from '../domain/control-plane/connection-tester.js';
import { ErrorResponse } from './schemas.js';

const Params = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }), id: Type.String({ minLength: 1, maxLength: 64 }) });

/** base64url, as RFC 7636 writes a S256 challenge (43 characters) and as the SPA writes state and nonce. */
const Base64Url = (min: number, max: number) => Type.String({ minLength: min, maxLength: max, pattern: '^[A-Za-z0-9_-]+$' });

const TryBody = Type.Object(
  {
    code_challenge: Type.String({ minLength: 43, maxLength: 43, pattern: '^[A-Za-z0-9_-]+$', description: 'BASE64URL(SHA-256(code_verifier)), RFC 7636 S256.' }),
    state: Base64Url(16, 128),
    nonce: Base64Url(16, 128),
  },
  { additionalProperties: false },
);

const TryResponse = Type.Object({
  authorize_url: Type.String({ description: "The tenant's /authorize URL: code flow, PKCE S256, `connection` set, `prompt=login`." }),
  client_id: Type.String(),
  redirect_uri: Type.String(),
  issuer: Type.String({ description: 'The `iss` of the ID token the login ends with.' }),
  token_endpoint: Type.String(),
});

export const connectionTesterRoutes: FastifyPluginAsync<ControlApiOptions> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/tenants/:name/connections/:id/try',
    { schema: { params: Params, body: TryBody, response: { 200: TryResponse, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse } } },
    async (request, reply) => {
      const { tenant, membership } = await services.controlPlane.memberTenant(sessionOf(request).userId, request.params.name);
      if (!scopesOfRoles(membership.roles).has('update:connections')) {
        throw new ManagementApiError(403, 'Trying a connection needs a role that may change connections (Admin or Editor – Connections).', 'insufficient_role');
      }
      const connection = await services.connections.get(tenant.id, request.params.id);
      const { answer, changes } = await tryConnection(
        {
          clients: services.clients,
          connections: services.connections,
          adminOrigin: services.controlPlane.adminOrigin(),
          tenantOrigin: services.tenants.publicOrigin.tenantOrigin(tenant.name),
        },
        tenant,
        connection,
        { codeChallenge: request.body.code_challenge, state: request.body.state, nonce: request.body.nonce },
      );
      // What the try changed in the tenant is in the tenant's own logs, with the member as actor:
      // its Admins see the tester client appear, come back, or get a connection.
      if (changes.length > 0) {
        const audit = services.logs.auditor({ tenantId: tenant.id, ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '') });
        audit('sapi', {
          description: `Try connection prepared the ${CONNECTION_TESTER_CLIENT_ID} application (${changes.join(', ')})`,
          clientId: CONNECTION_TESTER_CLIENT_ID,
          details: { actor: { type: 'dashboard', user_id: sessionOf(request).userId }, connection: connection.name, changes },
        });
      }
      reply.header('cache-control', 'no-store');
      return answer;
    },
  );
};
