/** The custom domain object `/api/v2/custom-domains` answers (domain/tenants/custom-domains.ts). */
import { Type, type Static } from '@sinclair/typebox';
import type { CustomDomain } from '../../domain/tenants/custom-domains.js';
import { KnownValues, NullableOut, type DeclaresAll } from '../schema.js';

const Str = Type.String();
const opt = Type.Optional;

export const CustomDomainResponse = Type.Object(
  {
    custom_domain_id: opt(Str),
    domain: opt(Str),
    primary: opt(Type.Boolean()),
    status: opt(KnownValues(['pending_verification', 'ready'])),
    type: opt(KnownValues(['self_managed_certs'])),
    verification: opt(
      Type.Object({
        methods: Type.Array(
          Type.Object({
            name: KnownValues(['txt']),
            record: Type.String({ description: 'The value the TXT record must have.' }),
            domain: Type.String({ description: 'The name of the TXT record.' }),
          }),
        ),
        status: KnownValues(['verified', 'pending']),
        error_msg: opt(Type.String({ description: 'Why the last verification did not succeed (in the answer of that verification only).' })),
        last_verified_at: opt(Str),
      }),
    ),
    custom_client_ip_header: opt(NullableOut(Str)),
    tls_policy: opt(KnownValues(['recommended'])),
    domain_metadata: opt(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false, description: 'A custom domain of the tenant (self-managed certificates).' },
);
const _declared: DeclaresAll<CustomDomain, Static<typeof CustomDomainResponse>> = true;
