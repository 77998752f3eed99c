import { describe, expect, it } from 'vitest';
import { earnsRefreshToken, expiryFor, isExpired, narrowedScope, refreshSettings, withinOverlap } from '../../src/domain/tokens/refresh-token-service.js';
import { DEFAULT_REFRESH_TOKEN, type Client, type RefreshTokenSettings } from '../../src/domain/clients/client.js';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString();
const settings = (overrides: Partial<RefreshTokenSettings>): RefreshTokenSettings => ({ ...DEFAULT_REFRESH_TOKEN, ...overrides });

describe('refresh token expiry (docs: Configure Refresh Token Expiration)', () => {
  it('never expires when non-expiring, whatever the lifetimes say', () => {
    expect(expiryFor(settings({ expiration_type: 'non-expiring', infinite_token_lifetime: false, infinite_idle_token_lifetime: false }), NOW)).toEqual({ expiresAt: null, idleExpiresAt: null });
  });

  it('sets absolute and idle deadlines when expiring, unless each is infinite', () => {
    const expiring = settings({ expiration_type: 'expiring', token_lifetime: 100, idle_token_lifetime: 10, infinite_token_lifetime: false, infinite_idle_token_lifetime: false });
    expect(expiryFor(expiring, NOW)).toEqual({ expiresAt: at(100), idleExpiresAt: at(10) });
    expect(expiryFor({ ...expiring, infinite_token_lifetime: true }, NOW)).toEqual({ expiresAt: null, idleExpiresAt: at(10) });
    expect(expiryFor({ ...expiring, infinite_idle_token_lifetime: true }, NOW)).toEqual({ expiresAt: at(100), idleExpiresAt: null });
  });

  it('gives a rotated token its family absolute deadline and a fresh idle one', () => {
    const expiring = settings({ expiration_type: 'expiring', token_lifetime: 100, idle_token_lifetime: 10, infinite_token_lifetime: false, infinite_idle_token_lifetime: false });
    expect(expiryFor(expiring, NOW + 50_000, at(100))).toEqual({ expiresAt: at(100), idleExpiresAt: at(60) });
    expect(expiryFor(expiring, NOW, null)).toEqual({ expiresAt: null, idleExpiresAt: at(10) });
  });

  it('is expired at either deadline', () => {
    expect(isExpired({ expiresAt: null, idleExpiresAt: null }, NOW)).toBe(false);
    expect(isExpired({ expiresAt: at(1), idleExpiresAt: null }, NOW)).toBe(false);
    expect(isExpired({ expiresAt: at(0), idleExpiresAt: null }, NOW)).toBe(true);
    expect(isExpired({ expiresAt: at(100), idleExpiresAt: at(-1) }, NOW)).toBe(true);
  });
});

describe('rotation overlap (leeway)', () => {
  it('accepts a rotated token only strictly within the overlap period; never with leeway 0', () => {
    expect(withinOverlap(at(0), 0, NOW)).toBe(false);
    // A concurrent request whose clock was read before the rotation must not slip through either.
    expect(withinOverlap(at(1), 0, NOW)).toBe(false);
    expect(withinOverlap(at(-29), 30, NOW)).toBe(true);
    expect(withinOverlap(at(-30), 30, NOW)).toBe(false);
  });
});

describe('scope on refresh', () => {
  const granted = ['openid', 'offline_access', 'read:a', 'write:a'];

  it('keeps every granted scope when none or a blank one is asked for', () => {
    expect(narrowedScope(granted, undefined)).toEqual(granted);
    expect(narrowedScope(granted, '  ')).toEqual(granted);
  });

  it('narrows to the requested subset, without duplicates', () => {
    expect(narrowedScope(granted, 'read:a  read:a openid')).toEqual(['read:a', 'openid']);
  });

  it('refuses to widen', () => {
    expect(narrowedScope(granted, 'read:a delete:a')).toBeUndefined();
    expect(narrowedScope([], 'openid')).toBeUndefined();
  });
});

describe('who earns a refresh token', () => {
  const client = (grantTypes: string[], refresh?: Partial<RefreshTokenSettings>) => ({ grant_types: grantTypes, ...(refresh ? { refresh_token: refresh } : {}) }) as unknown as Client;

  it('needs offline_access and the refresh_token grant type', () => {
    expect(earnsRefreshToken(client(['refresh_token']), ['openid', 'offline_access'])).toBe(true);
    expect(earnsRefreshToken(client(['refresh_token']), ['openid'])).toBe(false);
    expect(earnsRefreshToken(client(['authorization_code']), ['offline_access'])).toBe(false);
  });

  it('reads the application settings over the defaults', () => {
    expect(refreshSettings(client([]))).toEqual(DEFAULT_REFRESH_TOKEN);
    expect(refreshSettings(client([], { rotation_type: 'rotating', leeway: 5 }))).toMatchObject({ rotation_type: 'rotating', leeway: 5, expiration_type: 'non-expiring' });
  });
});
