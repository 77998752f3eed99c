/**
 * Users' consent to applications (Auth0 "user grants"): the decision whether the consent page must
 * be shown, recording an accepted consent, and the Management API's view (`/api/v2/grants`).
 * A grant is keyed by (user, application, audience); OpenID Connect scopes alone are stored under
 * the empty audience and shown as the tenant's `/userinfo` audience, as Auth0 does.
 */
import { randomBytes } from 'node:crypto';
import type { Storage } from '../../storage/storage.js';
import type { UserGrantRecord } from '../../storage/repositories/user-grants.js';
import { isUniqueViolation } from '../../storage/repositories/users.js';
import { notFound } from '../errors.js';
import { nowIso } from '../clock.js';
import { consentDecision, type ConsentDecision } from './consent-rules.js';

/** The user grant as the Management API shows it (SDK `UserGrant`; note Auth0's `clientID`). */
export interface UserGrant {
  id: string;
  clientID: string;
  user_id: string;
  audience: string;
  scope: string[];
}

export interface ConsentContext {
  userId: string;
  clientId: string;
  isFirstParty: boolean;
  /** The API identifier, or '' when only OpenID Connect scopes are requested. */
  audience: string;
  apiAllowsSkipping?: boolean;
  redirectUri: string;
  promptConsent: boolean;
  scope: readonly string[];
}

export interface GrantFilter {
  userId?: string;
  clientId?: string;
  audience?: string;
}

/** Grants are named by id only to the Management API; 96 random bits, like Auth0's object ids. */
const newGrantId = (): string => randomBytes(12).toString('hex');

export class ConsentService {
  constructor(private readonly storage: Storage) {}

  async decide(tenantId: string, context: ConsentContext): Promise<ConsentDecision> {
    const question = {
      isFirstParty: context.isFirstParty,
      redirectUri: context.redirectUri,
      promptConsent: context.promptConsent,
      scope: context.scope,
      ...(context.apiAllowsSkipping !== undefined ? { apiAllowsSkipping: context.apiAllowsSkipping } : {}),
    };
    // Most logins need no grant lookup at all: first-party apps on verifiable URIs.
    if (consentDecision(question) === 'skip') return 'skip';
    const stored = await this.storage.repos.userGrants.find(tenantId, context.userId, context.clientId, context.audience);
    return consentDecision({ ...question, ...(stored ? { granted: stored.scope } : {}) });
  }

  /** Records consent to `scope`, extending the user's existing grant for the application and audience. */
  async grant(tenantId: string, input: { userId: string; clientId: string; audience: string; scope: readonly string[] }): Promise<void> {
    const write = () =>
      this.storage.transaction(async (repos) => {
        const now = nowIso();
        const existing = await repos.userGrants.find(tenantId, input.userId, input.clientId, input.audience);
        await repos.userGrants.upsert({
          tenantId,
          id: existing?.id ?? newGrantId(),
          userId: input.userId,
          clientId: input.clientId,
          audience: input.audience,
          scope: [...new Set([...(existing?.scope ?? []), ...input.scope])],
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        });
      });
    // Two concurrent first consents race on the unique key; the loser merges into the winner's grant.
    await write().catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      return write();
    });
  }

  async list(tenantId: string, filter: GrantFilter): Promise<UserGrantRecord[]> {
    return this.storage.repos.userGrants.list(tenantId, filter);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted = await this.storage.transaction((repos) => repos.userGrants.delete(tenantId, id));
    if (!deleted) throw notFound('The grant does not exist.', 'inexistent_grant');
  }

  async deleteForUser(tenantId: string, userId: string): Promise<void> {
    await this.storage.transaction((repos) => repos.userGrants.deleteWhere(tenantId, { userId }));
  }
}

/** The wire shape; `userinfoAudience` stands in for the empty audience of OIDC-only grants. */
export function toUserGrant(record: UserGrantRecord, userinfoAudience: string): UserGrant {
  return { id: record.id, clientID: record.clientId, user_id: record.userId, audience: record.audience || userinfoAudience, scope: record.scope };
}
