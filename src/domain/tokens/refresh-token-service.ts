/**
 * Refresh tokens as Auth0 runs them (docs: Refresh Token Rotation, Configure Refresh Token
 * Expiration, Revoke Refresh Tokens):
 *  - issued with user tokens when `offline_access` was granted and the application has the
 *    `refresh_token` grant type; only the SHA-256 of the token is stored;
 *  - expiry follows the application's `refresh_token` settings: an absolute lifetime for the whole
 *    family (rotated tokens inherit it) and an idle lifetime that restarts with each use;
 *  - rotation: each use returns a new token of the same family and marks the used one rotated; a
 *    rotated token presented again after the overlap period (`leeway`) is taken as stolen and the
 *    whole family is revoked (reuse detection);
 *  - revocation (`/oauth/revoke`) revokes the family, and with the tenant flag
 *    `revoke_refresh_token_grant` also the user's grant to the application.
 * The functions at the top are the rules alone, without storage, so they can be tested directly.
 */
import type { Storage } from '../../storage/storage.js';
import type { RefreshTokenGrant, RefreshTokenRecord } from '../../storage/repositories/refresh-tokens.js';
import { DEFAULT_REFRESH_TOKEN, type Client, type RefreshTokenSettings } from '../clients/client.js';
import type { UserGrant } from '../oidc/user-tokens.js';
import { randomAlphanumeric } from '../ids.js';
import { hashSecret, newSecret } from '../secrets.js';
import { isoAt, systemClock, type Clock } from '../clock.js';
import { isPublicClient } from './certificate-binding.js';

// --- rules ---------------------------------------------------------------------------------------

export const refreshSettings = (client: Client): RefreshTokenSettings => ({ ...DEFAULT_REFRESH_TOKEN, ...(client.refresh_token ?? {}) });

/** Auth0 issues a refresh token only for `offline_access`, and only to applications allowed the grant. */
export const earnsRefreshToken = (client: Client, scope: readonly string[]): boolean => scope.includes('offline_access') && client.grant_types.includes('refresh_token');

export interface Expiry {
  expiresAt: string | null;
  idleExpiresAt: string | null;
}

/**
 * Deadlines of a token issued at `now` (ms). A token rotated out of a family keeps the family's
 * absolute deadline (`familyExpiresAt`); only the idle deadline starts again.
 */
export function expiryFor(settings: RefreshTokenSettings, now: number, familyExpiresAt?: string | null): Expiry {
  const expiring = settings.expiration_type === 'expiring';
  const absolute = familyExpiresAt !== undefined ? familyExpiresAt : expiring && !settings.infinite_token_lifetime ? new Date(now + settings.token_lifetime * 1000).toISOString() : null;
  const idle = expiring && !settings.infinite_idle_token_lifetime ? new Date(now + settings.idle_token_lifetime * 1000).toISOString() : null;
  return { expiresAt: absolute, idleExpiresAt: idle };
}

export const isExpired = (token: Pick<RefreshTokenRecord, 'expiresAt' | 'idleExpiresAt'>, now: number): boolean =>
  (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) || (token.idleExpiresAt !== null && Date.parse(token.idleExpiresAt) <= now);

/** A rotated token still works during the overlap period (`leeway` seconds) after its rotation; with 0, never. */
export const withinOverlap = (rotatedAt: string, leewaySeconds: number, now: number): boolean => leewaySeconds > 0 && now - Date.parse(rotatedAt) < leewaySeconds * 1000;

/**
 * The scopes a refresh request asks for: the granted ones when `scope` is absent or blank, else
 * the requested ones, which must all have been granted (a refresh can narrow, never widen).
 * Undefined when the request asks for more than was granted.
 */
export function narrowedScope(granted: readonly string[], requested: string | undefined): string[] | undefined {
  const asked = (requested ?? '').split(' ').filter(Boolean);
  if (asked.length === 0) return [...granted];
  const allowed = new Set(granted);
  if (!asked.every((s) => allowed.has(s))) return undefined;
  return [...new Set(asked)];
}

// --- service -------------------------------------------------------------------------------------

/** What a refresh token stands for, read back when it is used. */
export type StoredRefreshToken = RefreshTokenRecord;

export type Renewal = { status: 'ok'; refreshToken?: string } | { status: 'reused' };

const newTokenId = (): string => `rt_${randomAlphanumeric(24)}`;
const newFamilyId = (): string => `rtf_${randomAlphanumeric(24)}`;

