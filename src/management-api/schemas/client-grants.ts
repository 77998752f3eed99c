/** The client grant object as `/api/v2/client-grants` answers it (domain/client-grants/client-grant-service.ts). */
import { Type } from '@sinclair/typebox';
import { OneOf } from '../schema.js';

const Str = Type.String();
const opt = Type.Optional;

export const SUBJECT_TYPES = ['client', 'user'] as const;
export const GRANT_ORGANIZATION_USAGES = ['deny', 'allow', 'require'] as const;

export const ClientGrantResponse = Type.Object(
  {
    id: opt(Str),
    client_id: opt(Str),
    audience: opt(Str),
    scope: opt(Type.Array(Str)),
    subject_type: opt(OneOf(SUBJECT_TYPES)),
    allow_all_scopes: opt(Type.Boolean()),
    is_system: opt(Type.Boolean()),
    organization_usage: opt(OneOf(GRANT_ORGANIZATION_USAGES)),
    allow_any_organization: opt(Type.Boolean()),
    authorization_details_types: opt(Type.Array(Str)),
  },
  { additionalProperties: true, description: 'A client grant: the scopes an application may request for an API.' },
);
