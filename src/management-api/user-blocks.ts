/**
 * `/api/v2/user-blocks`: brute-force protection blocks, by user (`/user-blocks/{id}`: the user's
 * email, username and phone number in its connection) or by identifier (`?identifier=`, in every
 * connection). GET answers Auth0's `{ blocked_for: [{ identifier, ip, connection }] }`; DELETE
 * clears the blocks (and the failure counts behind them). Users blocked by an administrator
 * (`blocked: true`) stay blocked: that is the user's own field, not a brute-force block.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { UserBlock } from '../domain/attack-protection/attack-protection-service.js';
import { NoContent, type DeclaresAll } from './schema.js';
import { anyOf } from './scopes.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });
/** When true, an empty list unless brute-force protection is on and blocks. */
const Consider = Type.Optional(Type.Boolean());
const ByIdQuery = Type.Object({ consider_brute_force_enablement: Consider });
const ByIdentifierQuery = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 320 }), consider_brute_force_enablement: Consider });

const UserBlockResponse = Type.Object({ identifier: Type.String(), ip: Type.String(), connection: Type.String() });
const _blockDeclared: DeclaresAll<UserBlock, Static<typeof UserBlockResponse>> = true;
const BlocksResponse = Type.Object({ blocked_for: Type.Array(UserBlockResponse) });

export const userBlockRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/user-blocks/:id', { config: anyOf('read:users'), schema: { params: IdParams, querystring: ByIdQuery, response: { 200: BlocksResponse } } }, async (request) => {
    const user = await services.users.get(request.tenant.id, request.params.id);
    const consider = request.query.consider_brute_force_enablement === true;
    return { blocked_for: await services.attackProtection.blocksOfUser(request.tenant.id, user, consider) };
  });

  app.delete('/user-blocks/:id', { config: anyOf('update:users'), schema: { params: IdParams, response: { 204: NoContent } } }, async (request, reply) => {
    const user = await services.users.get(request.tenant.id, request.params.id);
    await services.attackProtection.unblockUser(request.tenant.id, user);
    return reply.code(204).send();
  });

  app.get('/user-blocks', { config: anyOf('read:users'), schema: { querystring: ByIdentifierQuery, response: { 200: BlocksResponse } } }, async (request) => {
    const query = request.query;
    return { blocked_for: await services.attackProtection.blocksOfIdentifier(request.tenant.id, query.identifier, query.consider_brute_force_enablement === true) };
  });

  app.delete(
    '/user-blocks',
    { config: anyOf('update:users'), schema: { querystring: Type.Object({ identifier: ByIdentifierQuery.properties.identifier }), response: { 204: NoContent } } },
    async (request, reply) => {
      await services.attackProtection.unblockIdentifier(request.tenant.id, request.query.identifier);
      return reply.code(204).send();
    },
  );
};
