/**
 * `/api/v2/roles`: roles (create, list with `name_filter`, get, update, delete), the permissions a
 * role grants, and the users assigned to it. Status codes follow Auth0's: creating a role answers
 * 200, adding permissions 201, assigning users and deleting answer 200 with no body.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { RoleUsersPage } from '../domain/roles/role-service.js';
import type { PermissionView } from '../domain/roles/permissions.js';
import type { RoleMember } from '../domain/roles/user-directory.js';
import { ROLE_DESCRIPTION_MAX, ROLE_NAME_MAX, type Role } from '../domain/roles/role.js';
import { OffsetListSchema, PageWithTotalsSchema, PaginationQuery, pageOf, paginated } from './pagination.js';
import { NoContent, OneOf, type DeclaresAll } from './schema.js';
import { anyOf } from './scopes.js';

const RoleName = Type.String({ minLength: 1, maxLength: ROLE_NAME_MAX });
const RoleDescription = Type.String({ maxLength: ROLE_DESCRIPTION_MAX });

const CreateBody = Type.Object(
  // `type` exists for organization roles in newer Auth0 tenants; only tenant roles are supported.
  { name: RoleName, description: Type.Optional(RoleDescription), type: Type.Optional(OneOf(['tenant'] as const)) },
  { additionalProperties: false },
);

const UpdateBody = Type.Object({ name: Type.Optional(RoleName), description: Type.Optional(RoleDescription) }, { additionalProperties: false });

const ListQuery = Type.Intersect([
  PaginationQuery,
  Type.Object({
    name_filter: Type.Optional(Type.String({ maxLength: ROLE_NAME_MAX })),
    type: Type.Optional(OneOf(['tenant', 'organization'] as const)),
    owner_id: Type.Optional(Type.String({ maxLength: 100 })),
  }),
]);

export const PermissionsBody = Type.Object(
  {
    permissions: Type.Array(
      Type.Object(
        { resource_server_identifier: Type.String({ minLength: 1, maxLength: 600 }), permission_name: Type.String({ minLength: 1, maxLength: 280 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const UserId = Type.String({ minLength: 1, maxLength: 300 });
export const RoleId = Type.String({ minLength: 1, maxLength: 64 });

const UsersBody = Type.Object({ users: Type.Array(UserId, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });

const RoleUsersQuery = Type.Intersect([
  PaginationQuery,
  Type.Object({ from: Type.Optional(UserId), take: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
]);

const IdParams = Type.Object({ id: RoleId });

// --- responses (every property the domain objects have, in their order: see schema.ts) ---

export const RoleResponse = Type.Object({ id: Type.String(), name: Type.String(), description: Type.Optional(Type.String()) });
const _roleDeclared: DeclaresAll<Role, Static<typeof RoleResponse>> = true;

/** A permission as listed (Auth0's field order); `description` is '' when the scope has none. */
export const PermissionResponse = Type.Object({
  permission_name: Type.String(),
  description: Type.String(),
  resource_server_name: Type.String(),
  resource_server_identifier: Type.String(),
});
const _permissionDeclared: DeclaresAll<PermissionView, Static<typeof PermissionResponse>> = true;

const RoleMemberResponse = Type.Object({
  user_id: Type.String(),
  picture: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
});
const _memberDeclared: DeclaresAll<RoleMember, Static<typeof RoleMemberResponse>> = true;

/**
 * A role's members: offset pages (bare, or with totals) or a checkpoint page. The checkpoint form
 * comes last and is closed, so that a page with totals is never taken for it (see pagination.ts).
 */
const RoleUsersResponse = Type.Union([
  Type.Array(RoleMemberResponse),
  PageWithTotalsSchema('users', RoleMemberResponse),
  Type.Object({ users: Type.Array(RoleMemberResponse), next: Type.Optional(Type.String()) }, { additionalProperties: false }),
]);

