/**
 * `/api/v2/connections`: create, list (offset or checkpoint pagination), get, update, delete, the
 * applications a connection is enabled for (`/connections/{id}/clients`), and deletion of a
 * database user by email (`/connections/{id}/users`).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import { STRATEGIES } from '../domain/connections/connection.js';
import { PASSWORD_POLICIES } from '../domain/users/password-policy.js';
import { FieldsQuery, OffsetOrCheckpointListSchema, PaginationQuery, pageOf, paginated, project } from './pagination.js';
import { NoContent, Nullable, OneOf } from './schema.js';
import { ConnectionResponse, EnabledClientsResponse } from './schemas/connections.js';
import { anyOf } from './scopes.js';

const Bool = Type.Boolean();
const Text = (maxLength: number) => Type.String({ maxLength });
const Closed = <T extends Parameters<typeof Type.Object>[0]>(properties: T) => Type.Object(properties, { additionalProperties: false });

const Totp = Closed({ time_step: Type.Optional(Type.Integer({ minimum: 30, maximum: 86_400 })), length: Type.Optional(Type.Integer({ minimum: 4, maximum: 10 })) });

/**
 * Connection options. Auth0's options object is open ("accepts any additional properties": each
 * of dozens of strategies has its own), so unknown options are stored as given; the options this
 * server acts on are typed and checked.
 */
const Options = Type.Object(
  {
    // database (auth0)
    passwordPolicy: Type.Optional(Nullable(OneOf(PASSWORD_POLICIES))),
    password_complexity_options: Type.Optional(Nullable(Closed({ min_length: Type.Optional(Type.Integer({ minimum: 1, maximum: 72 })) }))),
    password_history: Type.Optional(Nullable(Closed({ enable: Bool, size: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })) }))),
    password_no_personal_info: Type.Optional(Nullable(Closed({ enable: Bool }))),
    password_dictionary: Type.Optional(
      Nullable(Closed({ enable: Bool, dictionary: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 200 })) })),
    ),
    requires_username: Type.Optional(Bool),
    validation: Type.Optional(
      Nullable(Closed({ username: Type.Optional(Nullable(Closed({ min: Type.Integer({ minimum: 1, maximum: 128 }), max: Type.Integer({ minimum: 1, maximum: 128 }) }))) })),
    ),
    disable_signup: Type.Optional(Bool),
    brute_force_protection: Type.Optional(Bool),
    import_mode: Type.Optional(Bool),
    enabledDatabaseCustomization: Type.Optional(Bool),
    disable_self_service_change_password: Type.Optional(Bool),
    enable_script_context: Type.Optional(Bool),
    customScripts: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Text(100_000))),
    configuration: Type.Optional(Nullable(Type.Record(Type.String({ maxLength: 255 }), Nullable(Text(10_000))))),
    non_persistent_attrs: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 }))),
    // passwordless (email, sms)
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    from: Type.Optional(Text(255)),
    subject: Type.Optional(Text(255)),
    syntax: Type.Optional(OneOf(['liquid', 'md_with_macros'] as const)),
    template: Type.Optional(Text(10_000)),
    email: Type.Optional(
      Closed({ from: Type.Optional(Text(255)), subject: Type.Optional(Text(255)), syntax: Type.Optional(OneOf(['liquid'] as const)), body: Type.Optional(Text(100_000)) }),
    ),
    totp: Type.Optional(Totp),
  },
  { additionalProperties: true },
);

const ClientIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 });
const Realms = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 });
const Metadata = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Nullable(Text(255)));
const DisplayName = Type.String({ minLength: 1, maxLength: 128 });

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    strategy: OneOf(STRATEGIES),
    display_name: Type.Optional(DisplayName),
    options: Type.Optional(Options),
    enabled_clients: Type.Optional(ClientIds),
    is_domain_connection: Type.Optional(Bool),
    show_as_button: Type.Optional(Bool),
    realms: Type.Optional(Realms),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

