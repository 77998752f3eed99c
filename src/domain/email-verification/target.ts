/**
 * The user (and application) a Management API verification request is about, checked the same way
 * for `jobs/verification-email` and `tickets/email-verification`: the user exists in this tenant
 * and has an email address, the application (if named) is this tenant's, and the identity (if
 * given) is the user's.
 */
import type { Services } from '../services.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { User } from '../users/user.js';
import type { Client } from '../clients/client.js';
import { invalid, notFound } from '../errors.js';
import { providerUserId } from '../users/user.js';

export interface VerificationTargetInput {
  user_id: string;
  client_id?: string;
  identity?: { user_id: string; provider: string };
}

export async function verificationTarget(services: Services, tenant: Tenant, input: VerificationTargetInput): Promise<{ user: User; client: Client | null }> {
  const user = await services.users.get(tenant.id, input.user_id);
  if (input.identity) {
    const { user_id: id, provider } = input.identity;
    const own = user.identities.some((identity) => identity.provider === provider && (identity.user_id === id || identity.user_id === providerUserId(id)));
    if (!own) throw invalid('The identity does not belong to the user.');
  }
  if (!user.email) throw invalid('The user does not have an email address.');
  let client: Client | null = null;
  if (input.client_id !== undefined) {
    client = await services.clients.find(tenant.id, tenant.name, input.client_id);
    if (!client) throw notFound('The client does not exist', 'inexistent_client');
  }
  return { user, client };
}
