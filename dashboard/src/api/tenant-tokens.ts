/**
 * The per-tenant Management API tokens, in memory only (never storage: docs/plans/dashboard.md §1.1).
 * One token per tenant, minted by `POST /api/control/v1/tenants/{name}/token`, reused until 80% of its
 * life (lib/token-timing.ts), and minted once for concurrent callers. A 401 from `/api/v2` drops it
 * (`invalidate`), and the management client retries once with a fresh one.
 * No DOM here: unit-tested in test/unit/dashboard-tenant-tokens.test.ts.
 */
import { needsRefresh } from '../lib/token-timing.js';

export interface MintedToken {
  access_token: string;
  expires_in: number;
  scope: string;
  management_api: string;
}

interface Entry {
  token: MintedToken;
  mintedAt: number;
}

export class TenantTokens {
  private readonly tokens = new Map<string, Entry>();
  private readonly minting = new Map<string, Promise<MintedToken>>();
  /** Bumped by `invalidate`/`clear`, so a mint that started before does not store a stale token. */
  private generation = 0;

  constructor(
    private readonly mint: (tenant: string) => Promise<MintedToken>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** A token for `tenant` that is not yet due for refresh. */
  async get(tenant: string): Promise<MintedToken> {
    const entry = this.tokens.get(tenant);
    if (entry && !needsRefresh(this.now(), entry.mintedAt, entry.token.expires_in)) return entry.token;
    const pending = this.minting.get(tenant);
    if (pending) return pending;
    const generation = this.generation;
    const started = this.now();
    const minted = this.mint(tenant).then(
      (token) => {
        if (generation === this.generation) this.tokens.set(tenant, { token, mintedAt: started });
        return token;
      },
      (error: unknown) => {
        this.tokens.delete(tenant);
        throw error;
      },
    );
    const tracked = minted.finally(() => {
      if (this.minting.get(tenant) === tracked) this.minting.delete(tenant);
    });
    this.minting.set(tenant, tracked);
    return tracked;
  }

  /** Forgets `tenant`'s token (after a 401): the next `get` mints a new one. */
  invalidate(tenant: string): void {
    this.generation += 1;
    this.tokens.delete(tenant);
    this.minting.delete(tenant);
  }

  /** Forgets every token (sign-out). */
  clear(): void {
    this.generation += 1;
    this.tokens.clear();
    this.minting.clear();
  }
}
