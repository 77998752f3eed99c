/**
 * Permissions as RBAC sees them: a scope defined on an API, named in request bodies by
 * `{ resource_server_identifier, permission_name }`. Checks that a permission exists before it is
 * granted, and shows granted permissions with their API's name and the scope's description.
 */
import type { Repositories } from '../../storage/storage.js';
import type { PermissionRef } from '../../storage/repositories/roles.js';
import type { ResourceServerRecord } from '../../storage/repositories/resource-servers.js';
import type { ResourceServerScope } from '../resource-servers/resource-server.js';
import { invalid, notFound } from '../errors.js';

/** A permission in a request body. */
export interface PermissionInput {
  resource_server_identifier: string;
  permission_name: string;
}

/** A permission in a response (Auth0's field order). */
export interface PermissionView {
  permission_name: string;
  description: string;
  resource_server_name: string;
  resource_server_identifier: string;
}

const scopesOf = (api: ResourceServerRecord): ResourceServerScope[] => (api.document.scopes as ResourceServerScope[] | undefined) ?? [];

const key = (p: PermissionRef) => `${p.api}\u0000${p.name}`;

/** The inputs without repeats, in first-seen order. */
export function distinctPermissions(inputs: PermissionInput[]): PermissionRef[] {
  const seen = new Map<string, PermissionRef>();
  for (const input of inputs) {
    const ref = { api: input.resource_server_identifier, name: input.permission_name };
    if (!seen.has(key(ref))) seen.set(key(ref), ref);
  }
  return [...seen.values()];
}

/**
 * The permissions to grant, each checked against its API in this tenant: an unknown API is a 404,
 * a name the API does not define is a 400. Run inside the granting transaction, so an API or scope
 * removed concurrently cannot leave a dangling grant behind.
 */
export async function resolvePermissions(repos: Repositories, tenantId: string, inputs: PermissionInput[]): Promise<PermissionRef[]> {
  const permissions = distinctPermissions(inputs);
  const apis = await loadApis(repos, tenantId, permissions);
  for (const permission of permissions) {
    const api = apis.get(permission.api);
    if (!api) throw notFound(`The resource server does not exist: '${permission.api}'.`, 'inexistent_resource_server');
    if (!scopesOf(api).some((scope) => scope.value === permission.name)) {
      throw invalid(`Payload validation error: permission '${permission.name}' is not defined on resource server '${permission.api}'.`);
    }
  }
  return permissions;
}

/** The permissions with their API's name and the scope's description, for responses. */
export async function describePermissions(repos: Repositories, tenantId: string, permissions: PermissionRef[]): Promise<PermissionView[]> {
  const apis = await loadApis(repos, tenantId, permissions);
  return permissions.map((permission) => {
    const api = apis.get(permission.api);
    const scope = api ? scopesOf(api).find((s) => s.value === permission.name) : undefined;
    return {
      permission_name: permission.name,
      description: scope?.description ?? '',
      resource_server_name: (api?.document.name as string | undefined) ?? permission.api,
      resource_server_identifier: permission.api,
    };
  });
}

async function loadApis(repos: Repositories, tenantId: string, permissions: PermissionRef[]): Promise<Map<string, ResourceServerRecord>> {
  const apis = new Map<string, ResourceServerRecord>();
  for (const identifier of new Set(permissions.map((p) => p.api))) {
    const api = await repos.resourceServers.findByIdentifier(tenantId, identifier);
    if (api) apis.set(identifier, api);
  }
  return apis;
}

/** Orders permissions as Auth0 lists them: by API identifier, then permission name. */
export const comparePermissions = (a: PermissionRef, b: PermissionRef): number =>
  a.api < b.api ? -1 : a.api > b.api ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
