/**
 * `/api/v2/users/{id}/roles` and `/api/v2/users/{id}/permissions`: a user's role assignments and
 * directly granted permissions. The permission list also shows what the user's roles grant, each
 * permission once with its `sources`. Status codes follow Auth0's (204 for role changes, 201 for
 * granting permissions, 204 for revoking them).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { PermissionSource } from '../domain/roles/permission-sources.js';
import { OffsetListSchema, PaginationQuery, pageOf, paginated } from './pagination.js';
import { NoContent, OneOf, type DeclaresAll } from './schema.js';
import { anyOf } from './scopes.js';
import { PermissionResponse, PermissionsBody, RoleId, RoleResponse, UserId } from './roles.js';

const UserParams = Type.Object({ id: UserId });
const RolesBody = Type.Object({ roles: Type.Array(RoleId, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });

/** Where a permission comes from: `DIRECT` (with empty id and name, as Auth0 sends it) or a `ROLE`. */
const PermissionSourceResponse = Type.Object({ source_id: Type.String(), source_name: Type.String(), source_type: OneOf(['DIRECT', 'ROLE'] as const) });
const _sourceDeclared: DeclaresAll<PermissionSource, Static<typeof PermissionSourceResponse>> = true;
const UserPermissionResponse = Type.Object({ ...PermissionResponse.properties, sources: Type.Array(PermissionSourceResponse) });

export const userAuthorizationRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const users = services.userAuthorization;

  app.get(
    '/users/:id/roles',
    {
      config: anyOf('read:users', 'read:roles', 'read:role_members'),
      schema: { params: UserParams, querystring: PaginationQuery, response: { 200: OffsetListSchema('roles', RoleResponse) } },
    },
    async (request) => {
      const query = request.query;
      const { items, total } = await users.listRoles(request.tenant.id, request.params.id, pageOf(query));
      return paginated('roles', query, items, total);
    },
  );

  app.post('/users/:id/roles', { config: anyOf('update:users', 'create:role_members'), schema: { params: UserParams, body: RolesBody, response: { 204: NoContent } } }, async (request, reply) => {
    await users.assignRoles(request.tenant.id, request.params.id, request.body.roles);
    return reply.code(204).send();
  });

  app.delete('/users/:id/roles', { config: anyOf('update:users', 'delete:role_members'), schema: { params: UserParams, body: RolesBody, response: { 204: NoContent } } }, async (request, reply) => {
    await users.removeRoles(request.tenant.id, request.params.id, request.body.roles);
    return reply.code(204).send();
  });

  app.get(
    '/users/:id/permissions',
    { config: anyOf('read:users'), schema: { params: UserParams, querystring: PaginationQuery, response: { 200: OffsetListSchema('permissions', UserPermissionResponse) } } },
    async (request) => {
      const query = request.query;
      const { items, total } = await users.listPermissions(request.tenant.id, request.params.id, pageOf(query));
      return paginated('permissions', query, items, total);
    },
  );

  app.post('/users/:id/permissions', { config: anyOf('update:users'), schema: { params: UserParams, body: PermissionsBody, response: { 201: NoContent } } }, async (request, reply) => {
    await users.addPermissions(request.tenant.id, request.params.id, request.body.permissions);
    return reply.code(201).send();
  });

  app.delete('/users/:id/permissions', { config: anyOf('update:users'), schema: { params: UserParams, body: PermissionsBody, response: { 204: NoContent } } }, async (request, reply) => {
    await users.removePermissions(request.tenant.id, request.params.id, request.body.permissions);
    return reply.code(204).send();
  });
};
