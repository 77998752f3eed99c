/**
 * Tenant signing keys and their lifecycle: next → current → previous → revoked.
 * The JWKS always holds current and next (and previous until revoked), so relying parties
 * have the next key before it signs anything and keep the previous one until it is revoked.
 * Also the tenant's customer-provided public keys (custom-signing-keys.ts), which are part of the
 * JWKS this service's key ring publishes, so that their writes drop the same cache.
 */
import type { Storage, Repositories } from '../../storage/storage.js';
import type { SigningKeyAlg, SigningKeyRecord } from '../../storage/repositories/signing-keys.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { createSigningKey } from './key-material.js';
import { KeyRing } from './key-ring.js';
import { checkCustomSigningKeys, refuseTenantKids, type CustomSigningJwk } from './custom-signing-keys.js';
import { invalid, notFound } from '../errors.js';
import { nowIso } from '../clock.js';

/** The invalidation kind of the key-ring cache; only this service publishes it. */
const SIGNING_KEYS_KIND = 'signing-keys';

export class SigningKeyService {
  private readonly rings: EntityCache<KeyRing>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
  ) {
    this.rings = new EntityCache<KeyRing>(SIGNING_KEYS_KIND, bus, { max: 5_000 });
  }

  /** A current and a next key of the given family, inside the caller's transaction. */
  async createKeyFamily(repos: Repositories, tenantId: string, tenantDomain: string, alg: SigningKeyAlg): Promise<void> {
    for (const state of ['current', 'next'] as const) {
      await repos.signingKeys.insert(await createSigningKey({ tenantId, tenantDomain, alg, state }));
    }
  }

  /** ES256 keys exist only for tenants that have an API signing with ES256 (a Tessera extension). */
  async ensureKeyFamily(repos: Repositories, tenantId: string, tenantDomain: string, alg: SigningKeyAlg): Promise<boolean> {
    const keys = await repos.signingKeys.listByTenant(tenantId);
    if (keys.some((k) => k.alg === alg && k.state === 'current')) return false;
    await this.createKeyFamily(repos, tenantId, tenantDomain, alg);
    return true;
  }

  async keyRing(tenantId: string): Promise<KeyRing> {
    const ring = await this.rings.get(tenantId, 'ring', async () => {
      const [records, customJwks] = await Promise.all([this.storage.repos.signingKeys.listByTenant(tenantId), this.storage.repos.customSigningKeys.list(tenantId)]);
      return new KeyRing(records, customJwks);
    });
    return ring!;
  }

  async list(tenantId: string): Promise<SigningKeyRecord[]> {
    return this.storage.repos.signingKeys.listByTenant(tenantId);
  }

  /** current → previous, next → current, and a fresh next, for every key family. Returns the new current RS256 key. */
  async rotate(tenantId: string, tenantDomain: string): Promise<SigningKeyRecord> {
    const promoted = await this.storage.transaction(async (repos) => {
      const keys = await repos.signingKeys.listByTenant(tenantId);
      const now = nowIso();
      let promotedRsa: SigningKeyRecord | undefined;
      for (const alg of new Set(keys.map((k) => k.alg))) {
        const current = keys.find((k) => k.alg === alg && k.state === 'current');
        const next = keys.find((k) => k.alg === alg && k.state === 'next');
        if (current) await repos.signingKeys.update(tenantId, current.kid, { state: 'previous', currentUntil: now });
        if (next) {
          await repos.signingKeys.update(tenantId, next.kid, { state: 'current', currentSince: now });
          if (alg === 'RS256') promotedRsa = { ...next, state: 'current', currentSince: now };
        }
        await repos.signingKeys.insert(await createSigningKey({ tenantId, tenantDomain, alg, state: 'next' }));
      }
      if (!promotedRsa) throw notFound('Signing key not found.', 'inexistent_signing_key');
      return promotedRsa;
    });
    await this.invalidate(tenantId);
    return promoted;
  }

  /**
   * Only a previously used key can be revoked; it leaves the JWKS at once, on every instance, and
   * every token it signed stops verifying. A refusal says what revoking that key would break.
   */
  async revoke(tenantId: string, kid: string): Promise<SigningKeyRecord> {
    const revoked = await this.storage.transaction(async (repos) => {
      const key = (await repos.signingKeys.listByTenant(tenantId)).find((k) => k.kid === kid);
      if (!key) throw notFound('Signing key not found.', 'inexistent_signing_key');
      if (key.state !== 'previous') throw invalid(REVOKE_REFUSALS[key.state], 'invalid_signing_key_state');
      const revokedAt = nowIso();
      await repos.signingKeys.update(tenantId, kid, { state: 'revoked', revokedAt });
      return { ...key, state: 'revoked' as const, revokedAt };
    });
    await this.invalidate(tenantId);
    return revoked;
  }

  /** The tenant's customer-provided public keys, in the order given; empty when it has none. */
  async customKeys(tenantId: string): Promise<CustomSigningJwk[]> {
    return this.storage.repos.customSigningKeys.list(tenantId);
  }

  /**
   * Replaces all of the tenant's customer-provided keys (Auth0's PUT: "Existing custom keys will be
   * replaced by the new set"); they are published on its custom domains at once, on every instance.
   * Returns the set as stored.
   */
  async replaceCustomKeys(tenantId: string, keys: readonly CustomSigningJwk[]): Promise<CustomSigningJwk[]> {
    // The key checks are pure: run once, outside the transaction (which PostgreSQL may re-run).
    const checked = checkCustomSigningKeys(keys);
    await this.storage.transaction(async (repos) => {
      refuseTenantKids(checked, (await repos.signingKeys.listByTenant(tenantId)).map((k) => k.kid));
      // Docs, prerequisites: "The aggregated JWKS is served from a custom domain and is not available on the canonical domain."
      if (!(await repos.tenants.listDomains(tenantId)).some((domain) => domain.status === 'ready')) {
        throw invalid('Custom signing keys are published only on a custom domain of the tenant, and it has no verified one: add and verify a custom domain first.', 'custom_domain_required');
      }
      await repos.customSigningKeys.replace(tenantId, checked, nowIso());
    });
    await this.invalidate(tenantId);
    return checked;
  }

  /** Removes all of the tenant's customer-provided keys; they leave the JWKS at once, on every instance. */
  async deleteCustomKeys(tenantId: string): Promise<void> {
    const deleted = await this.storage.transaction((repos) => repos.customSigningKeys.delete(tenantId));
    if (deleted) await this.invalidate(tenantId);
  }

  /**
   * After a committed write to the tenant's keys: its cached key ring goes, on every instance.
   * Public for writes made in other services' transactions (an API's ES256 family).
   */
  invalidate(tenantId: string): Promise<void> {
    return this.bus.publish({ tenantId, kind: SIGNING_KEYS_KIND });
  }
}

/**
 * Why a key other than the previous one cannot be revoked, in the words of the docs' warnings:
 * what would stop working, and what to do instead.
 */
const REVOKE_REFUSALS: Record<'current' | 'next' | 'revoked', string> = {
  current:
    'The current signing key cannot be revoked: it signs every new token, and the tokens it signed would stop verifying. Rotate the key first, update your applications and APIs with the new key, then revoke the previously used one.',
  next: 'The next signing key cannot be revoked: it becomes the current key at the next rotation. Only the previously used signing key can be revoked.',
  revoked: 'Signing key is already revoked. A revoked key cannot be reused.',
};
