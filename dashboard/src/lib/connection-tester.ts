/**
 * The browser's half of "Try connection" (src/domain/control-plane/connection-tester.ts):
 *
 * - `newAttempt()` makes the PKCE verifier (RFC 7636, 32 random bytes), its S256 challenge, the
 *   `state` and the `nonce`. Only the challenge, state and nonce go to the control API; the verifier
 *   stays in this browser until the code is redeemed, so no server ever holds what redeems the code.
 * - The attempt is kept in localStorage under its state (the login runs in a popup or another tab,
 *   which shares localStorage, not sessionStorage, with the page that started it), for 10 minutes
 *   (the authorization code's lifetime), and taken out — read once and deleted — by the callback.
 *   A callback whose state this browser did not store is refused: nobody can make the dashboard
 *   redeem a code it did not ask for.
 * - `checkIdToken()` reads the ID token's claims and checks iss, aud, nonce and exp. Its signature is
 *   not verified here: the token comes straight from the tenant's token endpoint over the channel
 *   the browser opened (OpenID Connect Core 3.1.3.7 allows TLS server validation instead), and the
 *   page only shows it.
 *
 * Uses the WebCrypto global (browsers; Node 20 for the unit test).
 */
export const ATTEMPT_TTL_MS = 10 * 60_000;
const KEY_PREFIX = 'tessera.tester.';

export interface TesterTarget {
  client_id: string;
  redirect_uri: string;
  issuer: string;
  token_endpoint: string;
}

export interface StoredAttempt extends TesterTarget {
  verifier: string;
  nonce: string;
  tenant: string;
  connection: string;
  createdAt: number;
}

export interface NewAttempt {
  verifier: string;
  challenge: string;
  state: string;
  nonce: string;
}

/** The part of the Web Storage API used here (localStorage in the browser; a map in the unit test). */
export interface KeyValueStore {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomToken = (bytes = 32) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

export async function s256(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export async function newAttempt(): Promise<NewAttempt> {
  const verifier = randomToken();
  return { verifier, challenge: await s256(verifier), state: randomToken(), nonce: randomToken() };
}

export function storeAttempt(store: KeyValueStore, state: string, attempt: StoredAttempt): void {
  pruneAttempts(store, attempt.createdAt);
  store.setItem(`${KEY_PREFIX}${state}`, JSON.stringify(attempt));
}

/** The attempt stored under `state`, removed so that it serves once; undefined when absent or stale. */
export function takeAttempt(store: KeyValueStore, state: string, now: number): StoredAttempt | undefined {
  const key = `${KEY_PREFIX}${state}`;
  const raw = store.getItem(key);
  store.removeItem(key);
  if (!raw) return undefined;
  try {
    const attempt = JSON.parse(raw) as StoredAttempt;
    return now - attempt.createdAt <= ATTEMPT_TTL_MS ? attempt : undefined;
  } catch {
    return undefined;
  }
}

/** Drops attempts older than their ttl (a popup closed before the callback leaves one behind). */
export function pruneAttempts(store: KeyValueStore, now: number): void {
  const stale: string[] = [];
  for (let i = 0; i < store.length; i += 1) {
    const key = store.key(i);
    if (!key?.startsWith(KEY_PREFIX)) continue;
    try {
      const attempt = JSON.parse(store.getItem(key) ?? '') as Partial<StoredAttempt>;
      if (typeof attempt.createdAt !== 'number' || now - attempt.createdAt > ATTEMPT_TTL_MS) stale.push(key);
    } catch {
      stale.push(key);
    }
  }
  for (const key of stale) store.removeItem(key);
}

export type IdTokenCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; problem: string };

/** The ID token's claims, if it is a JWT issued by the tenant for the tester with this attempt's nonce. */
export function checkIdToken(idToken: unknown, attempt: Pick<StoredAttempt, 'issuer' | 'client_id' | 'nonce'>, nowSeconds: number): IdTokenCheck {
  if (typeof idToken !== 'string') return { ok: false, problem: 'The token endpoint returned no ID token.' };
  const payload = idToken.split('.')[1];
  let claims: Record<string, unknown>;
  try {
    const json = atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/'));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    return { ok: false, problem: 'The ID token is not a JWT.' };
  }
  if (claims.iss !== attempt.issuer) return { ok: false, problem: `The ID token's issuer is ${String(claims.iss)}, not ${attempt.issuer}.` };
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(attempt.client_id)) return { ok: false, problem: 'The ID token is for another application.' };
  if (claims.nonce !== attempt.nonce) return { ok: false, problem: "The ID token's nonce is not this login's." };
  if (typeof claims.exp !== 'number' || claims.exp < nowSeconds) return { ok: false, problem: 'The ID token has expired.' };
  return { ok: true, claims };
}