export const roleRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const roles = services.roles;

  app.post('/roles', { config: anyOf('create:roles'), schema: { body: CreateBody, response: { 200: RoleResponse } } }, async (request) => {
    const { name, description } = request.body;
    return roles.create(request.tenant.id, { name, ...(description !== undefined ? { description } : {}) });
  });

  app.get('/roles', { config: anyOf('read:roles'), schema: { querystring: ListQuery, response: { 200: OffsetListSchema('roles', RoleResponse) } } }, async (request) => {
    const query = request.query;
    // Every role here is a tenant role; organization roles do not exist in Tessera.
    if (query.type === 'organization') return paginated('roles', query, [], 0);
    const { items, total } = await roles.list(request.tenant.id, pageOf(query), query.name_filter);
    return paginated('roles', query, items, total);
  });

  app.get('/roles/:id', { config: anyOf('read:roles'), schema: { params: IdParams, response: { 200: RoleResponse } } }, async (request) => {
    return roles.get(request.tenant.id, request.params.id);
  });

  app.patch('/roles/:id', { config: anyOf('update:roles'), schema: { params: IdParams, body: UpdateBody, response: { 200: RoleResponse } } }, async (request) => {
    return roles.update(request.tenant.id, request.params.id, request.body);
  });

  app.delete('/roles/:id', { config: anyOf('delete:roles'), schema: { params: IdParams, response: { 200: NoContent } } }, async (request, reply) => {
    await roles.delete(request.tenant.id, request.params.id);
    return reply.code(200).send();
  });

  app.get(
    '/roles/:id/permissions',
    { config: anyOf('read:roles'), schema: { params: IdParams, querystring: PaginationQuery, response: { 200: OffsetListSchema('permissions', PermissionResponse) } } },
    async (request) => {
      const query = request.query;
      const { items, total } = await roles.listPermissions(request.tenant.id, request.params.id, pageOf(query));
      return paginated('permissions', query, items, total);
    },
  );

  app.post('/roles/:id/permissions', { config: anyOf('update:roles'), schema: { params: IdParams, body: PermissionsBody, response: { 201: NoContent } } }, async (request, reply) => {
    await roles.addPermissions(request.tenant.id, request.params.id, request.body.permissions);
    return reply.code(201).send();
  });

  app.delete('/roles/:id/permissions', { config: anyOf('update:roles'), schema: { params: IdParams, body: PermissionsBody, response: { 200: NoContent } } }, async (request, reply) => {
    await roles.removePermissions(request.tenant.id, request.params.id, request.body.permissions);
    return reply.code(200).send();
  });

  // Offset pagination (`page`, `per_page`, `include_totals`), or checkpoint pagination when `from`
  // or `take` is present: `{ users, next }`, where `next` is the `from` of the following page.
  app.get(
    '/roles/:id/users',
    { config: anyOf('read:users', 'read:roles', 'read:role_members'), schema: { params: IdParams, querystring: RoleUsersQuery, response: { 200: RoleUsersResponse } } },
    async (request) => {
      const query = request.query;
      const checkpoint = query.from !== undefined || query.take !== undefined;
      const page: RoleUsersPage = checkpoint
        ? { kind: 'checkpoint', take: query.take ?? 50, ...(query.from !== undefined ? { from: query.from } : {}) }
        : { kind: 'offset', ...pageOf(query) };
      const result = await roles.listUsers(request.tenant.id, request.params.id, page);
      if (checkpoint) return { users: result.users, ...(result.next !== undefined ? { next: result.next } : {}) };
      return paginated('users', query, result.users, result.total ?? result.users.length);
    },
  );

  app.post(
    '/roles/:id/users',
    { config: anyOf('update:roles', 'create:role_members'), schema: { params: IdParams, body: UsersBody, response: { 200: NoContent } } },
    async (request, reply) => {
      await roles.assignUsers(request.tenant.id, request.params.id, request.body.users);
      return reply.code(200).send();
    },
  );
};
