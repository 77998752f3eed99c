/**
 * The control API (`/api/control/v1`, docs/plans/dashboard.md §2), written by hand in the shape
 * openapi-typescript generates, so openapi-fetch types the calls. It is replaced by the generated
 * `generated/control.ts` once the server serves `/api/control/v1/openapi.json` (one line in
 * scripts/api-types.mjs); until then it must follow the plan's table exactly.
 * Paths are relative to the client's base URL `/api/control/v1`.
 */

/** The Management API's error shape, used by the control API too. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  errorCode: string;
}

export type ThemePreference = 'light' | 'dark' | 'system';
export type EnvironmentTag = 'development' | 'staging' | 'production';
export type RoleId = 'admin' | 'editor_users' | 'editor_connections' | 'viewer_users' | 'viewer_config' | 'support_access';

export interface Me {
  user_id: string;
  email: string;
  name: string;
  picture: string;
  is_owner: boolean;
  preferences: { theme: ThemePreference };
  csrf_token: string;
}

export interface DashboardSession {
  id: string;
  current: boolean;
  device: string;
  browser: string;
  ip: string;
  created_at: string;
  last_active_at: string;
  expires_at: string;
}

export interface TenantSummary {
  id: string;
  name: string;
  environment_tag: EnvironmentTag;
  domain: string;
  management_api: string;
  created_at: string;
  roles: RoleId[];
}

export interface TenantToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  management_api: string;
}

export interface Member {
  user_id: string;
  email: string;
  name: string;
  roles: RoleId[];
  created_at: string;
  last_login: string | null;
}

export interface Invitation {
  id: string;
  email: string;
  roles: RoleId[];
  invited_by: string;
  created_at: string;
  expires_at: string;
}

export interface InvitationLookup {
  tenant: string;
  email: string;
  roles: RoleId[];
  inviter: string;
  account_exists: boolean;
}

interface Json<T> {
  headers: { [name: string]: unknown };
  content: { 'application/json': T };
}
interface NoContent {
  headers: { [name: string]: unknown };
  content?: never;
}
interface Body<T> {
  content: { 'application/json': T };
}
interface NoParams {
  query?: never;
  header?: never;
  path?: never;
  cookie?: never;
}
interface TenantPath {
  query?: never;
  header?: never;
  path: { name: string };
  cookie?: never;
}
type Errors<Codes extends number> = { [code in Codes]: Json<ApiError> };

/** As generated: an operation without a body has an optional `requestBody?: never`. */
type Operation<Params, Request, Responses> = { parameters: Params; responses: Responses } & ([Request] extends [never]
  ? { requestBody?: never }
  : { requestBody: Request });

export interface paths {
  '/setup': {
    get: Operation<NoParams, never, { 200: Json<{ required: boolean }> }>;
    post: Operation<
      NoParams,
      Body<{ token: string; email: string; password: string; name?: string }>,
      { 201: Json<{ user_id: string; email: string }> } & Errors<400 | 401 | 409 | 429>
    >;
  };
  '/me': {
    get: Operation<NoParams, never, { 200: Json<Me> } & Errors<401>>;
    patch: Operation<NoParams, Body<{ name?: string; preferences?: { theme: ThemePreference } }>, { 200: Json<Me> } & Errors<400 | 401 | 403>>;
  };
  '/me/password': {
    post: Operation<NoParams, Body<{ current_password: string; new_password: string }>, { 204: NoContent } & Errors<400 | 401 | 403>>;
  };
  '/me/sessions': {
    get: Operation<NoParams, never, { 200: Json<DashboardSession[]> } & Errors<401>>;
  };
  '/me/sessions/{id}': {
    delete: Operation<{ query?: never; header?: never; path: { id: string }; cookie?: never }, never, { 204: NoContent } & Errors<401 | 403 | 404>>;
  };
  '/tenants': {
    get: Operation<NoParams, never, { 200: Json<TenantSummary[]> } & Errors<401>>;
    post: Operation<
      NoParams,
      Body<{ name: string; environment_tag?: EnvironmentTag }>,
      { 201: Json<TenantSummary> } & Errors<400 | 401 | 403 | 409 | 429>
    >;
  };
  '/tenants/{name}': {
    get: Operation<TenantPath, never, { 200: Json<TenantSummary> } & Errors<401 | 404>>;
    patch: Operation<TenantPath, Body<{ environment_tag: EnvironmentTag }>, { 200: Json<TenantSummary> } & Errors<400 | 401 | 403 | 404>>;
    delete: Operation<
      { query: { confirm: string }; header?: never; path: { name: string }; cookie?: never },
      never,
      { 204: NoContent } & Errors<400 | 401 | 403 | 404>
    >;
  };
  '/tenants/{name}/token': {
    post: Operation<TenantPath, never, { 200: Json<TenantToken> } & Errors<401 | 403 | 404>>;
  };
  '/tenants/{name}/members': {
    get: Operation<TenantPath, never, { 200: Json<Member[]> } & Errors<401 | 403 | 404>>;
  };
  '/tenants/{name}/members/{user_id}': {
    patch: Operation<
      { query?: never; header?: never; path: { name: string; user_id: string }; cookie?: never },
      Body<{ roles: RoleId[] }>,
      { 200: Json<Member> } & Errors<400 | 401 | 403 | 404 | 409>
    >;
    delete: Operation<
      { query?: never; header?: never; path: { name: string; user_id: string }; cookie?: never },
      never,
      { 204: NoContent } & Errors<401 | 403 | 404 | 409>
    >;
  };
  '/tenants/{name}/invitations': {
    get: Operation<TenantPath, never, { 200: Json<Invitation[]> } & Errors<401 | 403 | 404>>;
    post: Operation<TenantPath, Body<{ email: string; roles: RoleId[] }>, { 201: Json<Invitation> } & Errors<400 | 401 | 403 | 404 | 409 | 429 | 503>>;
  };
  '/tenants/{name}/invitations/{id}': {
    delete: Operation<
      { query?: never; header?: never; path: { name: string; id: string }; cookie?: never },
      never,
      { 204: NoContent } & Errors<401 | 403 | 404>
    >;
  };
  '/invitations/lookup': {
    post: Operation<NoParams, Body<{ ticket: string }>, { 200: Json<InvitationLookup> } & Errors<404 | 429>>;
  };
  '/invitations/accept': {
    post: Operation<
      NoParams,
      Body<{ ticket: string; name?: string; password?: string }>,
      { 200: Json<{ tenant: string }> } & Errors<400 | 403 | 404 | 429>
    >;
  };
}
