/**
 * `/api/v2/users`: create, search (`q`, search engine v3), get, update, delete; and
 * `/api/v2/users-by-email`. Password hashes are never part of a response.
 *
 * A user's own Management API token (authenticate.ts) reaches two of these on its own id: GET with
 * `read:current_user`, and PATCH of `user_metadata` alone with `update:current_user_metadata` or
 * `create:current_user_metadata` (docs: "Get Management API Access Tokens for Single-Page
 * Applications"; auth0.js `Management.getUser` / `patchUserMetadata`).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { User } from '../domain/users/user.js';
import { MAX_QUERY_LENGTH } from '../domain/search/caps.js';
import { ManagementApiError } from '../http/errors.js';
import { FieldsQuery, PaginationQuery, pageOf, project } from './pagination.js';
import { NoContent, Nullable, OneOf, OpenObject, type DeclaresAll } from './schema.js';
import { anyOf, currentUserAnyOf } from './scopes.js';
import { sendVerificationEmailInBackground } from '../domain/email-verification/email-verification.js';
import { strategyOfProvider } from '../domain/connections/strategies/registry.js';

const Bool = Type.Boolean();
const Email = Type.String({ format: 'email', maxLength: 320 });
const Phone = Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' });
const Username = Type.String({ minLength: 1, maxLength: 128 });
const Metadata = Type.Object({}, { additionalProperties: true });
const profile = {
  given_name: Type.String({ minLength: 1, maxLength: 150 }),
  family_name: Type.String({ minLength: 1, maxLength: 150 }),
  name: Type.String({ minLength: 1, maxLength: 300 }),
  nickname: Type.String({ minLength: 1, maxLength: 300 }),
  picture: Type.String({ format: 'uri', maxLength: 2000 }),
};
/** Long enough for any passphrase; the policy then limits it to bcrypt's 72 bytes. */
const Password = Type.String({ minLength: 1, maxLength: 1024 });

/** Auth0's custom password hash (bulk import format); the service accepts its bcrypt form. */
const CustomPasswordHash = Type.Object(
  {
    algorithm: OneOf(['argon2', 'bcrypt', 'hmac', 'ldap', 'md4', 'md5', 'sha1', 'sha256', 'sha512', 'pbkdf2', 'scrypt'] as const),
    hash: Type.Object(
      { value: Type.String({ minLength: 1, maxLength: 4096 }), encoding: Type.Optional(OneOf(['base64', 'hex', 'utf8'] as const)) },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);

const CreateBody = Type.Object(
  {
    connection: Type.String({ minLength: 1, maxLength: 128 }),
    email: Type.Optional(Email),
    phone_number: Type.Optional(Phone),
    username: Type.Optional(Username),
    password: Type.Optional(Password),
    password_hash: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    custom_password_hash: Type.Optional(CustomPasswordHash),
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' })),
    email_verified: Type.Optional(Bool),
    phone_verified: Type.Optional(Bool),
    verify_email: Type.Optional(Bool),
    blocked: Type.Optional(Bool),
    given_name: Type.Optional(profile.given_name),
    family_name: Type.Optional(profile.family_name),
    name: Type.Optional(profile.name),
    nickname: Type.Optional(profile.nickname),
    picture: Type.Optional(profile.picture),
    user_metadata: Type.Optional(Metadata),
    app_metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    connection: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    email: Type.Optional(Nullable(Email)),
    phone_number: Type.Optional(Nullable(Phone)),
    username: Type.Optional(Nullable(Username)),
    password: Type.Optional(Nullable(Password)),
    email_verified: Type.Optional(Bool),
    phone_verified: Type.Optional(Bool),
    verify_email: Type.Optional(Bool),
    verify_phone_number: Type.Optional(Bool),
    blocked: Type.Optional(Bool),
    given_name: Type.Optional(Nullable(profile.given_name)),
    family_name: Type.Optional(Nullable(profile.family_name)),
    name: Type.Optional(Nullable(profile.name)),
    nickname: Type.Optional(Nullable(profile.nickname)),
    picture: Type.Optional(Nullable(profile.picture)),
    user_metadata: Type.Optional(Metadata),
    app_metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ListQuery = Type.Intersect([
  PaginationQuery,
  FieldsQuery,
  Type.Object({
    q: Type.Optional(Type.String({ maxLength: MAX_QUERY_LENGTH })),
    sort: Type.Optional(Type.String({ maxLength: 100 })),
    connection: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    search_engine: Type.Optional(OneOf(['v1', 'v2', 'v3'] as const)),
    primary_order: Type.Optional(Bool),
  }),
]);
const ByEmailQuery = Type.Intersect([FieldsQuery, Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }) })]);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });

