/**
 * The device authorization grant (RFC 8628): a device without a browser asks for a pair of codes
 * (`POST /oauth/device/code`), shows the user code, and polls the token endpoint with the device
 * code while the user enters the user code at `/activate` on another device, logs in and confirms.
 *
 * Two entries of the TTL store, living the same 900 s (Auth0's `expires_in`):
 * - `device_user_code`, under the user code as typed once normalized (upper case, separators
 *   removed): the request (application, scopes, audience, issuer) and the user's answer
 *   (`pending` → `approved` with who and what was granted, or `denied`). `/activate` reads and
 *   answers it; no more than one answer is ever written (compare-and-set from `pending`).
 * - `device_code`, under the device code's hash (a 256-bit secret, like every bearer secret): the
 *   polling state (the interval, the last poll) and the user code it stands for. The token endpoint
 *   consumes it once the user answered: tokens are issued once.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { TtlStore } from './ttl-store.js';
import type { TenantSettings } from '../tenants/tenant-settings.js';
import type { AuthorizationRequest } from './authorization-request.js';

/** Auth0's lifetime of a device code and its user code. */
export const DEVICE_CODE_TTL_SECONDS = 900;
/** The polling interval the device is told first; `slow_down` adds 5 s (RFC 8628 §3.5). */
export const DEVICE_POLL_INTERVAL_SECONDS = 5;
export const SLOW_DOWN_STEP_SECONDS = 5;

/** RFC 8628 §6.1: consonants only (no vowels, so no words), none easily confused. */
const CHARSETS = { base20: 'BCDFGHJKLMNPQRSTVWXZ', digits: '0123456789' } as const;

/** Longer input than any mask allows (20) with separators is never a user code: not even normalized. */
const MAX_TYPED_LENGTH = 64;

export type DeviceCharset = keyof typeof CHARSETS;

/**
 * The smallest user code space a mask may give: 10^9 codes (about 2^30). With `/activate`'s limits
 * (10 wrong codes a minute per address, 100 a minute per tenant) an attacker guessing for a code's
 * whole 900 s life reaches at most 1,500 codes, so even with 10^4 codes live at once the chance of
 * hitting one stays near 1.5%·10^4/10^9 ≈ 0.0015%. The rule, exactly: charset size ^ number of `*`
 * ≥ 10^9, so base20 needs at least 7 `*` (20^7 ≈ 1.28·10^9) and digits at least 9 (10^9).
 * Auth0's page documents no minimum; this floor is Tessera's.
 */
export const MIN_USER_CODE_SPACE = 1e9;

/** Why a charset and mask give too few user codes (the Management API's 400), or undefined. */
export function userCodeSpaceProblem(format: TenantSettings['device_flow']): string | undefined {
  const stars = [...format.mask].filter((c) => c === '*').length;
  const size = CHARSETS[format.charset].length;
  if (size ** stars >= MIN_USER_CODE_SPACE) return undefined;
  const needed = Math.ceil(Math.log(MIN_USER_CODE_SPACE) / Math.log(size) - 1e-9);
  return `device_flow.mask must contain at least ${needed} "*" for the ${format.charset} charset (at least 10^9 possible user codes); it has ${stars}.`;
}

/**
 * The strong mask of each charset, used in place of a stored mask under the 10^9 floor: base20 is
 * Auth0's default (20^8 ≈ 2.6·10^10 codes), digits needs nine `*` (exactly 10^9).
 */
const FALLBACK_MASKS: Record<DeviceCharset, string> = { base20: '****-****', digits: '***-***-***' };

/**
 * The format user codes are actually drawn from. The Management API refuses a weak mask, but one
 * stored before the floor existed (or written around the API) is still in the settings; its codes
 * would be guessable, so the charset's strong mask replaces it. Falling back rather than refusing
 * keeps the tenant's devices working: a mask only shapes how a code reads (Auth0: "to increase the
 * user code's readability"), and the operator sees the stored value refused on their next PATCH.
 */
