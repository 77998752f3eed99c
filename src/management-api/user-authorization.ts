/**
 * `/api/v2/users/{id}/roles` and `/api/v2/users/{id}/permissions`: a user's role assignments and
 * directly granted permissions. The permission list also shows what the user's roles grant, each
 * permission once with its `sources`. Status codes follow Auth0's (204 for role changes, 201 for
 * granting permissions, 204 for revoking them).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { PermissionInput } from '../domain/roles/permissions.js';
import { PaginationQuery, pageOf, paginated } from './pagination.js';
import { anyOf } from './scopes.js';
import { PermissionsBody, RoleId, UserId } from './roles.js';

const UserParams = Type.Object({ id: UserId });
const RolesBody = Type.Object({ roles: Type.Array(RoleId, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });

type Params = { id: string };

export const userAuthorizationRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const users = services.userAuthorization;

  app.get(
    '/users/:id/roles',
    { config: anyOf('read:users', 'read:roles', 'read:role_members'), schema: { params: UserParams, querystring: PaginationQuery } },
    async (request) => {
      const query = request.query as PaginationQuery;
      const { items, total } = await users.listRoles(request.tenant.id, (request.params as Params).id, pageOf(query));
      return paginated('roles', query, items, total);
    },
  );

  app.post('/users/:id/roles', { config: anyOf('update:users', 'create:role_members'), schema: { params: UserParams, body: RolesBody } }, async (request, reply) => {
    await users.assignRoles(request.tenant.id, (request.params as Params).id, (request.body as { roles: string[] }).roles);
    return reply.code(204).send();
  });

  app.delete('/users/:id/roles', { config: anyOf('update:users', 'delete:role_members'), schema: { params: UserParams, body: RolesBody } }, async (request, reply) => {
    await users.removeRoles(request.tenant.id, (request.params as Params).id, (request.body as { roles: string[] }).roles);
    return reply.code(204).send();
  });

  app.get('/users/:id/permissions', { config: anyOf('read:users'), schema: { params: UserParams, querystring: PaginationQuery } }, async (request) => {
    const query = request.query as PaginationQuery;
    const { items, total } = await users.listPermissions(request.tenant.id, (request.params as Params).id, pageOf(query));
    return paginated('permissions', query, items, total);
  });

  app.post('/users/:id/permissions', { config: anyOf('update:users'), schema: { params: UserParams, body: PermissionsBody } }, async (request, reply) => {
    await users.addPermissions(request.tenant.id, (request.params as Params).id, (request.body as { permissions: PermissionInput[] }).permissions);
    return reply.code(201).send();
  });

  app.delete('/users/:id/permissions', { config: anyOf('update:users'), schema: { params: UserParams, body: PermissionsBody } }, async (request, reply) => {
    await users.removePermissions(request.tenant.id, (request.params as Params).id, (request.body as { permissions: PermissionInput[] }).permissions);
    return reply.code(204).send();
  });
};