// --- responses ---------------------------------------------------------------------------------

/** Open, so that identity fields added later (e.g. a social identity's `profileData`) are not dropped. */
const IdentityResponse = Type.Object(
  { connection: Type.String(), user_id: Type.String(), provider: Type.String(), isSocial: Type.Boolean() },
  { additionalProperties: true },
);

/**
 * The user as toUser (domain/users/user.ts) builds it, in its order: the fields every user has,
 * then the optional ones, present only when set. Never a password hash.
 */
export const UserResponse = Type.Object({
  user_id: Type.String(),
  identities: Type.Array(IdentityResponse),
  app_metadata: OpenObject(),
  user_metadata: OpenObject(),
  created_at: Type.String(),
  updated_at: Type.String(),
  logins_count: Type.Integer(),
  email: Type.Optional(Type.String()),
  email_verified: Type.Optional(Type.Boolean()),
  username: Type.Optional(Type.String()),
  phone_number: Type.Optional(Type.String()),
  phone_verified: Type.Optional(Type.Boolean()),
  name: Type.Optional(Type.String()),
  nickname: Type.Optional(Type.String()),
  given_name: Type.Optional(Type.String()),
  family_name: Type.Optional(Type.String()),
  picture: Type.Optional(Type.String()),
  blocked: Type.Optional(Type.Boolean()),
  last_login: Type.Optional(Type.String()),
  last_ip: Type.Optional(Type.String()),
  last_password_reset: Type.Optional(Type.String()),
});
const _userDeclared: DeclaresAll<User, Static<typeof UserResponse>> = true;

/** A user as `fields`/`include_fields` may project it: any property may be left out. */
const ProjectedUser = Type.Partial(UserResponse);

/** The users list: the bare array, or Auth0's wrapper for users (`limit` asked for, `length` returned). */
const UserListResponse = Type.Union([
  Type.Array(ProjectedUser),
  Type.Object({ users: Type.Array(ProjectedUser), start: Type.Integer(), limit: Type.Integer(), length: Type.Integer(), total: Type.Integer() }),
]);

/** Search engine v3 pages through the first 1000 results only (docs: user search limitations). */
const MAX_SEARCH_RESULTS = 1000;

/** Fields a token with only `update:users_app_metadata` may change. */
const METADATA_FIELDS = new Set(['app_metadata', 'user_metadata']);
/** The one field a user's own token may change (Auth0: a password change is not possible with it, nor anything else). */
const CURRENT_USER_FIELDS = new Set(['user_metadata']);