export function issuableUserCodeFormat(format: TenantSettings['device_flow']): TenantSettings['device_flow'] {
  return userCodeSpaceProblem(format) === undefined ? format : { charset: format.charset, mask: FALLBACK_MASKS[format.charset] };
}

/**
 * A new user code: each `*` of the mask becomes a random character of the charset, anything else
 * is kept. Callers pass the issuable format (`issuableUserCodeFormat`), never a stored one as is.
 */
export function generateUserCode(format: TenantSettings['device_flow']): string {
  const alphabet = CHARSETS[format.charset];
  return [...format.mask].map((c) => (c === '*' ? alphabet[randomInt(alphabet.length)] : c)).join('');
}

/**
 * What a typed user code is looked up by: upper case, spaces and hyphens (the mask's only
 * separators) removed. Undefined for input that cannot be a code (too long, other characters).
 */
export function normalizeUserCode(typed: string): string | undefined {
  if (typed.length > MAX_TYPED_LENGTH) return undefined;
  const key = typed.toUpperCase().replace(/[\s-]+/g, '');
  return /^[A-Z0-9]{1,20}$/.test(key) ? key : undefined;
}

export interface DeviceRequest {
  clientId: string;
  scope: string[];
  audience?: string;
  /** The issuer of the host the device asked on: the verification pages name it (tokens take the poll's host's, as every grant). */
  issuer: string;
}

/** What the user decided at `/activate`, with what the tokens will carry. */
export interface DeviceApproval {
  userId: string;
  scope: string[];
  audience?: string;
  permissions?: string[];
  authTime: number;
  sid: string;
}

export interface UserCodeEntry {
  /**
   * Random, shared with the device code entry: a user code is reused once its entry expired, so a
   * device code must find its own authorization under the key, not a later one's.
   */
  id?: string;
  request: DeviceRequest;
  /** The code as shown to the user (with the mask's separators), for the confirmation page. */
  userCode: string;
  status: 'pending' | 'approved' | 'denied';
  approval?: DeviceApproval;
}

export interface DeviceCodeEntry {
  /** The normalized user code: the key of the user code entry. */
  userCodeKey: string;
  /** The `id` of the user code entry this device code stands for. */
  userCodeId?: string;
  clientId: string;
  interval: number;
  /** Epoch ms of the last poll. */
  lastPolledAt?: number;
}

export interface IssuedDeviceCodes {
  deviceCode: string;
  userCode: string;
  expiresIn: number;
  interval: number;
}

/**
 * Stores a new device authorization; a user code taken by a live authorization is drawn again.
 * The tenant's format is made issuable first (a weak stored mask never yields weak codes). `draw`
 * replaces the random draw in tests only (a tiny code space to exercise reuse and exhaustion).
 */
export async function startDeviceAuthorization(
  ttl: TtlStore,
  tenantId: string,
  format: TenantSettings['device_flow'],
  request: DeviceRequest,
  draw?: () => string,
): Promise<IssuedDeviceCodes> {
  const issuable = issuableUserCodeFormat(format);
  const next = draw ?? (() => generateUserCode(issuable));
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const userCode = next();
    const userCodeKey = normalizeUserCode(userCode)!;
    const id = randomBytes(16).toString('base64url');
    const entry: UserCodeEntry = { id, request, userCode, status: 'pending' };
    // A live code is drawn again; an expired one is taken over (ttl-store.ts `putUnder`).
    if (!(await ttl.putUnder(tenantId, 'device_user_code', userCodeKey, entry, DEVICE_CODE_TTL_SECONDS))) continue;
    const device: DeviceCodeEntry = { userCodeKey, userCodeId: id, clientId: request.clientId, interval: DEVICE_POLL_INTERVAL_SECONDS };
    const deviceCode = await ttl.put(tenantId, 'device_code', device, DEVICE_CODE_TTL_SECONDS);
    return { deviceCode, userCode, expiresIn: DEVICE_CODE_TTL_SECONDS, interval: DEVICE_POLL_INTERVAL_SECONDS };
  }
  // Five live codes drawn in a row: the live codes fill much of the space (a flood of requests).
  throw new DeviceCodeSpaceExhausted();
}

