/**
 * The connection object as `/api/v2/connections` answers it (domain/connections/connection.ts),
 * each property optional because `fields` may project any away. `options` is open: Auth0's has a
 * different set per strategy and unknown options are stored and returned as given; the options
 * Tessera acts on are described (null where a PATCH may set null).
 */
import { Type } from '@sinclair/typebox';
import { STRATEGIES } from '../../domain/connections/connection.js';
import { PASSWORD_POLICIES } from '../../domain/users/password-policy.js';
import { NullableOut, OneOf, OpenObject } from '../schema.js';

const Str = Type.String();
const Bool = Type.Boolean();
const opt = Type.Optional;

const ConnectionOptionsOut = Type.Object(
  {
    passwordPolicy: opt(NullableOut(OneOf(PASSWORD_POLICIES))),
    password_complexity_options: opt(NullableOut(OpenObject())),
    password_history: opt(NullableOut(OpenObject())),
    password_no_personal_info: opt(NullableOut(OpenObject())),
    password_dictionary: opt(NullableOut(OpenObject())),
    requires_username: opt(Bool),
    validation: opt(NullableOut(OpenObject())),
    disable_signup: opt(Bool),
    brute_force_protection: opt(Bool),
    import_mode: opt(Bool),
    enabledDatabaseCustomization: opt(Bool),
    disable_self_service_change_password: opt(Bool),
    enable_script_context: opt(Bool),
    customScripts: opt(OpenObject()),
    configuration: opt(NullableOut(OpenObject())),
    non_persistent_attrs: opt(NullableOut(Type.Array(Str))),
    name: opt(Str),
    from: opt(Str),
    subject: opt(Str),
    syntax: opt(Str),
    template: opt(Str),
    email: opt(OpenObject({ description: 'Passwordless email: from, subject, syntax, body.' })),
    totp: opt(OpenObject({ description: 'One-time code: time_step (seconds), length (digits).' })),
  },
  { additionalProperties: true, description: "Strategy options; Auth0's object is open, unknown options are returned as given." },
);

export const ConnectionResponse = Type.Object(
  {
    // In the order toConnection builds them: the serializer writes properties in schema order.
    id: opt(Str),
    options: opt(ConnectionOptionsOut),
    strategy: opt(OneOf(STRATEGIES)),
    name: opt(Str),
    is_domain_connection: opt(Bool),
    realms: opt(Type.Array(Str)),
    enabled_clients: opt(Type.Array(Str)),
    display_name: opt(Str),
    show_as_button: opt(Bool),
    metadata: opt(Type.Record(Type.String(), Str)),
  },
  { description: 'A connection.' },
);

/** `GET /connections/{id}/clients`: the applications the connection is enabled for, checkpoint-paged. */
export const EnabledClientsResponse = Type.Object(
  {
    clients: Type.Array(Type.Object({ client_id: Str }, { additionalProperties: false })),
    next: opt(Type.String({ description: 'Cursor for the following page (`from`); absent on the last page.' })),
  },
  { additionalProperties: false },
);
