/**
 * `/api/v2/user-blocks`: brute-force protection blocks, by user (`/user-blocks/{id}`: the user's
 * email, username and phone number in its connection) or by identifier (`?identifier=`, in every
 * connection). GET answers Auth0's `{ blocked_for: [{ identifier, ip, connection }] }`; DELETE
 * clears the blocks (and the failure counts behind them). Users blocked by an administrator
 * (`blocked: true`) stay blocked: that is the user's own field, not a brute-force block.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { anyOf } from './scopes.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });
/** When true, an empty list unless brute-force protection is on and blocks. */
const Consider = Type.Optional(Type.Boolean());
const ByIdQuery = Type.Object({ consider_brute_force_enablement: Consider });
const ByIdentifierQuery = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 320 }), consider_brute_force_enablement: Consider });

type ByIdentifier = { identifier: string; consider_brute_force_enablement?: boolean };

export const userBlockRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/user-blocks/:id', { config: anyOf('read:users'), schema: { params: IdParams, querystring: ByIdQuery } }, async (request) => {
    const user = await services.users.get(request.tenant.id, (request.params as { id: string }).id);
    const consider = (request.query as { consider_brute_force_enablement?: boolean }).consider_brute_force_enablement === true;
    return { blocked_for: await services.attackProtection.blocksOfUser(request.tenant.id, user, consider) };
  });

  app.delete('/user-blocks/:id', { config: anyOf('update:users'), schema: { params: IdParams } }, async (request, reply) => {
    const user = await services.users.get(request.tenant.id, (request.params as { id: string }).id);
    await services.attackProtection.unblockUser(request.tenant.id, user);
    return reply.code(204).send();
  });

  app.get('/user-blocks', { config: anyOf('read:users'), schema: { querystring: ByIdentifierQuery } }, async (request) => {
    const query = request.query as ByIdentifier;
    return { blocked_for: await services.attackProtection.blocksOfIdentifier(request.tenant.id, query.identifier, query.consider_brute_force_enablement === true) };
  });

  app.delete('/user-blocks', { config: anyOf('update:users'), schema: { querystring: Type.Object({ identifier: ByIdentifierQuery.properties.identifier }) } }, async (request, reply) => {
    await services.attackProtection.unblockIdentifier(request.tenant.id, (request.query as ByIdentifier).identifier);
    return reply.code(204).send();
  });
};