export class RefreshTokenService {
  constructor(
    private readonly storage: Storage,
    /** Decides the absolute and idle deadlines, the overlap period and revocation times. */
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * A new token family for a user grant, or undefined when the grant does not earn one. `codeHash`
   * ties the family to the authorization code it came from, so a replayed code revokes it.
   */
  async issue(tenantId: string, client: Client, grant: UserGrant, options: { codeHash?: string; certificateThumbprint?: string } = {}): Promise<string | undefined> {
    if (!earnsRefreshToken(client, grant.scope)) return undefined;
    const now = this.clock.now();
    const document: RefreshTokenGrant = {
      scope: [...grant.scope],
      // auth_time of the login the family started from; the password grants log in right now.
      authTime: grant.authTime ?? Math.floor(now / 1000),
      ...(grant.audience ? { audience: grant.audience } : {}),
      ...(grant.sid ? { sessionId: grant.sid } : {}),
      ...(grant.acr !== undefined ? { acr: grant.acr } : {}),
      ...(grant.authorizationDetails ? { authorizationDetails: grant.authorizationDetails } : {}),
      // RFC 8705 §4: a public client has no credentials a stolen refresh token would also need, so
      // its token is bound to the certificate of the request that earned it (carried across rotation).
      ...(options.certificateThumbprint && isPublicClient(client) ? { certificateThumbprint: options.certificateThumbprint } : {}),
    };
    const token = newSecret();
    const record: RefreshTokenRecord = {
      tenantId,
      id: newTokenId(),
      tokenHash: hashSecret(token),
      familyId: newFamilyId(),
      clientId: client.client_id,
      userId: grant.userId,
      codeHash: options.codeHash ?? null,
      document,
      createdAt: new Date(now).toISOString(),
      ...expiryFor(refreshSettings(client), now),
      lastUsedAt: null,
      rotatedAt: null,
      revokedAt: null,
    };
    await this.storage.transaction((repos) => repos.refreshTokens.insert(record));
    return token;
  }

  /**
   * The live token `token` of `client`, or undefined when it is unknown, another application's,
   * revoked or expired. A rotated token presented after the overlap period revokes its family.
   */
  async find(tenantId: string, client: Client, token: string): Promise<StoredRefreshToken | undefined> {
    const record = await this.storage.repos.refreshTokens.findByHash(tenantId, hashSecret(token));
    const now = this.clock.now();
    // Another application's token is refused and left alone: presenting it proves nothing.
    if (!record || record.clientId !== client.client_id || record.revokedAt || isExpired(record, now)) return undefined;
    if (record.rotatedAt && !withinOverlap(record.rotatedAt, refreshSettings(client).leeway, now)) {
      await this.storage.transaction((repos) => repos.refreshTokens.revokeFamily(tenantId, record.familyId, new Date(now).toISOString()));
      return undefined;
    }
    return record;
  }

  /**
   * Records a use of a live token. Rotating (or an already rotated token within its overlap
   * period): marks it rotated and returns a new token of the same family. Non-rotating: the same
   * token keeps working and its idle deadline slides. `reused` when a concurrent use rotated the
   * token first and the overlap period does not cover this one; the family is then revoked.
   */
  async renew(tenantId: string, client: Client, record: StoredRefreshToken): Promise<Renewal> {
    const settings = refreshSettings(client);
    const now = this.clock.now();
    const at = new Date(now).toISOString();
    if (settings.rotation_type !== 'rotating' && !record.rotatedAt) {
      const { idleExpiresAt } = expiryFor(settings, now);
      await this.storage.transaction((repos) => repos.refreshTokens.markUsed(tenantId, record.id, at, idleExpiresAt));
      return { status: 'ok' };
    }
    return this.storage.transaction(async (repos): Promise<Renewal> => {
      if (!record.rotatedAt && !(await repos.refreshTokens.markRotated(tenantId, record.id, at))) {
        // Another request rotated it between our read and this write: the same rule as a replay.
        const current = await repos.refreshTokens.findByHash(tenantId, record.tokenHash);
        // The clock is read again: the winner may have rotated it after this request's `now`.
        if (!current || current.revokedAt || !current.rotatedAt || !withinOverlap(current.rotatedAt, settings.leeway, this.clock.now())) {
          await repos.refreshTokens.revokeFamily(tenantId, record.familyId, at);
          return { status: 'reused' };
        }
      }
      const token = newSecret();
      await repos.refreshTokens.insert({
        ...record,
        id: newTokenId(),
        tokenHash: hashSecret(token),
        createdAt: at,
        ...expiryFor(settings, now, record.expiresAt),
        lastUsedAt: null,
        rotatedAt: null,
        revokedAt: null,
      });
      return { status: 'ok', refreshToken: token };
    });
  }

  /**
   * `/oauth/revoke`: revokes the family of `client`'s token `token`, and with `deleteGrant` (tenant
   * flag `revoke_refresh_token_grant`) the user's grant to the application and the other refresh
   * tokens issued under it. Returns the token when this call revoked it; undefined for unknown,
   * already revoked, or another application's tokens (which stay untouched).
   */
  async revoke(tenantId: string, client: Client, token: string, options: { deleteGrant: boolean }): Promise<StoredRefreshToken | undefined> {
    const record = await this.storage.repos.refreshTokens.findByHash(tenantId, hashSecret(token));
    if (!record || record.clientId !== client.client_id || record.revokedAt) return undefined;
    const at = isoAt(this.clock);
    await this.storage.transaction(async (repos) => {
      await repos.refreshTokens.revokeFamily(tenantId, record.familyId, at);
      if (!options.deleteGrant) return;
      const grant = await repos.userGrants.find(tenantId, record.userId, client.client_id, record.document.audience ?? '');
      if (grant) await repos.userGrants.delete(tenantId, grant.id);
      // The repository filters by user and application only, so this also ends the application's
      // tokens for the user's other audiences: stricter than Auth0, never looser.
      await repos.refreshTokens.revokeWhere(tenantId, { userId: record.userId, clientId: client.client_id }, at);
    });
    return record;
  }
}