export class DeviceCodeSpaceExhausted extends Error {}

/** The live, unanswered authorization a typed user code names; undefined for a wrong, expired or answered one. */
export async function pendingUserCode(ttl: TtlStore, tenantId: string, typed: string): Promise<{ key: string; entry: UserCodeEntry } | undefined> {
  const key = normalizeUserCode(typed);
  if (!key) return undefined;
  const entry = await ttl.get<UserCodeEntry>(tenantId, 'device_user_code', key);
  return entry?.status === 'pending' ? { key, entry } : undefined;
}

/** Writes the user's answer once: false when the code expired or was answered meanwhile. */
export async function answerUserCode(ttl: TtlStore, tenantId: string, key: string, answer: { approved: DeviceApproval } | { denied: true }): Promise<boolean> {
  const entry = await ttl.get<UserCodeEntry>(tenantId, 'device_user_code', key);
  if (entry?.status !== 'pending') return false;
  const next: UserCodeEntry = 'approved' in answer ? { ...entry, status: 'approved', approval: answer.approved } : { ...entry, status: 'denied' };
  return ttl.update(tenantId, 'device_user_code', key, next, entry);
}

export type PollOutcome =
  | { outcome: 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied' | 'invalid_grant' }
  | { outcome: 'approved'; request: DeviceRequest; approval: DeviceApproval };

/**
 * One poll of the token endpoint with a device code, by the application it was issued to. A poll
 * sooner than the interval after the previous one is `slow_down` and lengthens the interval by 5 s
 * for every later poll; an answered authorization is consumed by the poll that sees it, so its
 * tokens are issued once.
 */
export async function pollDeviceCode(ttl: TtlStore, clock: Clock, tenantId: string, deviceCode: string, clientId: string): Promise<PollOutcome> {
  const device = await ttl.get<DeviceCodeEntry>(tenantId, 'device_code', deviceCode);
  if (!device) {
    const expired = await ttl.getExpired<DeviceCodeEntry>(tenantId, 'device_code', deviceCode);
    return { outcome: expired && expired.clientId === clientId ? 'expired_token' : 'invalid_grant' };
  }
  if (device.clientId !== clientId) return { outcome: 'invalid_grant' };

  const now = clock.now();
  const tooSoon = device.lastPolledAt !== undefined && now - device.lastPolledAt < device.interval * 1000;
  const next: DeviceCodeEntry = { ...device, lastPolledAt: now, ...(tooSoon ? { interval: device.interval + SLOW_DOWN_STEP_SECONDS } : {}) };
  // Compare-and-set: of two concurrent polls, one records itself and the other is too soon by definition.
  if (!(await ttl.update(tenantId, 'device_code', deviceCode, next, device)) || tooSoon) return { outcome: 'slow_down' };

  const entry = await ttl.get<UserCodeEntry>(tenantId, 'device_user_code', device.userCodeKey);
  if (!entry || entry.id !== device.userCodeId) return { outcome: 'expired_token' };
  if (entry.status === 'pending') return { outcome: 'authorization_pending' };
  const taken = await ttl.consume<DeviceCodeEntry>(tenantId, 'device_code', deviceCode);
  if (taken.status !== 'ok') return { outcome: 'invalid_grant' };
  if (entry.status === 'denied' || !entry.approval) return { outcome: 'access_denied' };
  return { outcome: 'approved', request: entry.request, approval: entry.approval };
}

/** Where the user enters the code: `/activate` on the host the device asked on. */
export const verificationUri = (issuer: string): string => `${issuer}activate`;

/**
 * The device request in the shape the hosted login pages and the authorization checks read: no
 * response to deliver (the device polls), the activation page as the only place forms lead to.
 */
export function asAuthorizationRequest(request: DeviceRequest): AuthorizationRequest {
  return {
    clientId: request.clientId,
    redirectUri: verificationUri(request.issuer),
    responseTypes: new Set(),
    responseType: '',
    responseMode: 'query',
    scope: request.scope,
    ...(request.audience ? { audience: request.audience } : {}),
    prompt: new Set(),
  };
}
