/** Typed access to one-time, expiring artefacts, keyed by a random secret that only the holder has. */
import type { Storage } from '../../storage/storage.js';
import { hashSecret, newSecret } from '../secrets.js';
import { isoAt, systemClock, type Clock } from '../clock.js';

export type TtlKind =
  | 'interaction'
  | 'authorization_code'
  | 'userinfo_token'
  | 'password_reset'
  | 'logout_confirmation'
  | 'login_ticket'
  | 'unblock_ticket'
  | 'email_verification'
  /** A pushed authorization request (RFC 9126), bound to its application: `request_uri` is its URN. */
  | 'pushed_authorization_request'
  /** A device authorization (RFC 8628) under its `device_code`: the polling state and its user code. */
  | 'device_code'
  /** A device authorization under its normalized user code: the request and the user's answer. */
  | 'device_user_code'
  /** A CIBA request (OpenID CIBA) under its `auth_req_id`: the polling state and its authorization's id. */
  | 'ciba_request'
  /** A CIBA authorization under its random id: the request, the approval link's hash and the user's answer. */
  | 'ciba_authorization'
  /** The first administrator's setup link (admin tenant; one live at a time). */
  | 'dashboard_setup'
  /** A dashboard sign-in in progress: state, nonce and PKCE verifier (admin tenant). */
  | 'dashboard_login';

/**
 * How long an entry is kept after it expires before the sweeper deletes it. An expired entry still
 * answers two questions: where an expired email-verification link was going ("Access expired."
 * redirects to the ticket's result_url, see `getExpired`), and whether an authorization code was
 * already redeemed (a replay after the code's 10 minutes must still be `replayed`, so the tokens it
 * issued are revoked). Past this, such a secret is simply unknown (`invalid`).
 */
export const EXPIRED_TTL_RETENTION_MS = 7 * 24 * 3600 * 1000;

export type Redemption<T> = { status: 'ok'; document: T } | { status: 'replayed'; document: T } | { status: 'invalid' };

export class TtlStore {
  constructor(
    private readonly storage: Storage,
    /** Decides expiry: when an entry is stored, whether it is still live, when it was consumed. */
    private readonly clock: Clock = systemClock,
  ) {}

  /** Stores `document` for `ttlSeconds`; returns the secret that finds it again. */
  async put(tenantId: string, kind: TtlKind, document: unknown, ttlSeconds: number): Promise<string> {
    const secret = newSecret();
    const now = this.clock.now();
    await this.storage.repos.ttlEntries.put(tenantId, kind, hashSecret(secret), document, new Date(now).toISOString(), new Date(now + ttlSeconds * 1000).toISOString());
    return secret;
  }

  /**
   * Stores `document` under a key the caller chose (a device flow's user code, which people type):
   * false when a live entry holds the key, so the caller picks another. An expired entry under the
   * key is replaced (atomically: see `putOrReplaceExpired`): a short code space must not fill up
   * with codes that are kept only for the sweeper, and nothing reads an expired user code.
   */
  async putUnder(tenantId: string, kind: TtlKind, key: string, document: unknown, ttlSeconds: number): Promise<boolean> {
    const now = this.clock.now();
    return this.storage.repos.ttlEntries.putOrReplaceExpired(tenantId, kind, hashSecret(key), document, new Date(now).toISOString(), new Date(now + ttlSeconds * 1000).toISOString());
  }

  /** The live, unconsumed document, without consuming it. */
  async get<T>(tenantId: string, kind: TtlKind, secret: string): Promise<T | undefined> {
    const entry = await this.storage.repos.ttlEntries.find<T>(tenantId, kind, hashSecret(secret));
    if (!entry || entry.consumedAt || Date.parse(entry.expiresAt) <= this.clock.now()) return undefined;
    return entry.document;
  }

  /** The document of an entry that expired unused (swept entries are gone): to say where an expired link was going. */
  async getExpired<T>(tenantId: string, kind: TtlKind, secret: string): Promise<T | undefined> {
    const entry = await this.storage.repos.ttlEntries.find<T>(tenantId, kind, hashSecret(secret));
    if (!entry || entry.consumedAt || Date.parse(entry.expiresAt) > this.clock.now()) return undefined;
    return entry.document;
  }

  /** Replaces the document; with `expected`, only if it is still that one (false when it changed meanwhile). */
  async update(tenantId: string, kind: TtlKind, secret: string, document: unknown, expected?: unknown): Promise<boolean> {
    return this.storage.repos.ttlEntries.replaceDocument(tenantId, kind, hashSecret(secret), document, expected);
  }

  /**
   * Redeems the secret once. A second redemption is reported as `replayed` (with the document, so
   * the caller can revoke what the first one issued); unknown or expired secrets are `invalid`.
   */
  async consume<T>(tenantId: string, kind: TtlKind, secret: string): Promise<Redemption<T>> {
    const keyHash = hashSecret(secret);
    const entry = await this.storage.repos.ttlEntries.find<T>(tenantId, kind, keyHash);
    if (!entry) return { status: 'invalid' };
    if (entry.consumedAt) return { status: 'replayed', document: entry.document };
    if (!(await this.storage.repos.ttlEntries.consume(tenantId, kind, keyHash, isoAt(this.clock)))) {
      // Lost a race with another redemption, or expired in between.
      return Date.parse(entry.expiresAt) <= this.clock.now() ? { status: 'invalid' } : { status: 'replayed', document: entry.document };
    }
    return { status: 'ok', document: entry.document };
  }

  async delete(tenantId: string, kind: TtlKind, secret: string): Promise<void> {
    await this.storage.repos.ttlEntries.delete(tenantId, kind, hashSecret(secret));
  }

  /** Deletes every entry of the kind (for kinds with one live secret at a time). */
  async deleteAll(tenantId: string, kind: TtlKind): Promise<void> {
    await this.storage.repos.ttlEntries.deleteKind(tenantId, kind);
  }
}