// `name` and `strategy` are immutable: they are not accepted here, so sending one names it in a 400.
const UpdateBody = Type.Object(
  {
    display_name: Type.Optional(DisplayName),
    options: Type.Optional(Nullable(Options)),
    enabled_clients: Type.Optional(Nullable(ClientIds)),
    is_domain_connection: Type.Optional(Bool),
    show_as_button: Type.Optional(Bool),
    realms: Type.Optional(Realms),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

const ClientsPatch = Type.Array(Closed({ client_id: Type.String({ minLength: 1, maxLength: 64 }), status: Bool }), { minItems: 1, maxItems: 50 });

const Checkpoint = Type.Object({ from: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), take: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) });

const ListQuery = Type.Intersect([
  PaginationQuery,
  FieldsQuery,
  Checkpoint,
  Type.Object({
    strategy: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  }),
]);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const EmailQuery = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) });

export const connectionRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post('/connections', { config: anyOf('create:connections'), schema: { body: CreateBody, response: { 201: ConnectionResponse } } }, async (request, reply) => {
    const connection = await services.connections.create(request.tenant.id, request.body);
    return reply.code(201).send(connection);
  });

  app.get('/connections', { config: anyOf('read:connections'), schema: { querystring: ListQuery, response: { 200: OffsetOrCheckpointListSchema('connections', ConnectionResponse) } } }, async (request) => {
    const query = request.query;
    const filter = { ...(query.strategy ? { strategies: query.strategy } : {}), ...(query.name !== undefined ? { name: query.name } : {}) };
    const view = <T extends object>(items: T[]) => items.map((c) => project(c, query.fields, query.include_fields));
    // `from` or `take` selects checkpoint pagination (the v7 SDK always sends `take`): { connections, next? }.
    if (query.from !== undefined || query.take !== undefined) {
      const { items, next } = await services.connections.listFrom(request.tenant.id, filter, query.from, query.take ?? 50);
      return { connections: view(items), ...(next ? { next } : {}) };
    }
    const { items, total } = await services.connections.list(request.tenant.id, filter, pageOf(query));
    return paginated('connections', query, view(items), total);
  });

  app.get('/connections/:id', { config: anyOf('read:connections'), schema: { params: IdParams, querystring: FieldsQuery, response: { 200: ConnectionResponse } } }, async (request) => {
    const connection = await services.connections.get(request.tenant.id, request.params.id);
    return project(connection, request.query.fields, request.query.include_fields);
  });

  app.patch('/connections/:id', { config: anyOf('update:connections'), schema: { params: IdParams, body: UpdateBody, response: { 200: ConnectionResponse } } }, async (request) => {
    return services.connections.update(request.tenant.id, request.params.id, request.body);
  });

  app.delete('/connections/:id', { config: anyOf('delete:connections'), schema: { params: IdParams, response: { 204: NoContent } } }, async (request, reply) => {
    await services.connections.delete(request.tenant.id, request.params.id);
    return reply.code(204).send();
  });

  app.get('/connections/:id/clients', { config: anyOf('read:connections'), schema: { params: IdParams, querystring: Checkpoint, response: { 200: EnabledClientsResponse } } }, async (request) => {
    return services.connections.enabledClients(request.tenant.id, request.params.id, request.query.from, request.query.take ?? 50);
  });

  app.patch('/connections/:id/clients', { config: anyOf('update:connections'), schema: { params: IdParams, body: ClientsPatch, response: { 204: NoContent } } }, async (request, reply) => {
    await services.connections.updateEnabledClients(request.tenant.id, request.params.id, request.body);
    return reply.code(204).send();
  });

  app.delete('/connections/:id/users', { config: anyOf('delete:users'), schema: { params: IdParams, querystring: EmailQuery, response: { 204: NoContent } } }, async (request, reply) => {
    await services.users.deleteByEmail(request.tenant.id, request.params.id, request.query.email);
    return reply.code(204).send();
  });
};
