/**
 * Tenants as a signed-in account sees them: the ones it is a member of, with its roles; creating one
 * (platform owners); the environment tag and deletion (Admins); the per-tenant Management API token
 * the dashboard calls `/api/v2` with; and the tenant's members (Admins).
 *
 * A tenant the caller is not a member of answers 404 like one that does not exist, so the API is no
 * oracle of other tenants' names.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ControlApiOptions } from './index.js';
import { sessionOf } from './index.js';
import { ManagementApiError } from '../http/errors.js';
import { countQuota } from './attempt-limits.js';
import { managesTenant } from '../domain/control-plane/dashboard-roles.js';
import type { Membership } from '../domain/control-plane/control-plane-service.js';
import { EnvironmentTag, ErrorResponse, NoContent, RoleId, TenantParams, TenantResponse, tenantView } from './schemas.js';

const CreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }), environment_tag: Type.Optional(EnvironmentTag) }, { additionalProperties: false });
const PatchBody = Type.Object({ environment_tag: EnvironmentTag }, { additionalProperties: false });
const DeleteQuery = Type.Object({ confirm: Type.String({ maxLength: 63 }) });
const MemberParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }), user_id: Type.String({ minLength: 1, maxLength: 300 }) });
const MemberPatch = Type.Object({ roles: Type.Array(RoleId, { minItems: 1, maxItems: 6, uniqueItems: true }) }, { additionalProperties: false });

const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
  management_api: Type.String(),
});

const MemberResponse = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(RoleId),
  created_at: Type.String(),
  last_login: Type.Optional(Type.String()),
});

/** Tenant creations one account may attempt in an hour: each tenant brings keys, a connection and an application. */
const TENANTS_PER_HOUR_PER_ACCOUNT = 20;

const insufficientRole = () => new ManagementApiError(403, 'Only an Admin of this tenant can do this.', 'insufficient_role');

export const tenantRoutes: FastifyPluginAsync<ControlApiOptions> = async (fastify, { services, quotas }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { controlPlane } = services;
  const managementApiOf = (name: string) => services.tenants.publicOrigin.managementApiIdentifier(name);

  /** The tenant by name if the caller is a member (404 otherwise), and, with `admin`, only if an Admin there (403). */
  async function memberTenant(userId: string, name: string, options: { admin?: boolean } = {}) {
    const found = await controlPlane.memberTenant(userId, name);
    if (options.admin && !managesTenant(found.membership.roles)) throw insufficientRole();
    return found;
  }

  app.get('/tenants', { schema: { response: { 200: Type.Array(TenantResponse) } } }, async (request, reply) => {
    const session = sessionOf(request);
    reply.header('cache-control', 'no-store');
    return (await controlPlane.tenantsOf(session.userId)).map(({ tenant, roles }) => tenantView(tenant, managementApiOf(tenant.name), roles));
  });

  app.post('/tenants', { schema: { body: CreateBody, response: { 201: TenantResponse, 400: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse } } }, async (request, reply) => {
    const session = sessionOf(request);
    const account = await services.dashboardAccounts.find(session.userId);
    if (!account?.is_owner) throw new ManagementApiError(403, 'Only a platform owner can create tenants.', 'not_allowed');
    await countQuota(quotas, 'tenant-create', session.userId, TENANTS_PER_HOUR_PER_ACCOUNT, `You have tried to create ${TENANTS_PER_HOUR_PER_ACCOUNT} tenants in the last hour; try again later.`);
    const tenant = await controlPlane.createTenant(request.body.name, { creatorId: session.userId, ...(request.body.environment_tag ? { environmentTag: request.body.environment_tag } : {}) });
    const membership = await controlPlane.membership(tenant.id, session.userId);
    return reply.code(201).send(tenantView(tenant, managementApiOf(tenant.name), membership?.roles ?? []));
  });

  app.get('/tenants/:name', { schema: { params: TenantParams, response: { 200: TenantResponse, 404: ErrorResponse } } }, async (request) => {
    const { tenant, membership } = await memberTenant(sessionOf(request).userId, request.params.name);
    return tenantView(tenant, managementApiOf(tenant.name), membership.roles);
  });

  app.patch('/tenants/:name', { schema: { params: TenantParams, body: PatchBody, response: { 200: TenantResponse, 403: ErrorResponse, 404: ErrorResponse } } }, async (request) => {
    const { tenant, membership } = await memberTenant(sessionOf(request).userId, request.params.name, { admin: true });
    await services.tenants.setEnvironmentTag(tenant.id, request.body.environment_tag);
    return tenantView({ ...tenant, environmentTag: request.body.environment_tag }, managementApiOf(tenant.name), membership.roles);
  });

  app.delete('/tenants/:name', { schema: { params: TenantParams, querystring: DeleteQuery, response: { 204: NoContent, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse } } }, async (request, reply) => {
    const { tenant } = await memberTenant(sessionOf(request).userId, request.params.name, { admin: true });
    if (request.query.confirm !== tenant.name) throw new ManagementApiError(400, 'Type the tenant name in `confirm` to delete it.', 'confirmation_mismatch');
    await controlPlane.deleteTenant(tenant);
    return reply.code(204).send();
  });

  app.post('/tenants/:name/token', { schema: { params: TenantParams, response: { 200: TokenResponse, 404: ErrorResponse } } }, async (request, reply) => {
    const session = sessionOf(request);
    const { tenant } = await memberTenant(session.userId, request.params.name);
    reply.header('cache-control', 'no-store');
    return controlPlane.mintTenantToken(tenant, session.userId, session.id);
  });

  app.get('/tenants/:name/members', { schema: { params: TenantParams, response: { 200: Type.Array(MemberResponse), 403: ErrorResponse, 404: ErrorResponse } } }, async (request) => {
    const { tenant } = await memberTenant(sessionOf(request).userId, request.params.name, { admin: true });
    return Promise.all((await controlPlane.listMembers(tenant.id)).map((member) => memberView(member)));
  });

  app.patch('/tenants/:name/members/:user_id', { schema: { params: MemberParams, body: MemberPatch, response: { 200: MemberResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } } }, async (request) => {
    const { tenant } = await memberTenant(sessionOf(request).userId, request.params.name, { admin: true });
    return memberView(await controlPlane.setRoles(tenant.id, request.params.user_id, request.body.roles, { mustExist: true }));
  });

  app.delete('/tenants/:name/members/:user_id', { schema: { params: MemberParams, response: { 204: NoContent, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } } }, async (request, reply) => {
    const { tenant } = await memberTenant(sessionOf(request).userId, request.params.name, { admin: true });
    await controlPlane.removeMember(tenant.id, request.params.user_id);
    return reply.code(204).send();
  });

  async function memberView(member: Membership) {
    const admin = await controlPlane.adminTenant();
    const user = await services.users.find(admin.id, member.userId);
    return {
      user_id: member.userId,
      email: user?.email ?? '',
      name: user?.name ?? user?.email ?? '',
      roles: member.roles,
      created_at: member.createdAt,
      ...(user?.last_login ? { last_login: user.last_login } : {}),
    };
  }
};
