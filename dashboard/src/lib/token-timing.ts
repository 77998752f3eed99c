/**
 * When a per-tenant Management API token is refreshed: at 80% of its life, so a request never
 * starts with a token about to expire. Pure: unit-tested in test/unit/dashboard-token-timing.test.ts.
 */
export const REFRESH_AT_FRACTION = 0.8;

/** Refresh no sooner than this after minting, whatever `expires_in` says (a 0 or tiny life). */
export const MIN_REFRESH_DELAY_MS = 5_000;

/** The epoch millisecond at which a token minted at `mintedAt` with `expiresInSeconds` is refreshed. */
export function refreshAt(mintedAt: number, expiresInSeconds: number): number {
  const lifeMs = Math.max(0, expiresInSeconds) * 1000;
  return mintedAt + Math.max(MIN_REFRESH_DELAY_MS, Math.floor(lifeMs * REFRESH_AT_FRACTION));
}

/** Whether a token minted at `mintedAt` should be replaced before use at `now`. */
export function needsRefresh(now: number, mintedAt: number, expiresInSeconds: number): boolean {
  const expiresAt = mintedAt + Math.max(0, expiresInSeconds) * 1000;
  return now >= Math.min(refreshAt(mintedAt, expiresInSeconds), expiresAt);
}