export const userRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/users', { config: anyOf('create:users'), schema: { body: CreateBody, response: { 201: UserResponse } } }, async (request, reply) => {
    const input = request.body;
    const user = await services.users.create(request.tenant.id, input);
    // Auth0: `verify_email` decides when given; otherwise a database user whose address is not
    // marked verified gets the email (passwordless users prove their address with each code).
    const verifiesByEmail = strategyOfProvider(user.identities[0]?.provider)?.verificationEmailOnCreate === true;
    if ((input.verify_email ?? (verifiesByEmail && input.email_verified !== true)) && user.email && user.email_verified !== true) {
      sendVerificationEmailInBackground(services, request.tenant, { user, issuer: request.issuer, audit: request.audit }, (error) => request.log.error({ err: error }, 'verification email failed'));
    }
    return reply.code(201).send(user);
  });

  app.get('/users', { config: anyOf('read:users'), schema: { querystring: ListQuery, response: { 200: UserListResponse } } }, async (request) => {
    const query = request.query;
    if (query.search_engine === 'v1') throw new ManagementApiError(400, 'You are not allowed to use search_engine=v1.', 'operation_not_supported');
    const page = pageOf(query);
    if (page.offset + page.limit > MAX_SEARCH_RESULTS) {
      throw new ManagementApiError(400, `You can only page through the first ${MAX_SEARCH_RESULTS} records.`, 'invalid_paging');
    }
    const { items, total } = await services.users.list(request.tenant.id, { ...pick(query, 'q', 'sort', 'connection') }, page, { withTotal: query.include_totals === true });
    const users = items.map((user) => project(user, query.fields, query.include_fields));
    // Auth0's wrapper for users: `limit` is the page size asked for, `length` the number returned.
    return query.include_totals ? { users, start: page.offset, limit: page.limit, length: users.length, total: total ?? 0 } : users;
  });

  app.get(
    '/users/:id',
    { config: { ...anyOf('read:users'), ...currentUserAnyOf('read:current_user') }, schema: { params: IdParams, querystring: FieldsQuery, response: { 200: ProjectedUser } } },
    async (request) => {
      const query = request.query;
      return project(await services.users.get(request.tenant.id, request.params.id), query.fields, query.include_fields);
    },
  );

  app.get('/users-by-email', { config: anyOf('read:users'), schema: { querystring: ByEmailQuery, response: { 200: Type.Array(ProjectedUser) } } }, async (request) => {
    const query = request.query;
    return (await services.users.listByEmail(request.tenant.id, query.email)).map((user) => project(user, query.fields, query.include_fields));
  });

  const patchConfig = { ...anyOf('update:users', 'update:users_app_metadata'), ...currentUserAnyOf('update:current_user_metadata', 'create:current_user_metadata') };
  app.patch('/users/:id', { config: patchConfig, schema: { params: IdParams, body: UpdateBody, response: { 200: UserResponse } } }, async (request) => {
    const patch = request.body;
    checkPatchableFields(request, Object.keys(patch));
    const user = await services.users.update(request.tenant.id, request.params.id, patch);
    // A new password lifts brute-force blocks, as the hosted password reset does (and as on Auth0).
    if (typeof patch.password === 'string') await services.attackProtection.passwordChanged(request.tenant, user, request.ip, request.audit);
    if (patch.verify_email === true && user.email && user.email_verified !== true) {
      sendVerificationEmailInBackground(services, request.tenant, { user, issuer: request.issuer, audit: request.audit }, (error) => request.log.error({ err: error }, 'verification email failed'));
    }
    return user;
  });

  app.delete('/users/:id', { config: anyOf('delete:users'), schema: { params: IdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await services.users.delete(request.tenant.id, request.params.id);
    return reply.code(204).send();
  });
};

/**
 * What a PATCH may change beyond what its route scope opened: `update:users` changes anything,
 * `update:users_app_metadata` alone the two metadata fields, a user's own token `user_metadata` alone.
 */
function checkPatchableFields(request: FastifyRequest, fields: string[]): void {
  const user = request.managementPrincipal?.kind === 'user';
  if (!user && request.grantedScopes?.has('update:users')) return;
  const other = fields.find((field) => !(user ? CURRENT_USER_FIELDS : METADATA_FIELDS).has(field));
  if (other === undefined) return;
  const expected = METADATA_FIELDS.has(other) ? 'update:users,update:users_app_metadata' : 'update:users';
  throw new ManagementApiError(403, `Insufficient scope; expected any of: ${expected} (to change ${other}).`, 'insufficient_scope');
}

function pick<T extends object, K extends keyof T>(value: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Pick<T, K>;
}
