/**
 * `POST /tenants/{name}/apis/{id}/test-token` (Admins): a real access token for one of the tenant's
 * APIs, minted for a machine-to-machine application through the client_credentials grant's own rule
 * (domain/oidc/client-credentials.ts), so the dashboard's API Test tab shows what the application
 * would get from `/oauth/token`, without the application's secret ever reaching the browser. An
 * Admin may read that secret anyway (`read:client_keys`), so the token gives them nothing new.
 *
 * Logged in the tenant's own logs as the grant logs it (`seccft`), with the member as actor; the
 * control plane's `sapi` in the admin tenant's logs records the request as for every state change.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ControlApiOptions } from './index.js';
import { sessionOf } from './index.js';
import { ManagementApiError } from '../http/errors.js';
import { managesTenant } from '../domain/control-plane/dashboard-roles.js';
import { issueClientToken } from '../domain/oidc/client-credentials.js';
import { ErrorResponse } from './schemas.js';

const Params = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }), id: Type.String({ minLength: 1, maxLength: 300 }) });
const Body = Type.Object({ client_id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

const TestTokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  /** The granted scopes, space-separated ('' when the grant allows none). */
  scope: Type.String(),
});

export const testTokenRoutes: FastifyPluginAsync<ControlApiOptions> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/tenants/:name/apis/:id/test-token',
    { schema: { params: Params, body: Body, response: { 200: TestTokenResponse, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse } } },
    async (request, reply) => {
      const session = sessionOf(request);
      const { tenant, membership } = await services.controlPlane.memberTenant(session.userId, request.params.name);
      if (!managesTenant(membership.roles)) throw new ManagementApiError(403, 'Only an Admin of this tenant can do this.', 'insufficient_role');
      const api = await services.resourceServers.get(tenant.id, request.params.id);
      const client = await services.clients.find(tenant.id, tenant.name, request.body.client_id);
      if (!client) throw new ManagementApiError(404, 'Application not found.', 'inexistent_client');
      // Refusals are in the tenant's logs as the token endpoint's are, with the member as actor.
      const audit = services.logs.auditor({ tenantId: tenant.id, ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '') });
      const actor = { actor: { type: 'dashboard', user_id: session.userId } };
      // The token endpoint refuses a grant type the application does not list; so does this.
      if (!client.grant_types.includes('client_credentials')) {
        const description = 'The application does not use the Client Credentials grant (grant_types).';
        audit('feccft', { description, clientId: client.client_id, audience: api.identifier, details: actor });
        throw new ManagementApiError(403, description, 'grant_type_not_allowed');
      }

      const outcome = await issueClientToken(services, tenant, {
        client,
        audience: api.identifier,
        scope: undefined,
        issuer: services.tenants.publicOrigin.issuerFor(services.tenants.domainOf(tenant.name)),
      });
      if (!outcome.ok) {
        audit('feccft', { description: outcome.description, clientId: client.client_id, audience: api.identifier, details: actor });
        throw new ManagementApiError(403, outcome.description, outcome.reason === 'not_authorized' ? 'no_client_grant' : outcome.reason);
      }
      audit('seccft', { description: '', client, audience: outcome.audience, ...(outcome.scope ? { scope: outcome.scope } : {}), details: actor });
      reply.header('cache-control', 'no-store');
      return { access_token: outcome.token.access_token, token_type: 'Bearer' as const, expires_in: outcome.token.expires_in, scope: outcome.scope };
    },
  );
};
