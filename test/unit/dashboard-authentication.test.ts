/**
 * The pure parts of the dashboard's Authentication › Database screens: the password-policy form
 * and the settings it writes into a connection's `options` (which a PATCH replaces whole, so every
 * other option must survive), the connection-name rule, and the browser half of Try connection
 * (PKCE S256, the stored attempt taken once, the ID token's checks).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PASSWORD_POLICY_LEVELS,
  databaseSettingsForm,
  databaseSettingsProblem,
  passwordPolicyForm,
  passwordPolicyProblem,
  withDatabaseSettings,
  withPasswordPolicy,
} from '../../dashboard/src/lib/password-policy.js';
import { connectionNameProblem } from '../../dashboard/src/lib/connection-name.js';
import { ATTEMPT_TTL_MS, checkIdToken, newAttempt, pruneAttempts, storeAttempt, takeAttempt, type StoredAttempt } from '../../dashboard/src/lib/connection-tester.js';
import { PASSWORD_POLICIES, meetsStrength } from '../../src/domain/users/password-policy.js';

describe('password policy form', () => {
  it("offers the server's five levels, with minimum lengths the server applies", () => {
    expect(PASSWORD_POLICY_LEVELS.map((l) => l.value)).toEqual([...PASSWORD_POLICIES]);
    for (const level of PASSWORD_POLICY_LEVELS) {
      const short = 'aA1!'.repeat(5).slice(0, level.minLength - 1);
      if (level.minLength > 1) expect(meetsStrength(short, { policy: level.value, minLength: level.minLength }), level.value).toBe(false);
    }
  });

  it('reads defaults from bare options and round-trips every field, keeping the other options', () => {
    expect(passwordPolicyForm({})).toEqual({ level: 'none', minLength: '', history: false, historySize: 5, dictionary: false, dictionaryEntries: '', noPersonalInfo: false });
    const stored = { passwordPolicy: 'good', brute_force_protection: true, requires_username: true, custom_thing: 'kept' };
    const form = { ...passwordPolicyForm(stored), level: 'excellent' as const, minLength: 12 as const, history: true, historySize: 3, dictionary: true, dictionaryEntries: 'acme2026\n  Acme2026 \n\nwidgets', noPersonalInfo: true };
    const written = withPasswordPolicy(stored, form);
    expect(written).toEqual({
      passwordPolicy: 'excellent',
      brute_force_protection: true,
      requires_username: true,
      custom_thing: 'kept',
      password_complexity_options: { min_length: 12 },
      password_history: { enable: true, size: 3 },
      password_dictionary: { enable: true, dictionary: ['acme2026', 'Acme2026', 'widgets'] },
      password_no_personal_info: { enable: true },
    });
    expect(passwordPolicyForm(written)).toMatchObject({ level: 'excellent', minLength: 12, history: true, historySize: 3, dictionary: true, noPersonalInfo: true });
    // An empty minimum goes back to the level's own.
    expect(withPasswordPolicy(written, { ...form, minLength: '' })).not.toHaveProperty('password_complexity_options');
  });

  it('names the field of a value the API would refuse', () => {
    const ok = passwordPolicyForm({});
    expect(passwordPolicyProblem(ok)).toBeUndefined();
    expect(passwordPolicyProblem({ ...ok, minLength: 73 })?.field).toBe('minLength');
    expect(passwordPolicyProblem({ ...ok, minLength: 0 })?.field).toBe('minLength');
    expect(passwordPolicyProblem({ ...ok, history: true, historySize: 25 })?.field).toBe('historySize');
    expect(passwordPolicyProblem({ ...ok, history: false, historySize: 25 })).toBeUndefined();
    expect(passwordPolicyProblem({ ...ok, dictionary: true, dictionaryEntries: 'x'.repeat(51) })?.field).toBe('dictionaryEntries');
    expect(passwordPolicyProblem({ ...ok, dictionary: true, dictionaryEntries: Array.from({ length: 201 }, (_, i) => `p${i}`).join('\n') })?.field).toBe('dictionaryEntries');
  });
});

describe('database settings form', () => {
  it('reads Tessera defaults and writes the options it acts on over the others', () => {
    expect(databaseSettingsForm({ passwordPolicy: 'good', brute_force_protection: true, disable_self_service_change_password: false })).toEqual({
      requiresUsername: false,
      usernameMin: 1,
      usernameMax: 15,
      disableSignup: false,
      disableSelfServiceChangePassword: false,
      bruteForceProtection: true,
    });
    const written = withDatabaseSettings(
      { passwordPolicy: 'good', password_history: { enable: true, size: 2 } },
      { requiresUsername: true, usernameMin: 3, usernameMax: 20, disableSignup: true, disableSelfServiceChangePassword: true, bruteForceProtection: false },
    );
    expect(written).toEqual({
      passwordPolicy: 'good',
      password_history: { enable: true, size: 2 },
      requires_username: true,
      validation: { username: { min: 3, max: 20 } },
      disable_signup: true,
      disable_self_service_change_password: true,
      brute_force_protection: false,
    });
    expect(databaseSettingsForm(written)).toEqual({ requiresUsername: true, usernameMin: 3, usernameMax: 20, disableSignup: true, disableSelfServiceChangePassword: true, bruteForceProtection: false });
  });

  it('refuses username lengths the API would', () => {
    const form = databaseSettingsForm({});
    expect(databaseSettingsProblem({ ...form, requiresUsername: true, usernameMin: 10, usernameMax: 5 })?.field).toBe('usernameMax');
    expect(databaseSettingsProblem({ ...form, requiresUsername: true, usernameMin: 0 })?.field).toBe('usernameMin');
    expect(databaseSettingsProblem({ ...form, requiresUsername: true, usernameMax: 129 })?.field).toBe('usernameMax');
    expect(databaseSettingsProblem({ ...form, requiresUsername: false, usernameMin: 0 })).toBeUndefined();
  });
});

describe('connection names', () => {
  it("follows Auth0's rule", () => {
    for (const good of ['customers', 'a', 'Staff-2', 'x'.repeat(128)]) expect(connectionNameProblem(good), good).toBeUndefined();
    for (const bad of ['', '-a', 'a-', 'with space', 'under_score', 'x'.repeat(129)]) expect(connectionNameProblem(bad), bad).toBeDefined();
  });
});

class MemoryStore {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const attempt = (createdAt: number): StoredAttempt => ({
  client_id: 'tessera-connection-tester',
  redirect_uri: 'https://manage.localhost/tester/callback',
  issuer: 'https://acme.localhost/',
  token_endpoint: 'https://acme.localhost/oauth/token',
  verifier: 'v',
  nonce: 'n0nce',
  tenant: 'acme',
  connection: 'customers',
  createdAt,
});

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('Try connection in the browser', () => {
  it('makes a 256-bit verifier and its S256 challenge, state and nonce in the shapes the control API takes', async () => {
    const made = await newAttempt();
    expect(made.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.challenge).toBe(createHash('sha256').update(made.verifier).digest('base64url'));
    expect(made.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([made.verifier, made.state, made.nonce]).size).toBe(3);
  });

  it('hands a stored attempt out once, and never a stale one', () => {
    const store = new MemoryStore();
    const now = 1_000_000_000;
    storeAttempt(store, 'state-1', attempt(now));
    expect(takeAttempt(store, 'other', now)).toBeUndefined();
    expect(takeAttempt(store, 'state-1', now + 1000)).toMatchObject({ verifier: 'v', connection: 'customers' });
    expect(takeAttempt(store, 'state-1', now + 1000)).toBeUndefined();
    storeAttempt(store, 'state-2', attempt(now));
    expect(takeAttempt(store, 'state-2', now + ATTEMPT_TTL_MS + 1)).toBeUndefined();
    // Abandoned attempts are pruned when a new one is stored.
    storeAttempt(store, 'state-3', attempt(now));
    store.setItem('unrelated', 'kept');
    pruneAttempts(store, now + ATTEMPT_TTL_MS + 1);
    expect(store.length).toBe(1);
  });

  it("shows an ID token's claims only when issuer, audience, nonce and expiry are this try's", () => {
    const good = { iss: 'https://acme.localhost/', aud: 'tessera-connection-tester', nonce: 'n0nce', exp: 2000, email: 'ada@example.com' };
    expect(checkIdToken(jwt(good), attempt(0), 1000)).toEqual({ ok: true, claims: good });
    expect(checkIdToken(jwt({ ...good, aud: ['x', 'tessera-connection-tester'] }), attempt(0), 1000).ok).toBe(true);
    expect(checkIdToken(jwt({ ...good, iss: 'https://globex.localhost/' }), attempt(0), 1000).ok).toBe(false);
    expect(checkIdToken(jwt({ ...good, aud: 'other' }), attempt(0), 1000).ok).toBe(false);
    expect(checkIdToken(jwt({ ...good, nonce: 'replayed' }), attempt(0), 1000).ok).toBe(false);
    expect(checkIdToken(jwt(good), attempt(0), 2001).ok).toBe(false);
    expect(checkIdToken('not-a-jwt', attempt(0), 1000).ok).toBe(false);
    expect(checkIdToken(undefined, attempt(0), 1000).ok).toBe(false);
  });
});
